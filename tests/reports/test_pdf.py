"""The programme report PDF for a funder: cover, tables, charts, suppression note, page numbers."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether
from reportlab.platypus import Table as PdfTable

from koppel.matches.enums import MatchState
from koppel.matches.models import Closure
from koppel.programmes.models import Programme
from koppel.reports.domain.dashboard import build_dashboard
from koppel.reports.domain.outcomes import build_outcomes
from koppel.reports.domain.pdf import (
    BODY_WIDTH,
    CELL_PADDING,
    HEAD_FONT,
    MAX_TIME_LABELS,
    _Styles,
    change_bars,
    chart_for,
    compliance_lines,
    funnel_bars,
    programme_pdf,
    survival_points,
    table_flowables,
    table_layout,
)
from koppel.reports.domain.period import build_filter
from koppel.reports.domain.tables import SUPPRESSED, Table
from tests.factories.closure import active_match
from tests.factories.meeting import MeetingLogFactory

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
    """The text drawn on the pages (uncompressed PDF: strings in parentheses before Tj; letters
    beyond ASCII as octal escapes, "ge\\353indigd")."""
    strings = re.findall(rb"\((.*?)\) Tj", pdf)
    text = b" ".join(strings).replace(b"\\(", b"(").replace(b"\\)", b")")
    text = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), text)
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
    assert f"hidden: fewer than {report_filter.min_group} people" in text
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
        start=timezone.localdate() - timedelta(days=365),
        end=timezone.localdate(),
    )
    dashboard = build_dashboard(report_filter, today=timezone.localdate())
    outcomes = build_outcomes(report_filter, today=timezone.localdate())
    pdf = programme_pdf(dashboard, outcomes, language="en")
    assert pdf.startswith(b"%PDF")
    text = _texts(pdf)
    assert "Maatjes Zuid" in text
    for table in [*dashboard.tables(), *outcomes.tables()]:
        assert table.title[:30] in text, table.title


# --- Compliance over time (REL-1, SUP-1, TRN-2) ----------------------------------------------------------

MEETINGS = Table(
    key="meetings",
    title="Meeting frequency per month",
    columns=["Month", "Matches active all month", "Met often enough", "Share (%)"],
    rows=[
        ["July 2025", 10, 8, 80.0],
        ["August 2025", 4, SUPPRESSED, SUPPRESSED],
        ["September 2025", 10, 9, 90.0],
        ["October 2025", 0, 0, None],
        ["November 2025", 10, 7, 70.0],
        ["December 2025", 10, 6, 60.0],
    ],
    rule="REL-1",
    meta={"months": [date(2025, m, 1) for m in range(7, 13)]},
)
SUPPORT = Table(
    key="support",
    title="Support contacts on schedule",
    columns=[
        "At the end of",
        "Matches",
        "Mentor contacts on schedule (%)",
        "Matches with parents to support",
        "Parent contacts on schedule (%)",
    ],
    rows=[
        ["September 2025", 12, 91.7, 6, 50.0],
        ["December 2025", 12, 83.3, 4, SUPPRESSED],
        ["March 2026", 11, 100.0, 6, 66.7],
    ],
    rule="SUP-1",
    meta={"months": [date(2025, 9, 30), date(2025, 12, 31), date(2026, 3, 31)]},
)
TRAINING = Table(
    key="training",
    title="Training",
    columns=["Measure", "Mentors", "With enough hours", "Share (%)"],
    rows=[
        ["Before matching (mentors ready or matched now)", 20, 15, 75.0],
        ["In July 2025 (matched mentors)", 10, 4, 40.0],
        ["In August 2025 (matched mentors)", 3, SUPPRESSED, SUPPRESSED],
        ["In September 2025 (matched mentors)", 10, 5, 50.0],
    ],
    rule="TRN-1, TRN-2",
    meta={"months": [date(2025, m, 1) for m in (7, 8, 9)]},  # the rows after TRN-1
)


def _plot(drawing: Drawing) -> LinePlot:
    return next(item for item in drawing.contents if isinstance(item, LinePlot))


def test_meetings_chart_one_point_a_month_hidden_and_empty_months_are_gaps__REL_1():
    labels, series = compliance_lines(MEETINGS)
    assert labels == ["Jul 2025", "Aug 2025", "Sep 2025", "Oct 2025", "Nov 2025", "Dec 2025"]
    assert series == [("Share (%)", [80.0, None, 90.0, None, 70.0, 60.0])]
    drawing = chart_for(MEETINGS)
    assert isinstance(drawing, Drawing)
    plot = _plot(drawing)
    # Three stretches, broken at the hidden August and the empty October: no zeros drawn.
    assert plot.data == [[(0.0, 80.0)], [(2.0, 90.0)], [(4.0, 70.0), (5.0, 60.0)]]
    assert sum(len(run) for run in plot.data) == 4
    assert (plot.yValueAxis.valueMin, plot.yValueAxis.valueMax) == (0, 100)


def test_support_chart_mentor_and_parent_lines_per_quarter_point__SUP_1():
    labels, series = compliance_lines(SUPPORT)
    assert labels == ["Sep 2025", "Dec 2025", "Mar 2026"]
    assert series == [
        ("Mentor contacts on schedule (%)", [91.7, 83.3, 100.0]),
        ("Parent contacts on schedule (%)", [50.0, None, 66.7]),
    ]
    plot = _plot(chart_for(SUPPORT))
    assert plot.data == [
        [(0.0, 91.7), (1.0, 83.3), (2.0, 100.0)],
        [(0.0, 50.0)],
        [(2.0, 66.7)],
    ]
    # The parents' stretches share one colour, the mentors' another.
    assert plot.lines[1].strokeColor == plot.lines[2].strokeColor != plot.lines[0].strokeColor


def test_training_chart_is_trn2_per_month_without_the_trn1_row__TRN_2():
    labels, series = compliance_lines(TRAINING)
    assert labels == ["Jul 2025", "Aug 2025", "Sep 2025"]
    assert series == [("Share (%)", [40.0, None, 50.0])]
    assert _plot(chart_for(TRAINING)).data == [[(0.0, 40.0)], [(2.0, 50.0)]]


def test_no_compliance_chart_when_every_share_is_hidden():
    hidden = Table(
        key="meetings",
        title="M",
        columns=MEETINGS.columns,
        rows=[["July 2025", 3, SUPPRESSED, SUPPRESSED], ["August 2025", 0, 0, None]],
    )
    assert chart_for(hidden) is None


def test_compliance_chart_labels_at_most_eight_months_and_always_the_last():
    months = [date(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 25)]
    rows = [[f"{d:%B %Y}", 10, 5, 50.0] for d in months]
    table = Table(key="meetings", title="M", columns=MEETINGS.columns, rows=rows, meta={"months": months})
    plot = _plot(chart_for(table))
    shown = plot.xValueAxis.labelTextFormat
    assert len(shown) <= MAX_TIME_LABELS
    assert shown[-1] == "Dec 2025"
    assert plot.xValueAxis.valueSteps[-1] == 23


def test_compliance_charts_in_the_pdf(cast):
    pdf = programme_pdf(
        FakeReport(MEETINGS, SUPPORT, TRAINING), FakeReport(), language="en", report_filter=_filter(cast)
    )
    text = _texts(pdf)
    assert "Jul 2025" in text and "Mar 2026" in text  # the time axes
    assert "100%" in text and "75%" in text  # the y axes, 0-100 %
    assert "Mentor contacts on schedule (%)" in text  # the support chart's legend


def test_month_labels_in_dutch():
    table = Table(
        key="training",
        title="Training",
        columns=TRAINING.columns,
        rows=[
            ["Vóór het koppelen", 20, 15, 75.0],
            ["In maart 2026 (gekoppelde mentoren)", 10, 4, 40.0],
            ["In mei 2026 (gekoppelde mentoren)", 10, 5, 50.0],
        ],
        meta={"months": [date(2026, 3, 1), date(2026, 5, 1)]},
    )
    with translation.override("nl"):
        labels, _series = compliance_lines(table)
    assert labels == ["Mrt 2026", "Mei 2026"]


# --- Column widths and alignment ------------------------------------------------------------------------

SURVEYS_NL = Table(
    key="surveys",
    title="Vragenlijsten gepland in de periode",
    columns=[
        "Meetinstrument",
        "Moment",
        "Respondent",
        "Gepland",
        "Ingediend",
        "Responspercentage (%)",
        "Nog open",
    ],
    rows=[
        [
            "Hoe gaat het met je?",
            "Tussenmeting (tijdens de koppeling), 12 maanden",
            "Ouder/verzorger",
            12,
            9,
            75.0,
            1,
        ],
        ["Hoe gaat het met je mentor?", "Eindmeting", "Jongere", 3, 2, SUPPRESSED, 0],
    ],
    rule="OUT-1, OUT-4",
)
RELATIONSHIP_NL = Table(
    key="relationship",
    title="Kwaliteit van de relatie van beide kanten",
    columns=[
        "Aspect",
        "Respondent",
        *[
            heading
            for months in (3, 6, 12, 24)
            for heading in (f"n na {months} maanden", f"Gemiddelde na {months} maanden")
        ],
    ],
    rows=[["Vertrouwen: Trust (Hoe gaat het met je koppeling?)", "Ouder/verzorger", *[8, 4.25] * 4]],
)


def _heading_words_fit(table: Table, size: float, widths: list[float]) -> None:
    for heading, width in zip(table.columns, widths, strict=True):
        for word in heading.split():
            assert stringWidth(word, HEAD_FONT, size) + 2 * CELL_PADDING <= width, (word, size, width)


def test_column_widths_fit_the_longest_dutch_word_of_each_heading():
    size, widths = table_layout(SURVEYS_NL, min_group=5)
    assert size == 8
    assert sum(widths) == pytest.approx(BODY_WIDTH)
    responses = SURVEYS_NL.columns.index("Responspercentage (%)")
    assert widths[responses] >= stringWidth("Responspercentage", HEAD_FONT, size) + 2 * CELL_PADDING
    _heading_words_fit(SURVEYS_NL, size, widths)
    # The cells' words too: "Tussenmeting" and "Ouder/verzorger" are not broken either.
    assert widths[1] >= stringWidth("Tussenmeting", "Helvetica", size) + 2 * CELL_PADDING
    assert widths[2] >= stringWidth("Ouder/verzorger", "Helvetica", size) + 2 * CELL_PADDING


def test_a_wide_table_gets_a_smaller_type_and_still_no_broken_word():
    size, widths = table_layout(RELATIONSHIP_NL, min_group=5)
    assert size < 8
    assert sum(widths) == pytest.approx(BODY_WIDTH)
    _heading_words_fit(RELATIONSHIP_NL, size, widths)


def test_columns_follow_their_content():
    table = Table(
        key="overview",
        title="Kengetallen",
        columns=["Kengetal", "Waarde"],
        rows=[["Actieve koppelingen aan het einde van de periode", 41]],
    )
    _size, (label, value) = table_layout(table, min_group=5)
    assert label > 3 * value


def _grid_of(flowables: list) -> PdfTable:
    keep = next(f for f in flowables if isinstance(f, KeepTogether))
    return next(f for f in keep._content if isinstance(f, PdfTable))


def test_hidden_values_are_right_aligned_like_the_numbers():
    with translation.override("en"):
        grid = _grid_of(table_flowables(SURVEYS_NL, _Styles(), min_group=5))
    hidden_row = grid._cellvalues[2]
    assert hidden_row[5].text == "hidden: fewer than 5 people"
    assert hidden_row[5].style.alignment == TA_RIGHT
    assert hidden_row[4].style.alignment == TA_RIGHT  # a number
    assert hidden_row[0].style.alignment == TA_LEFT  # text
    # Headings wrap only at spaces, never inside a word.
    assert all(cell.style.splitLongWords == 0 for cell in grid._cellvalues[0])


def test_dutch_headings_are_never_broken_in_the_pdf(cast):
    pdf = programme_pdf(
        FakeReport(SURVEYS_NL), FakeReport(RELATIONSHIP_NL), language="nl", report_filter=_filter(cast)
    )
    text = _texts(pdf)
    for word in ("Responspercentage", "Meetinstrument", "Gemiddelde", "Tussenmeting", "Ouder/verzorger"):
        assert word in text.split(), word


# --- The real report, in Dutch, for a small programme --------------------------------------------------


def _close(match, *, ended_on: date) -> None:
    match.state = MatchState.CLOSED
    match.ended_on = ended_on
    match.save()
    Closure.objects.create(
        match=match,
        kind="early",
        reason="no_click",
        ended_by="mentor",
        ends_on=ended_on,
        early=True,
        contact_after="none",
    )


def test_real_programme_pdf_in_dutch_with_compliance_charts__REL_1(cast):
    today = timezone.localdate()
    start = today - timedelta(days=365)
    # Six matches active the whole period (the cast's and five more); two end four months before
    # today, so the last months have too few matches for a share: gaps in the chart.
    matches = [cast.match] + [
        active_match(programme=cast.programme, started_on=start - timedelta(days=100)) for _ in range(5)
    ]
    for match in matches[1:3]:
        _close(match, ended_on=today - timedelta(days=120))
    for match in matches[3:]:
        for k in range(0, 366, 7):
            MeetingLogFactory(match=match, held_on=start + timedelta(days=k))
    report_filter = build_filter(Programme.objects.filter(pk=cast.programme.pk), start=start, end=today)
    dashboard = build_dashboard(report_filter, today=today)
    outcomes = build_outcomes(report_filter, today=today)

    with translation.override("nl"):
        meetings = next(t for t in dashboard.tables() if t.key == "meetings")
        labels, _series = compliance_lines(meetings)
        plot = _plot(chart_for(meetings))
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label) for label in labels), labels
    shares = [row[3] for row in meetings.rows]
    assert SUPPRESSED in shares and any(isinstance(s, float) for s in shares)
    assert sum(len(run) for run in plot.data) == sum(isinstance(s, float) for s in shares)

    pdf = programme_pdf(dashboard, outcomes, language="nl")
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    text = _texts(pdf)
    assert "Maatjes Zuid" in text
    assert "Ontmoetingsfrequentie per maand (REL-1)" in text
    assert "75%" in text  # the meetings chart's axis
    words = text.split()
    with translation.override("nl"):
        tables = [*dashboard.tables(), *outcomes.tables()]
    for table in tables:
        if table.rows:
            for heading in table.columns:
                for word in heading.split():
                    assert word in words, (table.key, word)
