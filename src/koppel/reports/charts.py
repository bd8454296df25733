"""Server-side SVG charts for the report pages and the PDF (no JavaScript: the CSP runs strict).

Each function returns an inline `<svg role="img">` labelled by its own `<title>` and `<desc>`;
colours come from classes in common/static/koppel/reports.css (`chart-*`), so the charts follow the
page's theme and print in the PDF. Every text is escaped. A chart never stands alone: the page puts
the same numbers in a table (`staff/reports/_table.html`) for screen readers and for reading.

Sizes are in viewBox units; the SVG scales to the width of its container (390 px phones included).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from koppel.common.formatting import figure
from koppel.reports.domain.suppression import hidden_text
from koppel.reports.domain.tables import SUPPRESSED

WIDTH = 420  # small enough that 13-unit text stays readable on a 390 px phone
SERIES_CLASSES = 6  # chart-series-0 .. chart-series-5 in reports.css
_ids = itertools.count(1)


def _num(value: float) -> str:
    """A number for an SVG attribute: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _label(value: float | None, unit: str = "", hidden: str | None = None) -> str:
    """A value as people read it, in the page's language (a decimal comma in Dutch): rounded half
    away from zero to one decimal, a whole number without one. None is a hidden value (a group too
    small to show): `hidden`, which says so ("hidden: fewer than 5 youth")."""
    if value is None:
        return hidden or hidden_text(None)
    return f"{figure(value, 1, trim=True)}{unit}"


