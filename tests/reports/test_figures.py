"""Report figures as people read them, on every surface (page tables, SVG charts, the PDF's tables
and charts, CSV and XLSX): rounded half away from zero and never cut off, never "-0", with the
language's decimal sign, and a hidden figure (OUT-3 small groups) saying that it is hidden instead
of reading as a value below the minimum."""

import csv
import io
import re
from types import SimpleNamespace
from xml.etree import ElementTree

import openpyxl
from django.template.loader import render_to_string
from django.utils import translation
from reportlab.graphics import renderSVG

from koppel.reports import charts
from koppel.reports.domain import pdf
from koppel.reports.domain.dashboard import Share
from koppel.reports.domain.exports import to_csv, to_xlsx
from koppel.reports.domain.tables import SUPPRESSED, Table
from koppel.staff.worklist.surveys import alert_note
from koppel.surveys.enums import AlertReason, Respondent

SVG = "{http://www.w3.org/2000/svg}"
FIGURES = [2.78, 0.999, -0.08, 2.25, -0.04]


def _table(rows, **meta) -> Table:
    return Table(
        key="demo",
        title="Demo",
        columns=["Figure", "Value"],
        rows=rows,
        meta={"min_group": 5, **meta},
    )


def _cells(html: str) -> list[str]:
    return [c.strip() for c in re.findall(r'<td class="num[^"]*">(.*?)</td>', html, re.S)]


def _svg_texts(svg: str, cls: str) -> list[str]:
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own SVG
    return [t.text for t in root.iter(f"{SVG}text") if cls in (t.get("class") or "").split()]


# --- Rounding: half away from zero, not cut off, never "-0" ------------------------------------------


def test_report_table_figures_are_rounded_not_cut_off():
    table = _table([[f"v{i}", v] for i, v in enumerate(FIGURES)])
    with translation.override("nl"):
        html = render_to_string("staff/reports/_table.html", {"table": table})
    assert _cells(html) == ["2,8", "1,0", "-0,1", "2,3", "0,0"]


def test_svg_chart_labels_are_rounded_not_cut_off():
    with translation.override("nl"):
        svg = charts.bar_chart(title="T", labels=["a", "b", "c"], values=[2.78, 0.96, 12.25])
    assert _svg_texts(svg, "chart-value") == ["2,8", "1", "12,3"]


def test_change_chart_values_are_rounded_not_cut_off():
    with translation.override("nl"):
        svg = charts.change_chart(title="C", rows=[("School", 2.78, 2.999)], minimum=1, maximum=5)
    assert _svg_texts(svg, "chart-value") == ["2,8 → 3"]


def test_funnel_and_survival_shares_round_half_away_from_zero():
    # 1 of 8 is 12.5 %: 13, not the 12 of Python's round(); 0.625 is 62.5 %: 63.
    svg = charts.funnel_chart(title="F", steps=[("Applied", 8), ("Matched", 1)])
    assert "Matched: 1 (13%)" in ElementTree.fromstring(svg).find(f"{SVG}desc").text  # noqa: S314
    svg = charts.survival_chart(title="S", points=[(0, 1.0), (6, 0.625)], x_label="m", y_label="%")
    assert "6: 63%" in ElementTree.fromstring(svg).find(f"{SVG}desc").text  # noqa: S314


def test_pdf_table_figures_are_rounded_half_away_from_zero_and_never_minus_zero():
    with translation.override("nl"):
        assert pdf._cell_text(2.675, min_group=5) == "2,68"  # round() gives 2.67
        assert pdf._cell_text(-0.004, min_group=5) == "0"
        assert pdf._cell_text(97.5, min_group=5) == "97,5"


def test_shares_round_half_away_from_zero():
    # 1 of 400 is 0.25 %: 0.3 in the tables (Python's round() gives 0.2).
    assert Share(1, 400, 1).percent == 0.3
    assert Share(1, 8, 1).percent == 12.5


