"""The server-side SVG charts: labelled for screen readers, escaped, drawn to scale, and
suppressed values shown as such."""

import re
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from koppel.reports import charts
from koppel.reports.domain.suppression import YOUTH, hidden_text
from koppel.reports.domain.tables import SUPPRESSED, Table

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own SVG, not untrusted input


def _all_charts() -> list[SafeString]:
    return [
        charts.bar_chart(title="Bars", labels=["a", "b"], values=[2.0, None]),
        charts.funnel_chart(title="Funnel", steps=[("Applied", 10), ("Screened", 5)]),
        charts.line_chart(title="Lines", x_labels=["Jan", "Feb"], series=[("s", [1.0, 2.0])]),
        charts.survival_chart(
            title="Survival", points=[(0, 1.0), (6, 0.5)], x_label="months", y_label="share"
        ),
        charts.change_chart(title="Change", rows=[("School", 2.0, 3.0)], minimum=1, maximum=5),
    ]


def test_every_chart_is_an_image_labelled_by_its_title_and_description():
    for svg in _all_charts():
        assert isinstance(svg, SafeString)
        root = _parse(svg)
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        assert root.find(f"{SVG}title").get("id") == title_id
        assert root.find(f"{SVG}desc").get("id") == desc_id
        assert "style=" not in svg


def test_ids_are_unique_when_a_page_has_several_charts():
    ids = re.findall(r'id="([^"]+)"', "".join(_all_charts() + _all_charts()))
    assert len(ids) == len(set(ids))


def test_text_is_escaped():
    svg = charts.bar_chart(title="<script>x</script>", labels=['"&<b>'], values=[1.0])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    _parse(svg)  # still well-formed


def test_bar_lengths_follow_the_values_and_suppressed_is_hatched():
    svg = charts.bar_chart(title="T", labels=["a", "b", "c"], values=[50.0, 100.0, None], max_value=100)
    bars = _parse(svg).findall(f".//{SVG}rect[@class='chart-bar chart-series-0']")
    widths = [float(b.get("width")) for b in bars]
    assert widths[1] == 2 * widths[0]
    suppressed = _parse(svg).findall(f".//{SVG}rect[@class='chart-suppressed']")
    assert len(suppressed) == 1
    assert suppressed[0].get("fill").startswith("url(#chart-hatch-")
    assert "hidden: group too small" in svg  # never a "<n" that reads as a value
    assert "c: hidden: group too small" in _parse(svg).find(f"{SVG}desc").text


def test_funnel_shows_counts_and_share_of_the_first_step():
    svg = charts.funnel_chart(title="F", steps=[("Applied", 20), ("Screened", 10), ("Matched", 5)])
    desc = _parse(svg).find(f"{SVG}desc").text
    assert desc == "Applied: 20; Screened: 10 (50%); Matched: 5 (25%)"


def test_line_chart_breaks_at_missing_values():
    svg = charts.line_chart(
        title="L", x_labels=["a", "b", "c", "d"], series=[("s", [10.0, 20.0, None, 40.0])], y_max=100
    )
    root = _parse(svg)
    lines = root.findall(f".//{SVG}polyline")
    assert len(lines) == 1  # a-b joined; d stands alone as a dot
    assert len(lines[0].get("points").split()) == 2
    assert len(root.findall(f".//{SVG}circle")) == 3


def test_survival_chart_joins_the_ends_of_the_steps():
    svg = charts.survival_chart(
        title="KM", points=[(0, 1.0), (3, 0.8), (6, 0.5)], x_label="months", y_label="share", x_max=12
    )
    path = _parse(svg).find(f".//{SVG}path").get("d")
    # From the top left, straight to (3, 80%) and to (6, 50%), which is halfway across (x_max 12):
    # the plot runs from x 48 to 408 and from y 12 (100%) down to 212 (0%).
    assert path == "M48,12 L138,52 L228,112"


