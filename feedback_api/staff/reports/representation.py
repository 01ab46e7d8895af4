"""Who answered, set beside who lives in the area: each equality-monitoring group's share of the
respondents against its share of the population (`manifest.population`, from the site's
`content/population.csv`), with the groups that are under- or over-represented picked out.

The rule. A group's representation ratio is its share of the respondents divided by its share of
the population. Below 0.8 it is "under-represented", above 1.25 "over-represented", otherwise
"in line". A ratio, not a difference in percentage points, because a gap of 3 points is most of
a group that is 4% of the area and nothing for one that is 80%. 0.8 is the "four-fifths" rule
used to judge whether a group takes part or is selected in fair proportion; 1.25 is its
reciprocal (1 / 0.8), so being half as often and twice as often are treated alike.

The base. Shares of respondents are of the people who answered the question with one of its
groups: "Prefer not to say", no answer and answers no longer offered are counted and shown,
but left out of the shares, as the population has no such group.

Small groups. A group of fewer than `small_group` people (but not none) shows "fewer than N"
only: no count, share or verdict, as the reports' breakdowns do, so nobody can be picked out.
When that leaves a single group hidden, the next smallest is hidden too ("complement"), because
otherwise the hidden one is the base less the groups shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contract.vocabulary import QuestionType
from contract.wordings import EQUALITY_PARTS, PREFER_NOT
from feedback_api.staff.reports.chart import (
    ANSWER_FIGURES,
    ANSWER_WIDTH,
    TOP,
    shortened,
)

UNDER, OVER = 0.8, 1.25
UNDER_REPRESENTED, OVER_REPRESENTED, IN_LINE = "under-represented", "over-represented", "in line"


def part_of(question_id: str) -> str | None:
    """The equality part a question asks about: its ids are `<block id>_<part>`."""
    part = question_id.rsplit("_", 1)[-1]
    return part if part in EQUALITY_PARTS and question_id != part else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def verdict(ratio: float | None) -> str | None:
    """Under-represented, over-represented or in line; None when there is nothing to judge."""
    if ratio is None:
        return None
    if ratio < UNDER:
        return UNDER_REPRESENTED
    if ratio > OVER:
        return OVER_REPRESENTED
    return IN_LINE


def compare(
    questions: Iterable[Mapping[str, Any]],
    counts: Mapping[str, Mapping[str, int]],
    respondents: int,
    population: Mapping[str, Mapping[str, int]],
    small_group: int = 0,
    sources: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One entry per equality question (manifest definitions) with population figures, in order.

    `counts`: `{question id: {answer value: people}}` among `respondents` people (those who did
    not answer are the rest); `sources`: `manifest.population_sources`, the ONS table of each
    part. Each entry: `id`, `part`, `label`, `source`, `small_group`, `respondents`,
    `answered` (any answer), `compared` (the base), `compared_pct` (of `respondents`),
    `prefer_not`, `not_answered`, `other_answers`, `under` and `over` (labels of the groups
    flagged), and `rows`, one per group: `value`, `label`, `count` (None if hidden),
    `suppressed` ("small", "complement" or None), `respondents_pct`, `population`,
    `population_pct`, `ratio` (2 places), `difference` (percentage points), `verdict`.
    No population figures, no entries.
    """
    entries = []
    for question in questions:
        part = part_of(question["id"])
        if question.get("type") != QuestionType.EQUALITY or part not in population:
            continue
        people = population[part]
        area = sum(people.values())
        if not area:
            continue
        given = counts.get(question["id"], {})
        groups = [o for o in question["options"] if o["value"] != PREFER_NOT[0]]
        compared = sum(given.get(o["value"], 0) for o in groups)
        answered = sum(given.values())
        hidden = _suppressed([given.get(o["value"], 0) for o in groups], small_group)
        rows = []
        for option, hide in zip(groups, hidden, strict=True):
            count = given.get(option["value"], 0)
            in_area = people.get(option["value"], 0)
            mine, theirs = _share(count, compared), _share(in_area, area)
            ratio = mine / theirs if mine is not None and theirs else None
            if hide:
                mine = ratio = None
            rows.append(
                {
                    "value": option["value"],
                    "label": option["label"],
                    "count": None if hide else count,
                    "suppressed": hide,
                    "respondents_pct": _pct(mine),
                    "population": in_area,
                    "population_pct": _pct(theirs),
                    "ratio": None if ratio is None else round(ratio, 2),
                    "difference": None if mine is None else round(100 * (mine - theirs), 1),
                    "verdict": verdict(ratio),
                }
            )
        prefer_not = given.get(PREFER_NOT[0], 0)
        entries.append(
            {
                "id": question["id"],
                "part": part,
                "label": question["label"],
                "source": (sources or {}).get(part),
                "small_group": small_group,
                "respondents": respondents,
                "answered": answered,
                "compared": compared,
                "compared_pct": _pct(_share(compared, respondents)),
                "prefer_not": prefer_not,
                "not_answered": max(respondents - answered, 0),
                "other_answers": answered - compared - prefer_not,
                "under": [r["label"] for r in rows if r["verdict"] == UNDER_REPRESENTED],
                "over": [r["label"] for r in rows if r["verdict"] == OVER_REPRESENTED],
                "rows": rows,
            }
        )
    return entries