def test_the_dashboard_figure_of_a_share_rounds_the_exact_share_once():
    # 623 of 5000 is 12.46 %: the figure says 12 %, not 13 % (12.46 -> 12.5 -> 13).
    with translation.override("nl"):
        html = render_to_string("staff/reports/_share.html", {"share": Share(623, 5000, 5)})
    assert ">12%<" in html


def test_worklist_quality_alert_figures_are_rounded_not_cut_off__OUT_4():
    alert = SimpleNamespace(
        score=SimpleNamespace(
            subscale=SimpleNamespace(name="Trust", higher_is_better=True), respondent=Respondent.MENTOR
        ),
        value=2.78,
        threshold=3.0,
        previous=None,
        reason=AlertReason.BELOW_THRESHOLD,
    )
    with translation.override("nl"):
        assert alert_note(alert).startswith("Trust 2,8 ")


# --- Hidden figures read as hidden (OUT-3) ---------------------------------------------------------


def test_a_hidden_cell_on_the_page_says_hidden_not_fewer_than_a_value__OUT_3():
    table = _table([["Still active (%)", SUPPRESSED]], group="matches")
    with translation.override("en"):
        html = render_to_string("staff/reports/_table.html", {"table": table})
    assert _cells(html) == ["hidden: fewer than 5 matches"]


def test_a_hidden_share_on_the_dashboard_is_not_shown_as_less_than_n__OUT_3():
    with translation.override("en"):
        html = render_to_string("staff/reports/_share.html", {"share": Share(1, 3, 5)})
    assert "&lt;5" not in html
    assert "hidden: fewer than 5" in html


def test_a_hidden_change_in_the_chart_is_not_shown_as_less_than_n__OUT_3():
    with translation.override("en"):
        svg = charts.change_chart(
            title="C",
            rows=[("School", SUPPRESSED, SUPPRESSED)],
            minimum=1,
            maximum=5,
            hidden="hidden: fewer than 5 youth",
        )
    texts = _svg_texts(svg, "chart-value")
    assert texts == ["hidden: fewer than 5 youth"]
    assert "→" not in svg


def test_a_hidden_cell_in_csv_and_xlsx_says_hidden_not_less_than_n__OUT_3():
    table = _table([["Mean length (months)", SUPPRESSED]], group="matches")
    with translation.override("en"):
        rows = list(csv.reader(io.StringIO(to_csv([table]).decode("utf-8-sig"))))
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx([table])))
    assert rows[-1] == ["Mean length (months)", "hidden: fewer than 5 matches"]
    assert book.worksheets[0].cell(row=3, column=2).value == "hidden: fewer than 5 matches"


def test_a_hidden_cell_in_the_pdf_says_hidden_not_less_than_n__OUT_3():
    table = _table([["Still active (%)", SUPPRESSED]], group="matches")
    with translation.override("en"):
        texts = pdf._table_texts(table, min_group=5)
    assert texts == [["Still active (%)", "hidden: fewer than 5 matches"]]


def test_hidden_rows_of_one_table_name_their_own_group__OUT_3():
    table = _table([["Median wait (days)", SUPPRESSED], ["Mean length", SUPPRESSED]], row_groups=["youth"])
    table = Table(**{**table.__dict__, "meta": {**table.meta, "group": "matches"}})
    with translation.override("en"):
        html = render_to_string("staff/reports/_table.html", {"table": table})
    assert _cells(html) == ["hidden: fewer than 5 youth", "hidden: fewer than 5 matches"]


# --- The PDF's charts in the report's language ---------------------------------------------------


def test_pdf_chart_labels_use_the_languages_decimal_comma():
    with translation.override("nl"):
        drawing = pdf.change_chart([("School", 2.78, 3.25)])
        texts = re.findall(r">([^<>]+)</text>", renderSVG.drawToString(drawing))
    assert "2,8" in texts and "3,3" in texts  # the bars' labels, rounded half away from zero
    assert not [t for t in texts if re.fullmatch(r"-?\d+\.\d+", t)]  # no decimal point anywhere