def test_change_chart_marks_up_and_down():
    svg = charts.change_chart(
        title="C",
        rows=[("up", 2.0, 3.0), ("down", 4.0, 3.0), ("hidden", SUPPRESSED, 3.0), ("nobody", None, None)],
        minimum=1,
        maximum=5,
    )
    root = _parse(svg)
    assert len(root.findall(f".//{SVG}line[@class='chart-change chart-up']")) == 1
    assert len(root.findall(f".//{SVG}line[@class='chart-change chart-down']")) == 1
    desc = root.find(f"{SVG}desc").text
    assert "hidden: hidden: group too small;" in desc
    assert desc.endswith("nobody: no scores")


def test_change_chart_colours_a_fall_as_better_where_lower_is_better():
    # Alcohol and drug use from 2.9 to 2.7 is an improvement: green, not red.
    svg = charts.change_chart(
        title="C", rows=[("substances", 2.9, 2.7, False), ("school", 3.0, 2.5, True)], minimum=1, maximum=5
    )
    root = _parse(svg)
    lines = root.findall(f".//{SVG}line")
    classes = [line.get("class") for line in lines if "chart-change" in (line.get("class") or "")]
    assert classes == ["chart-change chart-up", "chart-change chart-down"]


def test_empty_data_says_so():
    for svg in (
        charts.bar_chart(title="T", labels=[], values=[]),
        charts.funnel_chart(title="T", steps=[]),
        charts.line_chart(title="T", x_labels=[], series=[]),
        charts.survival_chart(title="T", points=[], x_label="x", y_label="y"),
        charts.change_chart(title="T", rows=[], minimum=0, maximum=1),
    ):
        assert "No data for this period." in svg


def test_table_include_renders_suppressed_cells_with_the_minimum():
    table = Table(
        key="demo",
        title="Demo <table>",
        columns=["Group", "Count", "Share"],
        rows=[["A", 12, 40.5], ["B", SUPPRESSED, None]],
        note="A note.",
        rule="OUT-3",
        meta={"min_group": 5},
    )
    html = render_to_string("staff/reports/_table.html", {"table": table})
    assert '<table class="table report-table" id="table-demo">' in html
    assert '<caption>Demo &lt;table&gt; <span class="rule">OUT-3</span></caption>' in html
    assert "hidden: fewer than 5 people" in html
    assert '<th scope="row">A</th>' in html
    assert "40.5" in html
    assert "A note." in html


def _chart_values(svg) -> list[str]:
    return [t.text for t in _parse(svg).findall(f".//{SVG}text") if "chart-value" in t.get("class")]


def test_values_in_the_pages_language_and_hidden_ones_as_the_page_says():
    rows = [("School", 2.8, 2.9), ("Trust", SUPPRESSED, SUPPRESSED)]
    with translation.override("nl"):
        svg = charts.change_chart(title="C", rows=rows, minimum=1, maximum=5, hidden=hidden_text(5, YOUTH))
        assert _chart_values(svg) == ["2,8 → 2,9", hidden_text(5, YOUTH)]
    with translation.override("en"):
        svg = charts.change_chart(title="C", rows=rows, minimum=1, maximum=5)
    assert _chart_values(svg) == ["2.8 → 2.9", "hidden: group too small"]


def test_line_chart_labels_end_with_the_last_month_inside_the_chart():
    months = [f"M{i}" for i in range(12)]
    svg = charts.line_chart(title="L", x_labels=months, series=[("s", [1.0] * 12)])
    axis = [t for t in _parse(svg).findall(f".//{SVG}text[@class='chart-axis']") if t.text.startswith("M")]
    # Every second month counted back from the last, which ends at the right edge (420 - 12).
    assert [t.text for t in axis] == ["M1", "M3", "M5", "M7", "M9", "M11"]
    assert (axis[-1].get("x"), axis[-1].get("text-anchor")) == ("408", "end")


def test_survival_chart_ticks_are_whole_months():
    svg = charts.survival_chart(title="S", points=[(0, 1.0), (17, 0.5)], x_label="m", y_label="%", x_max=17)
    ticks = [t.text for t in _parse(svg).findall(f".//{SVG}text[@class='chart-axis']") if "%" not in t.text]
    assert ticks == ["0", "3", "6", "9", "12", "15"]
