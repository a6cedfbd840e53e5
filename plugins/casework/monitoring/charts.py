"""Bars for a figure, drawn on the server as SVG (no script, no library): the geometry, the template draws it.

Horizontal bars, one group per row of the figure and one bar per series, scaled to the largest number; the
numbers themselves are in the table beside the chart, which is what screen readers read.
"""
from __future__ import annotations

from dataclasses import dataclass

WIDTH = 480  # the viewBox's width
LABEL = 170  # room for the row's name on the left
BAR = 11  # one bar's height
GAP = 7  # between two rows' groups
COLOURS = ("#1f5fa8", "#9db8d9", "#c2571a", "#6b8e23")
SHORT = 36  # characters of a row's name beside its bars


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    colour: str
    value: object
    series: str


@dataclass(frozen=True)
class Group:
    label: str
    y: float  # the baseline of the row's name
    bars: tuple[Bar, ...]

    @property
    def short(self) -> str:
        """The name as the chart has room for it: its end, which tells services apart («…Губкинского округа»)."""
        return self.label if len(self.label) <= SHORT else "…" + self.label[-(SHORT - 1):].lstrip()


@dataclass(frozen=True)
class Chart:
    height: float
    groups: tuple[Group, ...]
    legend: tuple[tuple[str, str, float], ...]  # (series, colour, x)
    legend_y: float
    label_x: float = LABEL
    scale: float = WIDTH - LABEL - 40


def bars(figure) -> Chart:
    series = figure.series
    count = len(series)
    numbers = [row[1:1 + count] for row in figure.rows]
    top = max([v for values in numbers for v in values if isinstance(v, (int, float))] + [0])
    if figure.percent:
        top = 100
    room = WIDTH - LABEL - 40
    groups, y = [], 4.0
    for row, values in zip(figure.rows, numbers):
        found = []
        for k, value in enumerate(values):
            size = (value or 0) / top * room if top and isinstance(value, (int, float)) else 0
            found.append(Bar(y + k * BAR, round(size, 1), COLOURS[k % len(COLOURS)], value, series[k]))
        groups.append(Group(str(row[0]), y + count * BAR / 2 + 3, tuple(found)))
        y += count * BAR + GAP
    legend = tuple((name, COLOURS[k % len(COLOURS)], LABEL + k * 150) for k, name in enumerate(series)) \
        if count > 1 else ()
    height = y + (18 if legend else 0)
    return Chart(round(height, 1), tuple(groups), legend, round(y + 10, 1))
