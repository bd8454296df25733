"""The dashboard's charts, keyed by the key of the table that holds their numbers: the page (and a
PDF) shows each chart followed by that table."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from koppel.reports import charts
from koppel.reports.domain.dashboard import DashboardReport
from koppel.reports.domain.suppression import MATCHES, YOUTH, hidden_text
from koppel.reports.domain.tables import SUPPRESSED


def _value(value: Any) -> float | None:
    """A share or count for a chart: None when there is nothing to show or it is suppressed."""
    return None if value is None or value is SUPPRESSED else float(value)


def _month(day: date) -> str:
    return date_format(day, "M Y")


def dashboard_charts(report: DashboardReport) -> dict[str, SafeString]:
    """SVG charts for the dashboard's tables: waiting time, closure reasons, meeting and support
    compliance over time, training per month, the recruitment funnel."""
    found: dict[str, SafeString] = {}
    if report.youth_waiting:
        found["waiting"] = charts.bar_chart(
            title=_("Youth waiting, by days on the waiting list"),
            labels=[label for label, _n in report.waiting_buckets],
            values=[_value(n) for _label, n in report.waiting_buckets],
            hidden=hidden_text(report.min_group, YOUTH),
        )
    if report.closure_reasons:
        found["closure_reasons"] = charts.bar_chart(
            title=_("Why matches ended"),
            labels=[row.label for row in report.closure_reasons],
            values=[_value(row.total) for row in report.closure_reasons],
            hidden=hidden_text(report.min_group, MATCHES),
        )
    if report.meetings:
        found["meetings"] = charts.line_chart(
            title=_("Matches meeting often enough, per month (%)"),
            x_labels=[_month(m.month) for m in report.meetings],
            series=[(_("Matches"), [_value(m.share.percent) for m in report.meetings])],
            y_max=100,
            unit="%",
        )
    if report.support:
        found["support"] = charts.line_chart(
            title=_("Support contacts on schedule (%)"),
            x_labels=[_month(p.day) for p in report.support],
            series=[
                (_("With the mentor"), [_value(p.mentor.percent) for p in report.support]),
                (_("With the parents or guardians"), [_value(p.guardian.percent) for p in report.support]),
            ],
            y_max=100,
            unit="%",
        )
    if report.trn2:
        found["training"] = charts.line_chart(
            title=_("Matched mentors with the monthly training hours (%)"),
            x_labels=[_month(m.month) for m in report.trn2],
            series=[(_("Mentors"), [_value(m.share.percent) for m in report.trn2])],
            y_max=100,
            unit="%",
        )
    total = report.funnel_total
    if total is not None and total.applied:
        found["funnel_channels"] = charts.funnel_chart(
            title=_("Recruitment: from application to a full year matched"),
            steps=list(
                zip(
                    [
                        _("Applied"),
                        _("Screened"),
                        _("Trained (ready)"),
                        _("Matched"),
                        _("A full year matched"),
                    ],
                    total.steps(),
                    strict=True,
                )
            ),
        )
    return found
