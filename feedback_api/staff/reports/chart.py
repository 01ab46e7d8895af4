"""Geometry of the responses-over-time bar chart, drawn as SVG by the report template.

The chart is a picture of a table that sits beside it: it carries a text alternative saying
what it shows, and every figure is in the table, so nothing depends on seeing the bars.
"""

from __future__ import annotations

import math
from typing import Any

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 40  # room for the axes' labels
MAX_LABELS = 8


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value`: a readable scale."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def bars(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars, axis ticks and labels in SVG user units for the rows of `reports.over_time`."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = nice_ceiling(max((row["count"] for row in rows), default=0))
    slot = plot_width / max(len(rows), 1)
    every = max(1, math.ceil(len(rows) / MAX_LABELS))
    drawn = []
    for index, row in enumerate(rows):
        height = plot_height * row["count"] / top
        drawn.append(
            {
                **row,
                "x": round(LEFT + index * slot + slot * 0.1, 1),
                "y": round(TOP + plot_height - height, 1),
                "width": round(max(slot * 0.8, 1), 1),
                "height": round(height, 1),
                "show_label": index % every == 0,
                "label_x": round(LEFT + index * slot + slot / 2, 1),
            }
        )
    ticks = [
        {"value": top * i // 4, "y": round(TOP + plot_height * (1 - i / 4), 1)}
        for i in range(5)
        if top * i % 4 == 0
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_height,
        "bars": drawn,
        "ticks": ticks,
    }


def description(rows: list[dict[str, Any]], period: str) -> str:
    """The chart in one or two sentences, for people who cannot see it."""
    if not rows:
        return "No responses yet."
    total = rows[-1]["cumulative"]
    busiest = max(rows, key=lambda row: row["count"])
    when = f"in the w{busiest['label'][1:]}" if period == "week" else f"on {busiest['label']}"
    return (
        f"{total} response{'s' if total != 1 else ''} from {rows[0]['label']} to "
        f"{rows[-1]['label']}, by {period}. The most in one {period} was {busiest['count']}, "
        f"{when}."
    )
