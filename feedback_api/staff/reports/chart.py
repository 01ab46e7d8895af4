"""Geometry of the report's bar charts, drawn as SVG by the report template: responses over time,
and the answers to each question with options.

Each chart is a picture of a table that sits beside it: it carries a text alternative saying
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


# The answers to one question: a row per answer, its label above a bar whose length is the share
# of the people who answered, the figures after the bar (room kept for "100 (100.0%)"). Narrower
# than the timeline, so its words stay legible when a phone shrinks the picture.
ANSWER_WIDTH, ANSWER_ROW, ANSWER_BAR, ANSWER_FIGURES = 400, 44, 18, 96
LABEL_CHARACTERS = 50  # longer answers are shortened in the picture, never in the table


def shortened(label: str) -> str:
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def answer_bars(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars in SVG user units for one question's answers, `{"label", "count", "pct"}` each in
    the table's order. `pct` (of the people who answered the question; None if nobody did) sets
    the length, so the bars of a multiple-choice question may add up to more than the whole."""
    plot = ANSWER_WIDTH - ANSWER_FIGURES
    drawn = []
    for index, row in enumerate(rows):
        top = TOP + index * ANSWER_ROW
        width = round(plot * (row["pct"] or 0) / 100, 1)
        drawn.append(
            {
                **row,
                "text": shortened(row["label"]),
                "label_y": top + 14,
                "y": top + 20,
                "width": width,
                "figures_x": round(width + 6, 1),
                "figures_y": top + 20 + ANSWER_BAR - 4,
            }
        )
    return {
        "width": ANSWER_WIDTH,
        "height": TOP + len(rows) * ANSWER_ROW + 8,
        "bar_height": ANSWER_BAR,
        "bars": drawn,
    }


def answers_description(rows: list[dict[str, Any]], answered: int) -> str:
    """One question's chart in a sentence or two: how many answered, and the answer most chose."""
    if not answered:
        return "Nobody has answered this question yet."
    people = f"{answered} {'person' if answered == 1 else 'people'} answered."
    most = max(row["count"] for row in rows)
    if not most:  # answers no longer among the options, say, kept in the exports
        return f"{people} None of them chose one of these answers."
    top = [row for row in rows if row["count"] == most]
    share = f"{most} ({top[0]['pct']:.1f}%)"
    if len(top) == 1:
        return f"{people} The answer chosen most was “{top[0]['label']}”: {share}."
    if len(top) == len(rows):
        return f"{people} Every answer was chosen as often: {share} each."
    names = ", ".join(f"“{row['label']}”" for row in top[:-1]) + f" and “{top[-1]['label']}”"
    return f"{people} The answers chosen most were {names}: {share} each."


def question_charts(definition: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """`{question id: {"bars", "description"}}` for every question with options that someone has
    answered, from `figures.summary`: the figures its table shows, in the same order."""
    charts = {}
    for question in definition["questions"]:
        entry = summary["questions"][question["id"]]
        if not question.get("options") or not entry["answered"]:
            continue
        rows = [
            {
                "label": option["label"],
                "count": entry["counts"][option["value"]],
                "pct": entry["percentages"][option["value"]],
            }
            for option in question["options"]
        ]
        charts[question["id"]] = {
            "bars": answer_bars(rows),
            "description": answers_description(rows, entry["answered"]),
        }
    return charts
