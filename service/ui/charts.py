"""Geometry of the dashboard's inline SVG charts, computed here so templates only draw.

Every chart also has its numbers in text (a legend with counts and a table beside it):
colour is never the only way to read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Segment:
    key: str  # CSS class and legend entry
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Column:
    label: str
    total: int
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    top: int  # the value of the highest grid line
    columns: list[Column]


def _ceiling(value: int) -> int:
    """A round top for the axis: 1, 2, 5, 10, 20, 50..."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= step * factor:
                return step * factor
        step *= 10


def stacked_columns(days: Sequence[tuple[date, dict[str, int]]], keys: Sequence[str], *,
                    width: int = 600, height: int = 160) -> Chart:
    """One column per day, stacked by key (bottom to top in `keys` order)."""
    top = _ceiling(max([sum(counts.values()) for _, counts in days] + [1]))
    slot = width / max(len(days), 1)
    columns = []
    for n, (day, counts) in enumerate(days):
        y = float(height)
        segments = []
        for key in keys:
            h = height * counts.get(key, 0) / top
            y -= h
            if h:
                segments.append(Segment(key, counts[key], n * slot + 1, y, slot - 2, h))
        columns.append(Column(day.isoformat(), sum(counts.values()), segments))
    return Chart(width, height, top, columns)


def bars(items: Sequence[tuple[str, str, int]], *, width: int = 320,
         row: int = 28) -> Chart:
    """Horizontal bars: (label, key, value) per row, scaled to the largest value."""
    top = _ceiling(max([value for _, _, value in items] + [1]))
    columns = [Column(label, value, [Segment(key, value, 0, n * row + 4,
                                             width * value / top, row - 8)])
               for n, (label, key, value) in enumerate(items)]
    return Chart(width, row * len(items), top, columns)


def share(parts: Sequence[tuple[str, int]], total: int, *, width: int = 300,
          height: int = 18) -> Chart:
    """One bar split into parts of a total (an authorization: used, scheduled, left)."""
    x = 0.0
    segments = []
    for key, count in parts:
        w = width * count / total if total else 0.0
        if w:
            segments.append(Segment(key, count, x, 0, w, height))
        x += w
    return Chart(width, height, total, [Column("", total, segments)])
