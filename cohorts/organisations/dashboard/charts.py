"""Bar and line charts drawn as SVG on the server, from plain numbers and labels (no Django here).

chart = bar_chart(chart_id="circles", title="Circles started per month", description="…",
                  labels=["Jan 2026", …], values=[3, 0, 5], y_max=5, y_ticks=[(0, "0"), (5, "5")])
chart.svg     # <svg role="img" aria-labelledby="…"> with <title> and <desc>; every text escaped here
chart.marks   # the (x, y) of each bar top or point, in order: one per value that is not None

The SVG scales to its container (viewBox, no fixed width), so it fits a 320 px screen. A value of None
is a gap (a month without ratings): a line chart breaks there and a bar chart draws nothing.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 44
MARGIN_RIGHT = 12
MARGIN_TOP = 12
MARGIN_BOTTOM = 48
#: At most this many x-axis labels are written; the others are left out evenly (the data table has them all).
MAX_X_LABELS = 6

PLOT_LEFT = MARGIN_LEFT
PLOT_RIGHT = WIDTH - MARGIN_RIGHT
PLOT_TOP = MARGIN_TOP
PLOT_BOTTOM = HEIGHT - MARGIN_BOTTOM


@dataclass(frozen=True)
class Chart:
    svg: str
    marks: tuple[tuple[float, float], ...]


def _x_centre(index: int, count: int) -> float:
    step = (PLOT_RIGHT - PLOT_LEFT) / count
    return PLOT_LEFT + step * (index + 0.5)


def _y(value: float, y_max: float) -> float:
    """The height of ``value`` on a 0 … ``y_max`` axis; values outside it are drawn at its ends."""
    share = min(max(value / y_max, 0.0), 1.0) if y_max > 0 else 0.0
    return PLOT_BOTTOM - share * (PLOT_BOTTOM - PLOT_TOP)


def _number(value: float) -> str:
    return f"{value:.1f}"


def _frame(chart_id: str, title: str, description: str, labels: Sequence[str], y_max: float, y_ticks) -> list[str]:
    ident = escape(chart_id, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{ident}-title {ident}-desc" focusable="false">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    for value, label in y_ticks:
        y = _number(_y(value, y_max))
        parts.append(f'<line class="chart-grid" x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{y}" y2="{y}"/>')
        parts.append(
            f'<text class="chart-label" x="{PLOT_LEFT - 6}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label)}</text>'
        )
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for index, label in enumerate(labels):
        if index % every:
            continue
        x = _number(_x_centre(index, len(labels)))
        parts.append(
            f'<text class="chart-label" x="{x}" y="{PLOT_BOTTOM + 18}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(f'<line class="chart-axis" x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{PLOT_BOTTOM}" y2="{PLOT_BOTTOM}"/>')
    return parts


def _check(labels: Sequence[str], values: Sequence[float | None], y_max: float) -> None:
    if len(labels) != len(values):
        raise ValueError("a chart needs one label per value")
    if not y_max > 0:
        raise ValueError("the y axis must reach above zero")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    y_max: float,
    y_ticks: Sequence[tuple[float, str]] = (),
) -> Chart:
    """One bar per value, from the x axis up to the value."""
    _check(labels, values, y_max)
    parts = _frame(chart_id, title, description, labels, y_max, y_ticks)
    marks = []
    if labels:
        width = (PLOT_RIGHT - PLOT_LEFT) / len(labels) * 0.7
        for index, value in enumerate(values):
            if value is None:
                continue
            x, top = _x_centre(index, len(labels)), _y(value, y_max)
            marks.append((x, top))
            parts.append(
                f'<rect class="chart-bar" x="{_number(x - width / 2)}" y="{_number(top)}" '
                f'width="{_number(width)}" height="{_number(PLOT_BOTTOM - top)}"/>'
            )
    parts.append("</svg>")
    return Chart(svg="".join(parts), marks=tuple(marks))


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    y_max: float,
    y_ticks: Sequence[tuple[float, str]] = (),
) -> Chart:
    """A point per value, joined by lines; a gap (None) breaks the line."""
    _check(labels, values, y_max)
    parts = _frame(chart_id, title, description, labels, y_max, y_ticks)
    marks, runs, run = [], [], []
    for index, value in enumerate(values):
        if value is None:
            runs, run = runs + [run] if run else runs, []
            continue
        point = (_x_centre(index, len(labels)), _y(value, y_max))
        marks.append(point)
        run.append(point)
    if run:
        runs.append(run)
    for points in runs:
        if len(points) > 1:
            coordinates = " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
            parts.append(f'<polyline class="chart-line" points="{coordinates}"/>')
    for x, y in marks:
        parts.append(f'<circle class="chart-point" cx="{_number(x)}" cy="{_number(y)}" r="4"/>')
    parts.append("</svg>")
    return Chart(svg="".join(parts), marks=tuple(marks))
