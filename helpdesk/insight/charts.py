"""Chart geometry for the overview's SVG templates (templates/insight/_charts.html).

The charts are drawn by plain Jinja templates rather than a chart library: the libraries we
tried either ship JavaScript, write inline styles (blocked by the strict CSP) or give no
control over titles and patterns. Here Python works out the coordinates, the template only
writes them. Each tier has a colour that passes 3:1 against white AND its own pattern, dash
and marker, so colour is never the only carrier of meaning; the numbers sit in a table too.
"""
from __future__ import annotations

from dataclasses import dataclass

from helpdesk.tickets.models import Tier

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 26, 36
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Style:
    colour: str  # contrast with white: local 6.9:1, central 4.6:1, vendor 5.6:1
    pattern: str  # the fill pattern's name in the chart's <defs>
    dash: str  # stroke-dasharray of its line
    marker: str  # circle, square or triangle


STYLES = {
    Tier.LOCAL: Style("#1c5a96", "solid", "", "circle"),
    Tier.CENTRAL: Style("#b04e0f", "hatch", "8 4", "square"),
    Tier.VENDOR: Style("#3b6e22", "dots", "2 4", "triangle"),
}


def nice_max(value: float) -> int:
    """A round top for the axis: 1, 2, 5, 10, 20, 50 ..."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= value:
                return step * m
        step *= 10


def _ticks(top: int, count: int = 4) -> list[dict]:
    return [{"value": top * i // count, "y": round(TOP + PLOT_H - PLOT_H * i / count, 1)} for i in range(count + 1)]


def _x_labels(labels: list[str], slot: float) -> list[dict]:
    every = max(1, -(-len(labels) // 7))  # at most seven labels fit under the axis
    return [{"x": round(LEFT + slot * (i + 0.5), 1), "text": text}
            for i, text in enumerate(labels) if i % every == 0]


def stacked_bars(labels: list[str], series: dict[Tier, list[int]]) -> dict:
    """Columns per week, one segment per tier, stacked from local at the bottom."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = nice_max(max(totals, default=0))
    slot = PLOT_W / max(1, len(labels))
    bars = []
    for i, label in enumerate(labels):
        base = TOP + PLOT_H
        segments = []
        for tier, values in series.items():
            height = PLOT_H * values[i] / top
            if values[i]:
                base -= height
                segments.append({"tier": tier, "style": STYLES[tier], "value": values[i],
                                 "y": round(base, 1), "h": round(height, 1)})
        bars.append({"x": round(LEFT + slot * i + slot * 0.15, 1), "w": round(slot * 0.7, 1),
                     "label": label, "segments": segments})
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "ticks": _ticks(top), "x_labels": _x_labels(labels, slot),
            "left": LEFT, "right": WIDTH - RIGHT, "bottom": TOP + PLOT_H}


def lines(labels: list[str], series: dict[Tier, list[float | None]]) -> dict:
    """One line per tier; a week without a value breaks the line instead of guessing."""
    top = nice_max(max((v for values in series.values() for v in values if v is not None), default=0))
    slot = PLOT_W / max(1, len(labels))
    out = []
    for tier, values in series.items():
        runs, run, points = [], [], []
        for i, value in enumerate(values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            point = (round(LEFT + slot * (i + 0.5), 1), round(TOP + PLOT_H - PLOT_H * value / top, 1))
            run.append(point)
            points.append(point)
        if run:
            runs.append(run)
        out.append({"tier": tier, "style": STYLES[tier], "points": points,
                    "paths": [" ".join(f"{x},{y}" for x, y in r) for r in runs]})
    return {"width": WIDTH, "height": HEIGHT, "series": out, "ticks": _ticks(top), "x_labels": _x_labels(labels, slot),
            "left": LEFT, "right": WIDTH - RIGHT, "bottom": TOP + PLOT_H}


def horizontal_bars(rows: list[tuple[str, int, Style | None]]) -> dict:
    """Labelled bars across (the funnel, the satisfaction distribution), value written at
    the end of each bar."""
    row_h, label_w, width = 34, 150, WIDTH
    top = max((n for _, n, _ in rows), default=0) or 1
    bar_space = width - label_w - 60
    out = [{"label": label, "value": n, "style": style, "y": 8 + i * row_h,
            "w": round(bar_space * n / top, 1), "text_x": round(label_w + bar_space * n / top + 6, 1)}
           for i, (label, n, style) in enumerate(rows)]
    return {"width": width, "height": 16 + row_h * len(rows), "rows": out, "label_w": label_w, "bar_h": row_h - 12}


def heat_level(value: int, top: int) -> int:
    """0-4: the shade of a heat-table cell (the number is always written in it too)."""
    if not value or not top:
        return 0
    return min(4, 1 + int(4 * value / (top + 1)))
