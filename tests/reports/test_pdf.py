"""The programme report PDF for a funder: cover, tables, charts, suppression note, page numbers."""

import re
from datetime import date, timedelta

from koppel.programmes.models import Programme
from koppel.reports.domain.dashboard import build_dashboard
from koppel.reports.domain.outcomes import build_outcomes
from koppel.reports.domain.pdf import (
    change_bars,
    funnel_bars,
    programme_pdf,
    survival_points,
)
from koppel.reports.domain.period import build_filter
from koppel.reports.domain.tables import SUPPRESSED, Table

TODAY = date(2026, 6, 30)


class FakeReport:
    def __init__(self, *tables, report_filter=None):
        self._tables = list(tables)
        self.report_filter = report_filter

    def tables(self):
        return self._tables


FUNNEL = Table(
    key="funnel_campaigns",
    title="Recruitment per campaign",
    columns=["Campaign", "Applied", "Screened", "Trained", "Matched"],
    rows=[["Spring", 20, 15, 10, 5], ["Radio", 10, 5, 3, SUPPRESSED]],
    rule="REC-3",
)
SURVIVAL = Table(
    key="survival",
    title="Matches still active after a number of months",
    columns=["Months", "At risk", "% still active"],
    rows=[[3, 40, 97.5], [6, 30, 90.0], [12, SUPPRESSED, SUPPRESSED]],
    meta={"points": [(0.0, 1.0), (2.5, 0.95), (7.0, 0.8)]},
)
CHANGE = Table(
    key="change_twelve",
    title="Baseline to 12 months",
    columns=["Outcome domain", "n", "Baseline", "Later"],
    rows=[["School", 12, 3.1, 3.6]],
    meta={"chart": [("School", 3.1, 3.6), ("Emotional support", None, None)]},
)


def _filter(cast):
    return build_filter(Programme.objects.filter(pk=cast.programme.pk), start=date(2025, 7, 1), end=TODAY)


def _texts(pdf: bytes) -> str:
    """The text drawn on the pages (uncompressed PDF: strings in parentheses before Tj)."""
    strings = re.findall(rb"\((.*?)\) Tj", pdf)
    text = b" ".join(strings).replace(b"\\(", b"(").replace(b"\\)", b")")
    return text.decode("latin-1")


def test_pdf_has_cover_tables_charts_note_and_page_numbers_in_english(cast):
    report_filter = _filter(cast)
    pdf = programme_pdf(
        FakeReport(FUNNEL, report_filter=report_filter),
        FakeReport(SURVIVAL, CHANGE),
        language="en",
        today=TODAY,
    )
    assert pdf.startswith(b"%PDF")
    text = _texts(pdf)
    assert "Programme report" in text
    assert "Stichting Samen Verder" in text
    assert "Maatjes Zuid" in text
    assert "Samen Sterk op School" not in text
    assert "Generated on: 30 June 2026" in text
    assert "Recruitment per campaign (REC-3)" in text
    assert "Spring" in text and "Radio" in text
    assert "Matches still active after a number of months" in text
    assert "months since the start" in text  # the survival chart's axis
    assert "at baseline" in text  # the change chart's legend
    assert f"fewer than {report_filter.min_group} people" in text
    assert f"<{report_filter.min_group}" in text.replace("< ", "<")
    assert "Page 1" in text and "Page 2" in text


def test_pdf_in_dutch(cast):
    pdf = programme_pdf(
        FakeReport(FUNNEL), FakeReport(SURVIVAL), language="nl", report_filter=_filter(cast), today=TODAY
    )
    text = _texts(pdf)
    assert "Maatjes Zuid" in text
    assert "30 juni 2026" in text
    assert "97,5" in text  # Dutch decimal comma
    # (New strings are translated by the lead at the end; dates and numbers follow the language now.)


def test_funnel_bars_sum_stage_columns_over_the_rows_leaving_hidden_cells_out():
    assert funnel_bars(FUNNEL) == [("Applied", 30), ("Screened", 20), ("Trained", 13), ("Matched", 5)]


def test_funnel_bars_from_stages_as_rows():
    table = Table(key="funnel", title="F", columns=["Stage", "People"], rows=[["Applied", 9], ["Matched", 4]])
    assert funnel_bars(table) == [("Applied", 9.0), ("Matched", 4.0)]


def test_survival_points_from_the_curve_in_percent():
    assert survival_points(SURVIVAL) == [(0.0, 100.0), (2.5, 95.0), (7.0, 80.0)]


def test_survival_points_from_the_rows_use_the_percentage_column_and_skip_hidden():
    table = Table(key="survival", title="S", columns=SURVIVAL.columns, rows=SURVIVAL.rows)
    assert survival_points(table) == [(3.0, 97.5), (6.0, 90.0)]


def test_change_bars_leave_out_hidden_domains():
    assert change_bars(CHANGE) == [("School", 3.1, 3.6)]


def test_pdf_of_the_real_reports(cast):
    report_filter = build_filter(
        Programme.objects.filter(pk=cast.programme.pk),
        start=date.today() - timedelta(days=365),
        end=date.today(),
    )
    dashboard = build_dashboard(report_filter, today=date.today())
    outcomes = build_outcomes(report_filter, today=date.today())
    pdf = programme_pdf(dashboard, outcomes, language="en")
    assert pdf.startswith(b"%PDF")
    text = _texts(pdf)
    assert "Maatjes Zuid" in text
    for table in [*dashboard.tables(), *outcomes.tables()]:
        assert table.title[:30] in text, table.title
