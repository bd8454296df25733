"""Staff page for the programme dashboard (REL-1, SUP-1, TRN-1, TRN-2, REC-3, MAT-5, CLS-1, OUT-1, OUT-4).

Read-only: the filter form (GET) -> `build_dashboard` -> figures, charts and tables. The figures
are counts and shares, never a person, so there is nothing for the access log. One view serves the
page and, for HTMX requests from the filter form, only the results partial.
"""

from django.shortcuts import render
from django.utils import timezone

from koppel.policy import coordinators_of_programmes_of, programmes_visible_to
from koppel.reports.domain.dashboard import build_dashboard
from koppel.reports.domain.dashboard_charts import dashboard_charts
from koppel.staff.forms.reports import ReportFilterForm
from koppel.staff.views.helpers import staff_required


def report_filter_form(request, data, *, today=None) -> ReportFilterForm:
    """The report filter over the user's own programmes and their coordinators (the report pages
    and the export request share it, so a posted programme the user cannot see is refused)."""
    return ReportFilterForm(
        data,
        programmes=programmes_visible_to(request.user).order_by("name"),
        coordinators=coordinators_of_programmes_of(request.user).order_by("name", "email"),
        today=today or timezone.localdate(),
    )


@staff_required
def dashboard(request):
    today = timezone.localdate()
    form = report_filter_form(request, request.GET or None, today=today)
    report = build_dashboard(form.report_filter(), today=today)
    charts = dashboard_charts(report)
    blocks = [(table, charts.get(table.key)) for table in report.tables()]
    template = "staff/reports/dashboard.html"
    if request.htmx:
        template += "#results"
    return render(
        request,
        template,
        {"form": form, "report": report, "blocks": blocks, "overview": blocks[0][0]},
    )
