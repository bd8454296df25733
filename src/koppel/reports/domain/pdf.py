"""The programme report as a PDF a funder can read: a title page (organisation, programmes, period,
date), the dashboard's figures (key figures, recruitment funnel, compliance) and the outcomes
(change per domain with n, the OUT-3 split by match length, relationship quality, survival), each
as a table, with a bar chart of the funnel, line charts of compliance over time (REL-1 meetings,
SUP-1 support contacts, TRN-2 training) and a line chart of match survival drawn with
reportlab.graphics, the small-group note, and page numbers. In the job's language.

Like the CSV and XLSX exports it reads only the reports' `tables()` (reports/domain/tables.py);
charts are found by table key ("funnel", "survival", "meetings", ...) and drawn from the same rows.
A grid's columns are as wide as their content asks (never narrower than their longest word), so
that no word is broken in the middle.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from io import BytesIO
from typing import Protocol

from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from koppel.common.formatting import figure
from koppel.common.pdf import MARGIN, a4_document
from koppel.common.pdf import paragraph as _p
from koppel.programmes.models import Programme
from koppel.reports.domain.period import ReportFilter
from koppel.reports.domain.suppression import hidden_text, table_hidden_text
from koppel.reports.domain.tables import Suppressed, Table

PAGE_WIDTH, PAGE_HEIGHT = A4
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN
# Koppel's accent colour and a grey for grids; the charts print well in black and white too.
ACCENT = colors.HexColor("#1f5f8b")
GRID = colors.HexColor("#999999")
HEADER_BG = colors.HexColor("#e8eef3")
LIGHT = colors.HexColor("#9cc3dd")
SECOND = colors.HexColor("#c0561b")
SURVIVAL_MONTHS = (3, 6, 12, 18, 24)


class Report(Protocol):
    """What the PDF prints of a report (the dashboard, the outcomes): its tables, in order."""

    def tables(self) -> list[Table]: ...


def _cell_text(value: object, *, min_group: int | None, hidden: str | None = None) -> str:
    """A cell as the PDF prints it; a hidden one says so (`hidden`, else about people)."""
    if isinstance(value, Suppressed):
        return hidden or hidden_text(min_group)
    if value is None:
        return "-"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return date_format(
            timezone.localtime(value) if timezone.is_aware(value) else value, "SHORT_DATETIME_FORMAT"
        )
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, float):
        # At most two decimals, without trailing zeros: 11.4, 97.5, 3.25 (11,4 in Dutch).
        return figure(value, 2, trim=True)
    if isinstance(value, int):
        return number_format(value, use_l10n=True)
    return str(value)


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool | Suppressed):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


# --- Tables -----------------------------------------------------------------------------------------------

# A table of at most this many rows stays on one page with its heading and chart.
KEEP_TOGETHER_ROWS = 25
# Tables with more columns than this start in the smaller type.
WIDE_TABLE = 8
# The grid's type sizes, tried in turn until the longest words of all columns fit side by side.
GRID_SIZES = (8.0, 7.0, 6.5, 6.0)
SMALL_GRID = 6.5
CELL_PADDING = 4
MIN_COLUMN = 0.9 * cm
# Room for rounding in ReportLab's line breaking.
SLACK = 1.0
HEAD_FONT = "Helvetica-Bold"
CELL_FONT = "Helvetica"


class _Styles:
    def __init__(self) -> None:
        sheet = getSampleStyleSheet()
        self.title = sheet["Title"]
        self.h1 = sheet["Heading1"]
        self.h2 = sheet["Heading2"]
        self.body = sheet["BodyText"]
        self.small = ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8, leading=10)
        self.cover = ParagraphStyle("cover", parent=sheet["BodyText"], fontSize=13, leading=18)
        self.note = sheet["Italic"]
        self._grids: dict[float, GridStyles] = {}

    def grid(self, size: float) -> GridStyles:
        """The heading, text and number styles of a grid in `size` points."""
        if size not in self._grids:
            self._grids[size] = GridStyles(self.body, size)
        return self._grids[size]


class GridStyles:
    """A grid's cell styles in one type size. Headings wrap only at spaces (a word too long for
    its column would rather stick out than be broken: the widths make room for it)."""

    def __init__(self, parent: ParagraphStyle, size: float) -> None:
        leading = round(size * 1.25, 1)
        self.size = size
        self.cell = ParagraphStyle(
            f"cell_{size}", parent=parent, fontName=CELL_FONT, fontSize=size, leading=leading
        )
        self.head = ParagraphStyle(f"head_{size}", parent=self.cell, fontName=HEAD_FONT, splitLongWords=0)
        self.num = ParagraphStyle(f"num_{size}", parent=self.cell, alignment=2)


def _extent(text: str, font: str, size: float) -> tuple[float, float]:
    """The width of the longest word and of the longest line of `text`."""
    words = text.split() or [""]
    lines = [line.strip() for line in text.split("\n")]
    return (
        max(stringWidth(word, font, size) for word in words),
        max(stringWidth(line, font, size) for line in lines),
    )


def _bounds(
    headings: Sequence[str], rows: Sequence[Sequence[str]], size: float
) -> tuple[list[float], list[float], list[float]]:
    """Per column, with the cell's padding and at least `MIN_COLUMN`: the width its longest word
    needs (headings in bold), the width that holds each of its cells on one line, and the width
    that holds its heading on one line too."""
    pad = 2 * CELL_PADDING + SLACK
    low = [MIN_COLUMN] * len(headings)
    mid = [MIN_COLUMN] * len(headings)
    high = [MIN_COLUMN] * len(headings)
    for i, heading in enumerate(headings):
        word, line = _extent(str(heading), HEAD_FONT, size)
        low[i] = max(low[i], word + pad)
        high[i] = max(high[i], line + pad)
    for row in rows:
        for i, text in enumerate(row[: len(headings)]):
            word, line = _extent(text, CELL_FONT, size)
            low[i] = max(low[i], word + pad)
            mid[i] = max(mid[i], line + pad)
    mid = [max(m, lo) for m, lo in zip(mid, low, strict=True)]
    high = [max(h, m) for h, m in zip(high, mid, strict=True)]
    return low, mid, high


def _share_out(width: float, low: list[float], high: list[float]) -> list[float]:
    """`low` widened towards `high` in proportion to how much each column lacks, to fill `width`
    (sum(low) <= width < sum(high))."""
    spare = width - sum(low)
    lacking = [h - lo for h, lo in zip(high, low, strict=True)]
    return [lo + spare * short / sum(lacking) for lo, short in zip(low, lacking, strict=True)]


def column_widths(
    headings: Sequence[str], rows: Sequence[Sequence[str]], *, size: float, width: float = BODY_WIDTH
) -> list[float] | None:
    """Column widths that fill `width`, each column at least as wide as its longest word (so that
    no word is broken) and `MIN_COLUMN`. The room left goes first to keeping cells on one line,
    then headings; when everything fits on one line, the columns are widened in proportion. None
    when the longest words do not fit side by side at this size."""
    low, mid, high = _bounds(headings, rows, size)
    if sum(low) > width:
        return None
    if sum(high) <= width:
        return [w * width / sum(high) for w in high]
    if sum(mid) <= width:
        return _share_out(width, mid, high)
    return _share_out(width, low, mid)


def table_layout(table: Table, *, min_group: int | None) -> tuple[float, list[float]]:
    """The type size and column widths of a table's grid: the regular size when every column's
    longest word fits, else the next smaller one (tables of more than `WIDE_TABLE` columns start
    small)."""
    texts = _table_texts(table, min_group=min_group)
    sizes = [s for s in GRID_SIZES if len(table.columns) <= WIDE_TABLE or s <= SMALL_GRID]
    for size in sizes:
        widths = column_widths(table.columns, texts, size=size)
        if widths is not None:
            return size, widths
    # Not even the smallest size holds every word: the page shared out by the longest words.
    low, _mid, _high = _bounds(table.columns, texts, sizes[-1])
    return sizes[-1], [w * BODY_WIDTH / sum(low) for w in low]


def _table_texts(table: Table, *, min_group: int | None) -> list[list[str]]:
    """Every cell of `table` as printed, a hidden one naming its group (suppression.hidden_text)."""
    group = table.meta.get("min_group", min_group)
    return [
        [_cell_text(v, min_group=group, hidden=table_hidden_text(table, i, min_group=min_group)) for v in row]
        for i, row in enumerate(table.rows)
    ]


def right_aligned(value: object, *, numeric_column: bool = False) -> bool:
    """Numbers and hidden values ("hidden: fewer than 5 youth") sit right in their cell, and so does
    an empty cell ("-") in a column of numbers."""
    return _number(value) is not None or isinstance(value, Suppressed) or (value is None and numeric_column)


def table_flowables(
    table: Table, styles: _Styles, *, min_group: int | None, chart: Drawing | None = None
) -> list[Flowable]:
    """A report table as a heading with its rule, its note, its chart (if any) and a grid (the
    headings repeat on a new page)."""
    heading = table.title + (f" ({table.rule})" if table.rule else "")
    flow: list = [_p(heading, styles.h2)]
    if table.note:
        flow.append(_p(table.note, styles.small))
    if chart is not None:
        flow += [chart, Spacer(1, 0.3 * cm)]
    if not table.rows:
        flow.append(_p(_("No data for this period."), styles.body))
        return [KeepTogether(flow)]
    size, widths = table_layout(table, min_group=min_group)
    grid_styles = styles.grid(size)
    numeric = set(_numeric_columns(table, first=0))
    rows = [[_p(c, grid_styles.head) for c in table.columns]]
    for row, texts in zip(table.rows, _table_texts(table, min_group=min_group), strict=True):
        rows.append(
            [
                _p(
                    text,
                    grid_styles.num if right_aligned(v, numeric_column=i in numeric) else grid_styles.cell,
                )
                for i, (v, text) in enumerate(zip(row, texts, strict=True))
            ]
        )
    grid = PdfTable(rows, colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("GRID", (0, 0), (-1, -1), 0.25, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ]
        )
    )
    flow += [Spacer(1, 0.2 * cm), grid]
    if len(table.rows) <= KEEP_TOGETHER_ROWS:
        return [KeepTogether(flow), Spacer(1, 0.3 * cm)]
    return [CondPageBreak(6 * cm), *flow, Spacer(1, 0.3 * cm)]


# --- Charts -----------------------------------------------------------------------------------------------


def _numeric_columns(table: Table, *, first: int = 1) -> list[int]:
    """Columns (from `first`; the first column is usually the row's label) whose every cell is a
    number, hidden or empty, and at least one a number."""
    found = []
    for i in range(first, len(table.columns)):
        cells = [row[i] for row in table.rows if i < len(row)]
        if (
            cells
            and all(_number(c) is not None or c is None or isinstance(c, Suppressed) for c in cells)
            and any(_number(c) is not None for c in cells)
        ):
            found.append(i)
    return found


def funnel_bars(table: Table) -> list[tuple[str, float]]:
    """(stage, number) pairs for the funnel chart. Stages as rows (a label and a count per row):
    the first numeric column; stages as columns (one row per campaign or channel): each stage's
    total over the rows, hidden cells left out."""
    numeric = _numeric_columns(table)
    if not numeric:
        return []
    if len(numeric) >= 3:
        return [(str(table.columns[i]), sum(_number(row[i]) or 0 for row in table.rows)) for i in numeric]
    column = numeric[0]
    return [(str(row[0]), _number(row[column]) or 0.0) for row in table.rows]


def survival_points(table: Table) -> list[tuple[float, float]]:
    """(month, percentage still active) points. From the report's curve when it gives one
    (`meta["points"]`: (months, fraction) at the end of each shown step, survival.pooled_curve,
    joined by straight lines as on the page), else from the rows: the first numeric column is the
    month, the share the column headed with "%" (or the next numeric one), as a fraction 0-1 or a
    percentage. Hidden points are left out."""
    curve = table.meta.get("points")
    if curve:
        return [(x, y * 100) for x, y in sorted((float(x), float(y)) for x, y in curve)]
    numeric = _numeric_columns(table, first=0)
    if len(numeric) < 2:
        return []
    x_col = numeric[0]
    percent = [i for i in numeric[1:] if "%" in str(table.columns[i])]
    y_col = percent[0] if percent else numeric[1]
    pairs = [(_number(row[x_col]), _number(row[y_col])) for row in table.rows]
    points = [(x, y) for x, y in pairs if x is not None and y is not None]
    if points and max(y for _x, y in points) <= 1.0:
        points = [(x, y * 100) for x, y in points]
    return sorted(points)


def change_bars(table: Table) -> list[tuple[str, float, float]]:
    """(domain, mean at baseline, mean later) for an outcome-change table that gives them
    (`meta["chart"]`); hidden or empty groups are left out."""
    rows = table.meta.get("chart") or []
    return [
        (str(row[0]), float(row[1]), float(row[2]))
        for row in rows
        if isinstance(row[1], int | float) and isinstance(row[2], int | float)
    ]


# The dashboard's compliance tables drawn as lines over time, and how many leading rows are not a
# point in time: the training table's first row is TRN-1 (hours before matching), the rest TRN-2.
COMPLIANCE_TABLES = {"meetings": 0, "support": 0, "training": 1}
# At most this many labels on a time axis, so that they never overlap.
MAX_TIME_LABELS = 8


def _time_label(label: object, month: date | None) -> str:
    """A short label for the time axis: "Jul 2025" for a month (Django's "M Y"), else the row's
    label cut short."""
    if month is not None:
        return date_format(month, "M Y")
    text = str(label)
    return text if len(text) <= 12 else text[:11] + "…"


def compliance_lines(table: Table) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """The time labels and the series (column heading, a share in percent per label) of a
    compliance table: meetings per month (REL-1), support contacts per quarter point with the
    mentor and with the parents (SUP-1), training hours per month (TRN-2; the TRN-1 row is left
    out). A series is a column headed with "%" (else the last numeric column). Hidden and
    empty cells are gaps (None), never zeros."""
    rows = table.rows[COMPLIANCE_TABLES.get(table.key.lower(), 0) :]
    if not rows:
        return [], []
    columns = [i for i in range(1, len(table.columns)) if "%" in str(table.columns[i])]
    columns = columns or _numeric_columns(replace(table, rows=rows))[-1:]
    # The dashboard hands over each row's month (the day it stands for) in meta["months"].
    months = list(table.meta.get("months") or [])[-len(rows) :]
    months += [None] * (len(rows) - len(months))
    labels = [_time_label(row[0], month) for row, month in zip(rows, months, strict=True)]
    series = []
    for i in columns:
        values = [_number(row[i]) if i < len(row) else None for row in rows]
        series.append(
            (str(table.columns[i]), [None if v is None else min(max(v, 0.0), 100.0) for v in values])
        )
    return labels, series


def _runs(values: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    """The unbroken stretches of a series as (index, value) points: a gap ends a stretch."""
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((float(i), value))
    return [run for run in runs if run]


def _shown_labels(count: int) -> list[int]:
    """The indices of the time labels to print: at most `MAX_TIME_LABELS`, evenly spaced and
    counted back from the last one (the latest point always has its label)."""
    every = max(1, math.ceil(count / MAX_TIME_LABELS))
    return [i for i in range(count) if (count - 1 - i) % every == 0]


def chart_number(value: float) -> str:
    """A number printed in a chart (a bar's label, an axis step) as the tables print it: rounded
    half away from zero, at most one decimal, with the language's decimal sign (2,8 in Dutch)."""
    return figure(value, 1, trim=True)


def funnel_chart(bars: Sequence[tuple[str, float]]) -> Drawing:
    """A horizontal bar chart: one bar per stage, the first at the top."""
    height = 40 + 22 * len(bars)
    drawing = Drawing(BODY_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 5.5 * cm, 20
    chart.width, chart.height = BODY_WIDTH - 6.5 * cm, height - 40
    chart.data = [[value for _label, value in reversed(bars)]]
    chart.categoryAxis.categoryNames = [label[:40] for label, _value in reversed(bars)]
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = chart_number
    chart.bars[0].fillColor = ACCENT
    chart.barLabelFormat = chart_number
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def survival_chart(points: Sequence[tuple[float, float]]) -> Drawing:
    """A step-free line through the survival estimates (percent still active after N months)."""
    height = 7 * cm
    drawing = Drawing(BODY_WIDTH, height)
    plot = LinePlot()
    plot.x, plot.y = 1.5 * cm, 1 * cm
    plot.width, plot.height = BODY_WIDTH - 2.5 * cm, height - 2 * cm
    plot.data = [list(points)]
    plot.lines[0].strokeColor = ACCENT
    plot.lines[0].strokeWidth = 1.5
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, 100
    plot.yValueAxis.valueSteps = [0, 25, 50, 75, 100]
    plot.xValueAxis.valueMin = 0
    plot.xValueAxis.valueMax = max([24.0, *(x for x, _y in points)])
    plot.xValueAxis.valueSteps = [0, *SURVIVAL_MONTHS]
    plot.xValueAxis.labelTextFormat = plot.yValueAxis.labelTextFormat = chart_number
    plot.xValueAxis.labels.fontSize = plot.yValueAxis.labels.fontSize = 8
    drawing.add(plot)
    drawing.add(String(plot.x + plot.width, 0, _("months since the start"), fontSize=7, textAnchor="end"))
    drawing.add(String(0, plot.y + plot.height + 8, _("Still active (%)"), fontSize=7))
    return drawing


# Each series its own colour, dash and marker, so that the lines tell apart in black and white.
LINE_STYLES = ((ACCENT, None, "FilledCircle"), (SECOND, [4, 2], "FilledSquare"))


def compliance_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]) -> Drawing:
    """Lines of shares over time (0-100 %), one per series, broken where a value is hidden or
    missing; every point has a marker, so a point between two gaps shows too. One series is named
    above the plot, more in a legend below it."""
    legend = len(series) > 1
    height = 6.2 * cm + (16 if legend else 0)
    drawing = Drawing(BODY_WIDTH, height)
    plot = LinePlot()
    plot.x, plot.y = 1.5 * cm, 0.9 * cm + (16 if legend else 0)
    plot.width, plot.height = BODY_WIDTH - 2.5 * cm, height - plot.y - 0.8 * cm
    data, styles = [], []
    for n, (_name, values) in enumerate(series):
        for run in _runs(values):
            data.append(run)
            styles.append(LINE_STYLES[n % len(LINE_STYLES)])
    plot.data = data
    for line, (colour, dash, marker) in enumerate(styles):
        plot.lines[line].strokeColor = colour
        plot.lines[line].strokeWidth = 1.5
        plot.lines[line].strokeDashArray = dash
        plot.lines[line].symbol = makeMarker(marker, size=4, fillColor=colour, strokeColor=colour)
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, 100
    plot.yValueAxis.valueSteps = [0, 25, 50, 75, 100]
    plot.yValueAxis.labelTextFormat = "%d%%"
    plot.yValueAxis.visibleGrid = 1
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    plot.yValueAxis.gridStrokeWidth = 0.5
    # Points at 0, 1, 2, ... with half a step of room on either side; labels only under some.
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.5, len(labels) - 0.5
    shown = _shown_labels(len(labels))
    plot.xValueAxis.valueSteps = [float(i) for i in shown]
    plot.xValueAxis.labelTextFormat = [labels[i] for i in shown]
    plot.xValueAxis.labels.fontSize = plot.yValueAxis.labels.fontSize = 7
    drawing.add(plot)
    if not legend:
        drawing.add(String(0, plot.y + plot.height + 8, series[0][0], fontSize=7))
        return drawing
    for n, (name, _values) in enumerate(series):
        colour, dash, _marker = LINE_STYLES[n % len(LINE_STYLES)]
        x = plot.x + n * (plot.width / len(series))
        drawing.add(Line(x, 6, x + 16, 6, strokeColor=colour, strokeWidth=1.5, strokeDashArray=dash))
        drawing.add(String(x + 20, 3.5, name, fontSize=7))
    return drawing


def change_chart(bars: Sequence[tuple[str, float, float]]) -> Drawing:
    """Two bars per outcome domain: the mean at baseline (light) and later (dark)."""
    height = 50 + 26 * len(bars)
    drawing = Drawing(BODY_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 5.5 * cm, 30
    chart.width, chart.height = BODY_WIDTH - 6.5 * cm, height - 50
    chart.data = [[b for _l, b, _a in reversed(bars)], [a for _l, _b, a in reversed(bars)]]
    chart.categoryAxis.categoryNames = [label[:40] for label, _b, _a in reversed(bars)]
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    # The answer scales run to 5 (agree5); a higher mean widens the axis.
    chart.valueAxis.valueMax = max(5, math.ceil(max(max(b, a) for _l, b, a in bars)))
    chart.valueAxis.valueStep = 1
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = chart_number
    chart.barLabelFormat = chart_number
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.bars[0].fillColor = LIGHT
    chart.bars[1].fillColor = ACCENT
    drawing.add(chart)
    for n, (colour, label) in enumerate(((LIGHT, _("at baseline")), (ACCENT, _("later")))):
        x = chart.x + n * 4 * cm
        drawing.add(Rect(x, 4, 7, 7, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 10, 5, label, fontSize=7))
    return drawing


def chart_for(table: Table) -> Drawing | None:
    """The chart drawn above a table: the funnel (REC-3), match survival (the table keyed
    "survival", CLS-1), outcome change per domain (OUT-1) and compliance over time (the dashboard's
    "meetings", REL-1; "support", SUP-1; "training", TRN-2). None when there is nothing to draw."""
    key = table.key.lower()
    if "funnel" in key:
        funnel = funnel_bars(table)
        return funnel_chart(funnel) if funnel else None
    if key == "survival" or (key.startswith("survival") and "points" in table.meta):
        points = survival_points(table)
        return survival_chart(points) if points else None
    if key.startswith("change_") and "by_length" not in key:
        bars = change_bars(table)
        return change_chart(bars) if bars else None
    if key in COMPLIANCE_TABLES:
        labels, series = compliance_lines(table)
        return compliance_chart(labels, series) if any(_runs(v) for _n, v in series) else None
    return None


# --- The document -------------------------------------------------------------------------------------


def _cover(styles: _Styles, report_filter: ReportFilter | None, today: date) -> list:
    flow: list = [Spacer(1, 5 * cm), _p(_("Programme report"), styles.title), Spacer(1, 1 * cm)]
    if report_filter is not None:
        programmes = list(report_filter.programmes().select_related("organisation").order_by("name"))
        organisations = sorted({p.organisation.name for p in programmes})
        lines = [
            (_("Organisation"), ", ".join(organisations)),
            (
                _("Programmes") if len(programmes) > 1 else _("Programme"),
                ", ".join(p.name for p in programmes),
            ),
            (
                _("Period"),
                _("%(start)s to %(end)s")
                % {
                    "start": date_format(report_filter.start, "DATE_FORMAT"),
                    "end": date_format(report_filter.end, "DATE_FORMAT"),
                },
            ),
        ]
    else:
        lines = []
    lines.append((_("Generated on"), date_format(today, "DATE_FORMAT")))
    for label, value in lines:
        flow.append(_p(f"{label}: {value}", styles.cover))
    flow += [Spacer(1, 1 * cm)]
    return flow


def _suppression_note(styles: _Styles, min_group: int | None) -> list:
    if min_group:
        text = _(
            "Figures about fewer than %(n)s people are hidden and shown as “%(hidden)s”, so that "
            "no youth can be recognised (OUT-3)."
        ) % {"n": min_group, "hidden": hidden_text(min_group)}
    else:
        text = _("Figures about small groups are hidden, so that no youth can be recognised (OUT-3).")
    return [_p(text, styles.note)]


def _footer(label: str) -> Callable[[Canvas, SimpleDocTemplate], None]:
    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 1.2 * cm, _("Page %(n)s") % {"n": doc.page})
        canvas.drawString(MARGIN, 1.2 * cm, label)
        canvas.restoreState()

    return draw


def _report_filter_of(report: Report) -> ReportFilter | None:
    for name in ("report_filter", "filter"):
        value = getattr(report, name, None)
        if isinstance(value, ReportFilter):
            return value
    return None


def programme_pdf(
    dashboard: Report,
    outcomes: Report,
    *,
    language: str,
    report_filter: ReportFilter | None = None,
    today: date | None = None,
) -> bytes:
    """The programme report for a funder as PDF bytes, in `language`. `dashboard` and `outcomes`
    are the reports (anything with `.tables()`); the filter (for the cover) is taken from them when
    not given. Uncompressed, so its text can be searched (and tested)."""
    with translation.override(language):
        return _build(dashboard, outcomes, report_filter or _report_filter_of(dashboard), today)


def _build(
    dashboard: Report, outcomes: Report, report_filter: ReportFilter | None, today: date | None
) -> bytes:
    today = today or timezone.localdate()
    min_group = report_filter.min_group if report_filter else None
    styles = _Styles()
    buffer = BytesIO()
    title = _("Programme report")
    doc = a4_document(buffer, title=title, author="Koppel")
    story = _cover(styles, report_filter, today)
    story += _suppression_note(styles, min_group)
    story.append(PageBreak())
    drawn = False
    for n, (heading, report) in enumerate(((_("Programme"), dashboard), (_("Outcomes"), outcomes))):
        if n:
            story.append(PageBreak())
        story.append(_p(heading, styles.h1))
        for table in report.tables():
            chart = chart_for(table) if table.rows else None
            # One funnel chart: per campaign and per channel add up to the same funnel.
            if chart is not None and "funnel" in table.key:
                if drawn:
                    chart = None
                drawn = True
            story += table_flowables(table, styles, min_group=min_group, chart=chart)
    story += [Spacer(1, 0.5 * cm), *_suppression_note(styles, min_group)]
    footer = _footer(_report_label(report_filter, title))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _report_label(report_filter: ReportFilter | None, title: str) -> str:
    if report_filter is None:
        return title
    names = list(
        Programme.objects.filter(pk__in=report_filter.programme_ids)
        .order_by("name")
        .values_list("name", flat=True)
    )
    label = names[0] if len(names) == 1 else _("%(n)s programmes") % {"n": len(names)}
    return f"{title} · {label}"