def _suppressed(counts: list[int], small_group: int) -> list[str | None]:
    """Which groups to hide: the small ones, and the complement when only one is small."""
    hidden: list[str | None] = ["small" if 0 < n < small_group else None for n in counts]
    if hidden.count("small") == 1 and len(counts) > 1:
        shown = [i for i, why in enumerate(hidden) if why is None]
        hidden[min(shown, key=lambda i: counts[i])] = "complement"
    return hidden


# Paired bars: per group its label, then the respondents' share and the area's share beneath
# it, on the scale of chart.answer_bars (the whole width is 100%), figures after each bar.
PAIR_BAR, PAIR_GAP, PAIR_ROW, LEGEND = 14, 2, 58, 22


def chart(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Bars in SVG user units for one entry of `compare`, and its text alternative."""
    plot = ANSWER_WIDTH - ANSWER_FIGURES
    drawn = []
    for index, row in enumerate(entry["rows"]):
        top = TOP + LEGEND + index * PAIR_ROW
        mine = round(plot * (row["respondents_pct"] or 0) / 100, 1)
        theirs = round(plot * (row["population_pct"] or 0) / 100, 1)
        second = top + 20 + PAIR_BAR + PAIR_GAP
        drawn.append(
            {
                **row,
                "text": shortened(row["label"]),
                "label_y": top + 14,
                "respondents_y": top + 20,
                "respondents_width": mine,
                "respondents_figures_x": round(mine + 6, 1),
                "respondents_figures_y": top + 20 + PAIR_BAR - 3,
                "population_y": second,
                "population_width": theirs,
                "population_figures_x": round(theirs + 6, 1),
                "population_figures_y": second + PAIR_BAR - 3,
            }
        )
    return {
        "width": ANSWER_WIDTH,
        "height": TOP + LEGEND + len(drawn) * PAIR_ROW + 8,
        "bar_height": PAIR_BAR,
        "legend_y": TOP,
        "bars": drawn,
        "description": description(entry),
    }


def description(entry: Mapping[str, Any]) -> str:
    """The comparison in a sentence or three, for people who cannot see the chart."""
    if not entry["compared"]:
        return "Nobody has answered this question with one of its groups yet."
    said = (
        f"{entry['compared']} of {entry['respondents']} people ({entry['compared_pct']:.1f}%) "
        "answered with one of the groups."
    )
    parts = [said]
    for flagged, word in (
        (entry["under"], "Under-represented"),
        (entry["over"], "Over-represented"),
    ):
        if flagged:
            parts.append(f"{word}: {_listed(entry, flagged)}.")
    if not entry["under"] and not entry["over"]:
        parts.append("No group shown is under- or over-represented.")
    return " ".join(parts)


def _listed(entry: Mapping[str, Any], labels: list[str]) -> str:
    rows = {row["label"]: row for row in entry["rows"]}
    return "; ".join(
        f"{label}, {rows[label]['respondents_pct']:.1f}% of people who answered and "
        f"{rows[label]['population_pct']:.1f}% of the area"
        for label in labels
    )


def of_questionnaire(
    definition: Mapping[str, Any],
    figures: Mapping[str, Any],
    population: Mapping[str, Mapping[str, int]],
    small_group: int = 0,
    sources: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """`compare` on one questionnaire's summary figures (`figures.summary`), each entry with
    its `chart`."""
    counts = {qid: entry["counts"] for qid, entry in figures["questions"].items()}
    entries = compare(
        definition["questions"], counts, figures["responses"], population, small_group, sources
    )
    return [{**entry, "chart": chart(entry)} for entry in entries]


def across(
    questionnaires: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
    population: Mapping[str, Mapping[str, int]],
    small_group: int = 0,
    sources: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """`compare` over several questionnaires at once, (definition, summary figures) each: per
    equality part, the answers of every questionnaire that asks it, added up, against the
    people who answered those questionnaires (a person who answered two counts twice)."""
    asked: dict[str, dict[str, Any]] = {}
    for definition, figures in questionnaires:
        for question in definition["questions"]:
            part = part_of(question["id"])
            if question.get("type") != QuestionType.EQUALITY or part is None:
                continue
            entry = asked.setdefault(
                part, {"question": {**question, "id": f"equality_{part}"}, "counts": {}, "n": 0}
            )
            entry["n"] += figures["responses"]
            for value, count in figures["questions"][question["id"]]["counts"].items():
                entry["counts"][value] = entry["counts"].get(value, 0) + count
    found = []
    for part in [name for name in EQUALITY_PARTS if name in asked]:
        entry = asked[part]
        counts = {entry["question"]["id"]: entry["counts"]}
        found += [
            {**compared, "chart": chart(compared)}
            for compared in compare(
                [entry["question"]], counts, entry["n"], population, small_group, sources
            )
        ]
    return found