def _svg(kind: str, title: str, desc: str, height: float, body: list[str]) -> SafeString:
    n = next(_ids)
    title_id, desc_id = f"chart-{kind}-{n}-title", f"chart-{kind}-{n}-desc"
    parts = [
        (
            f'<svg class="chart chart-{kind}" viewBox="0 0 {WIDTH} {_num(height)}" role="img" '
            f'aria-labelledby="{title_id} {desc_id}" preserveAspectRatio="xMinYMin meet" '
            f'xmlns="http://www.w3.org/2000/svg">'
        ),
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def _hatch(pattern_id: str) -> str:
    """The hatching of a suppressed bar (its id must be unique on the page)."""
    return (
        f'<defs><pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" class="chart-hatch-line"/>'
        "</pattern></defs>"
    )


def _text(x: float, y: float, text: str, cls: str = "chart-label", anchor: str = "start") -> str:
    return f'<text x="{_num(x)}" y="{_num(y)}" class="{cls}" text-anchor="{anchor}">{escape(text)}</text>'


def _empty(kind: str, title: str) -> SafeString:
    message = _("No data for this period.")
    return _svg(kind, title, message, 40, [_text(0, 24, message, "chart-empty")])


def _nice_max(value: float) -> float:
    """A round upper bound for an axis (1, 2, 2.5, 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


# -- bar chart ------------------------------------------------------------------------------------


def bar_chart(
    *,
    title: str,
    labels: list[str],
    values: list[float | None],
    unit: str = "",
    max_value: float | None = None,
    hidden: str | None = None,
) -> SafeString:
    """Horizontal bars, one per label. None is a suppressed value (a group too small to show): a
    hatched outline bar marked `hidden` (suppression.hidden_text)."""
    if not labels:
        return _empty("bar", title)
    shown = [v for v in values if v is not None]
    top = max_value if max_value is not None else _nice_max(max(shown, default=0))
    top = top or 1.0
    label_w, value_w, row_h, bar_h = 150, 56, 28, 18
    bar_w = WIDTH - label_w - value_w
    hatch_id = f"chart-hatch-{next(_ids)}"
    body = [_hatch(hatch_id)] if None in values else []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = i * row_h + 4
        body.append(_text(label_w - 8, y + bar_h - 4, _truncate(label, 22), "chart-label", "end"))
        width = bar_w * 0.15 if value is None else max(0.0, min(1.0, value / top)) * bar_w
        if value is None:
            body.append(
                f'<rect x="{label_w}" y="{y}" width="{_num(width)}" height="{bar_h}" '
                f'class="chart-suppressed" fill="url(#{hatch_id})"/>'
            )
        else:
            body.append(
                f'<rect x="{label_w}" y="{y}" width="{_num(width)}" height="{bar_h}" '
                'class="chart-bar chart-series-0"/>'
            )
        body.append(_text(label_w + width + 6, y + bar_h - 4, _label(value, unit, hidden), "chart-value"))
    desc = "; ".join(
        f"{label}: {_label(value, unit, hidden)}" for label, value in zip(labels, values, strict=True)
    )
    return _svg("bar", title, desc, len(labels) * row_h + 8, body)


def _truncate(text: str, length: int) -> str:
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


# -- funnel ---------------------------------------------------------------------------------------


def funnel_chart(*, title: str, steps: list[tuple[str, int]]) -> SafeString:
    """A funnel: one centred bar per step, its width the step's count against the first step's,
    with the count and the share of the first step."""
    if not steps:
        return _empty("funnel", title)
    first = steps[0][1] or 0
    top = max((n for _s, n in steps), default=0) or 1
    row_h, bar_h, label_h = 44, 22, 16
    body = []
    descs = []
    for i, (label, n) in enumerate(steps):
        y = i * row_h
        width = max(2.0, WIDTH * n / top)
        share = f" ({figure(100 * n / first, 0)}%)" if first and i else ""
        body.append(_text(0, y + label_h - 3, f"{label}: {n}{share}", "chart-label"))
        body.append(
            f'<rect x="{_num((WIDTH - width) / 2)}" y="{y + label_h}" width="{_num(width)}" '
            f'height="{bar_h}" class="chart-bar chart-funnel-step chart-series-{i % SERIES_CLASSES}"/>'
        )
        descs.append(f"{label}: {n}{share}")
    return _svg("funnel", title, "; ".join(descs), len(steps) * row_h, body)


# -- line chart -----------------------------------------------------------------------------------

PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_HEIGHT = 48, 12, 12, 200


def _axes(y_max: float, unit: str, x_labels: list[str], x_of, bottom: float) -> list[str]:
    body = []
    for k in range(5):
        value = y_max * k / 4
        y = bottom - PLOT_HEIGHT * k / 4
        body.append(
            f'<line x1="{PLOT_LEFT}" y1="{_num(y)}" x2="{WIDTH - PLOT_RIGHT}" y2="{_num(y)}" '
            'class="chart-grid"/>'
        )
        body.append(_text(PLOT_LEFT - 6, y + 4, _label(value, unit), "chart-axis", "end"))
    # At most ~6 x labels, counted back from the last one, so they never overlap on a phone; the
    # last one ends at the plot's right edge instead of running past it.
    every = max(1, math.ceil(len(x_labels) / 6))
    last = len(x_labels) - 1
    for i, label in enumerate(x_labels):
        if (last - i) % every == 0:
            anchor = "end" if i == last and last > 0 else "middle"
            x = WIDTH - PLOT_RIGHT if anchor == "end" else x_of(i)
            body.append(_text(x, bottom + 16, _truncate(label, 10), "chart-axis", anchor))
    return body


def line_chart(
    *,
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[float | None]]],
    y_max: float | None = None,
    unit: str = "",
) -> SafeString:
    """Lines over the x labels, one per series, with a legend. None breaks a line (no value, or
    suppressed); a lone point is drawn as a dot."""
    if not x_labels or not series:
        return _empty("line", title)
    values = [v for _name, vs in series for v in vs if v is not None]
    top = y_max if y_max is not None else _nice_max(max(values, default=0))
    top = top or 1.0
    bottom = PLOT_TOP + PLOT_HEIGHT
    span = WIDTH - PLOT_LEFT - PLOT_RIGHT - 20

    def x_of(i: int) -> float:
        return PLOT_LEFT + 10 + (span * i / (len(x_labels) - 1) if len(x_labels) > 1 else span / 2)

    def y_of(v: float) -> float:
        return bottom - PLOT_HEIGHT * max(0.0, min(1.0, v / top))

    body = _axes(top, unit, x_labels, x_of, bottom)
    descs = []
    for s, (name, vs) in enumerate(series):
        cls = f"chart-series-{s % SERIES_CLASSES}"
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(vs[: len(x_labels)]):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((x_of(i), y_of(v)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
                body.append(f'<polyline points="{points}" class="chart-line {cls}" fill="none"/>')
            for x, y in run:
                body.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" class="chart-dot {cls}"/>')
        descs.append(
            f"{name}: " + ", ".join(f"{x} {_label(v, unit, '-')}" for x, v in zip(x_labels, vs, strict=False))
        )
    legend_y = bottom + 36
    body.extend(_legend([name for name, _vs in series], legend_y))
    height = legend_y + 20 * math.ceil(len(series) / 2) + 4
    return _svg("line", title, "; ".join(descs), height, body)


def _legend(names: list[str], top: float) -> list[str]:
    body = []
    for s, name in enumerate(names):
        x = PLOT_LEFT + (s % 2) * (WIDTH - PLOT_LEFT) / 2
        y = top + (s // 2) * 20
        body.append(
            f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="12" height="12" '
            f'class="chart-swatch chart-series-{s % SERIES_CLASSES}"/>'
        )
        body.append(_text(x + 18, y + 1, _truncate(name, 26), "chart-label"))
    return body


# -- step chart (Kaplan-Meier) --------------------------------------------------------------------


def survival_chart(
    *,
    title: str,
    points: list[tuple[float, float]],
    x_label: str,
    y_label: str,
    x_max: float | None = None,
) -> SafeString:
    """A survival curve through (x, share 0..1) points, the ends of the shown curve's steps
    (survival.pooled_curve): straight lines between them, because the endings of a step fall
    somewhere inside it, not at its end. The curve starts at the first point (usually (0, 1.0))."""
    if not points:
        return _empty("step", title)
    points = sorted(points)
    right = x_max if x_max is not None else max(x for x, _y in points) or 1.0
    right = right or 1.0
    bottom = PLOT_TOP + PLOT_HEIGHT
    span = WIDTH - PLOT_LEFT - PLOT_RIGHT

    def x_of(x: float) -> float:
        return PLOT_LEFT + span * max(0.0, min(1.0, x / right))

    def y_of(share: float) -> float:
        return bottom - PLOT_HEIGHT * max(0.0, min(1.0, share))

    body = []
    for k in range(5):
        y = bottom - PLOT_HEIGHT * k / 4
        body.append(
            f'<line x1="{PLOT_LEFT}" y1="{_num(y)}" x2="{WIDTH - PLOT_RIGHT}" y2="{_num(y)}" '
            'class="chart-grid"/>'
        )
        body.append(_text(PLOT_LEFT - 6, y + 4, f"{25 * k}%", "chart-axis", "end"))
    # Whole months: a step of 1, 2, 3, 6 or 12 months, so that at most 8 ticks fit.
    step = next((s for s in (1, 2, 3, 6, 12) if right / s <= 8), 24)
    for k in range(int(right // step) + 1):
        body.append(_text(x_of(k * step), bottom + 16, str(k * step), "chart-axis", "middle"))
    path = [f"M{_num(x_of(points[0][0]))},{_num(y_of(points[0][1]))}"]
    path += [f"L{_num(x_of(x))},{_num(y_of(y))}" for x, y in points[1:]]
    body.append(f'<path d="{" ".join(path)}" class="chart-line chart-series-0" fill="none"/>')
    body.append(_text(WIDTH - PLOT_RIGHT, bottom + 34, x_label, "chart-axis-title", "end"))
    body.append(_text(PLOT_LEFT, PLOT_TOP - 2, y_label, "chart-axis-title"))
    desc = "; ".join(f"{_label(x)}: {figure(100 * y, 0)}%" for x, y in points)
    return _svg("step", title, f"{x_label} / {y_label}: {desc}", bottom + 42, body)


# -- change chart (dumbbell) ----------------------------------------------------------------------


def change_chart(
    *,
    title: str,
    rows: list[tuple[str, Any, Any]] | list[tuple[str, Any, Any, bool]],
    minimum: float,
    maximum: float,
    hidden: str | None = None,
) -> SafeString:
    """Per label a dot before and a dot after on one scale from `minimum` to `maximum`, joined by a
    line (a dumbbell), the label on its own line above it. A SUPPRESSED side (a group too small to
    show) draws no dots and says `hidden` instead ("hidden: fewer than 5 youth"), never a value; a
    None side (nobody) says "no scores". An optional fourth element says whether higher is better (default
    yes): the line is green when the change is for the better, red when for the worse."""
    if not rows:
        return _empty("change", title)
    label_w, value_w, row_h = 6, 80, 44
    span = WIDTH - label_w - value_w - 12
    scale = (maximum - minimum) or 1.0

    def x_of(v: float) -> float:
        return label_w + 6 + span * max(0.0, min(1.0, (v - minimum) / scale))

    body = []
    for k in range(5):
        v = minimum + scale * k / 4
        x = x_of(v)
        body.append(
            f'<line x1="{_num(x)}" y1="0" x2="{_num(x)}" y2="{len(rows) * row_h}" class="chart-grid"/>'
        )
        body.append(_text(x, len(rows) * row_h + 14, _label(v), "chart-axis", "middle"))
    descs = []
    for i, row in enumerate(rows):
        label, before, after = row[0], row[1], row[2]
        higher_is_better = bool(row[3]) if len(row) > 3 else True  # type: ignore[misc]
        y = i * row_h + row_h / 2 + 8
        body.append(_text(label_w, y - 12, _truncate(label, 60), "chart-label"))
        if before is None or after is None or before is SUPPRESSED or after is SUPPRESSED:
            # A hidden or missing side: no dots, and the row says why across the scale (a
            # "<5 -> <5" would read as values below 5).
            hidden_side = before is SUPPRESSED or after is SUPPRESSED
            text = _label(None, hidden=hidden) if hidden_side else _("no scores")
            body.append(_text(label_w + 6, y + 4, text, "chart-value chart-hidden"))
            descs.append(f"{label}: {text}")
            continue
        better = after >= before if higher_is_better else after <= before
        body.append(
            f'<line x1="{_num(x_of(before))}" y1="{_num(y)}" x2="{_num(x_of(after))}" '
            f'y2="{_num(y)}" class="chart-change {"chart-up" if better else "chart-down"}"/>'
        )
        body.append(f'<circle cx="{_num(x_of(before))}" cy="{_num(y)}" r="5" class="chart-before"/>')
        body.append(f'<circle cx="{_num(x_of(after))}" cy="{_num(y)}" r="5" class="chart-after"/>')
        text = f"{_label(before)} → {_label(after)}"
        body.append(_text(WIDTH - value_w + 6, y + 4, text, "chart-value"))
        descs.append(f"{label}: {text}")
    legend_y = len(rows) * row_h + 34
    body.append(f'<circle cx="{label_w + 6}" cy="{legend_y - 4}" r="5" class="chart-before"/>')
    body.append(_text(label_w + 16, legend_y, _("before"), "chart-label"))
    body.append(f'<circle cx="{label_w + 100}" cy="{legend_y - 4}" r="5" class="chart-after"/>')
    body.append(_text(label_w + 110, legend_y, _("after"), "chart-label"))
    body.append(_text(label_w + 170, legend_y, _("green: better, red: worse"), "chart-label"))
    return _svg("change", title, "; ".join(descs), legend_y + 10, body)
