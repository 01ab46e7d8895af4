"""The involvement report's outline, sentences and tables, from `involvement.report()`: written
once here so the page and the Word file say the same words and hold the same figures.

The outline follows NHS England's "ICB annual reports" guidance on working with people and
communities: what the law asks, how and with whom we involved people, who we heard from and what
they told us, how we responded, what changed as a result, and people's own words. The comms
team's sections (`content/involvement/`) go where their `section` belongs.
"""

from __future__ import annotations

import datetime
from typing import Any

from feedback_api.staff.times import uk_date

DUTY, APPROACH, PARTNERS, CHANGES, NEXT = "duty", "approach", "partners", "changes", "next"
HEARD = "Who we heard from"
TOLD = "What people told us"
RESPONDED = "How we responded"
CHANGED = "What changed as a result"
OWN_WORDS = "In people's own words"
# (heading, the comms team's section shown under it, or None)
OUTLINE: tuple[tuple[str, str | None], ...] = (
    ("Our duty to involve people", DUTY),
    ("How we involved people and communities", APPROACH),
    ("Working with partners", PARTNERS),
    ("Consultations and engagement this year", None),
    (HEARD, None),
    (TOLD, None),
    (RESPONDED, None),
    (CHANGED, CHANGES),
    (OWN_WORDS, None),
    ("What we will do next", NEXT),
)
MISSING = (
    "[To be written: the comms team's words for this part go in content/involvement/, "
    "in a file with 'Section: {section}'.]"
)


NONE = "\u2013"  # the dash the report pages show for no figure


def _pct(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f}%"


def title(report: dict[str, Any]) -> str:
    who = report["organisation"]
    return f"Working with people and communities {report['year']}" + (f": {who}" if who else "")


def period(report: dict[str, Any]) -> str:
    return f"From {uk_date(report['since'])} to {uk_date(report['until'])}."


def section(report: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The comms team's section of that name for the report's year, if written."""
    return next((entry for entry in report["sections"] if entry.get("id") == name), None)


def lines(report: dict[str, Any], heading: str) -> list[str]:
    """The sentences under a heading of the outline."""
    totals = report["totals"]
    if heading == "Consultations and engagement this year":
        ran = totals["consultations"]
        return [
            f"We ran {ran} consultation{'s' if ran != 1 else ''}"
            f" and heard from people {totals['responses']} times in questionnaires, "
            f"{totals['comments']} in comments on our website and {totals['social']} on social "
            "media."
        ]
    if heading == RESPONDED:
        figures = report["responsiveness"]
        said = [
            f"People asked us {figures.questions} question{'s' if figures.questions != 1 else ''}"
            f" on our website and social media; we answered {figures.answered_within_target} "
            f"within {report['target_days']:g} working days."
        ]
        if figures.reply_median_hours is not None:
            said.append(f"Half our replies came within {figures.reply_median_hours:.1f} hours.")
        fft = report["fft"]
        if fft["answered"]:
            said.append(
                f"In the Friends and Family Test {fft['answered']} people answered: "
                f"{_pct(fft['positive_pct'])} said their experience was good or very good, "
                f"{_pct(fft['negative_pct'])} poor or very poor."
            )
        return said
    if heading == HEARD and not report["representation"]:
        return ["No equality-monitoring answers to compare with the area's population."]
    return []


def tables(report: dict[str, Any], heading: str) -> list[tuple[str, list[str], list[list]]]:
    """The tables under a heading of the outline: (caption, header, rows)."""
    if heading == "Consultations and engagement this year":
        rows = [
            [
                item["page"]["title"],
                f"{_day(item['page'].get('opens'))} to {_day(item['page'].get('closes'))}",
                item["responses"],
                item["comments"],
                item["social"],
            ]
            for item in report["consultations"]
        ]
        header = ["Consultation", "Dates", "Responses", "Comments", "Social media"]
        return [("Consultations", header, rows)] if rows else []
    if heading == HEARD:
        found = [
            (
                "Responses, comments and social media items by channel",
                ["Channel", "Responses", "Share of responses", "Comments", "Social media"],
                [
                    [
                        row["label"],
                        row["responses"],
                        _pct(row.get("share_pct")),
                        row["comments"],
                        row["social"],
                    ]
                    for row in report["channels"]
                ],
            )
        ]
        for entry in report["representation"]:
            found.append(
                (
                    f"{entry['label']}: people who answered and the area's population",
                    [
                        "Group",
                        "People who answered",
                        "Share",
                        "Share of the area",
                        "Representation",
                    ],
                    [
                        [
                            row["label"],
                            f"Fewer than {entry['small_group']}"
                            if row["suppressed"] == "small"
                            else ("Not shown" if row["suppressed"] else row["count"]),
                            "Not shown" if row["suppressed"] else _pct(row["respondents_pct"]),
                            _pct(row["population_pct"]),
                            (row["verdict"] or NONE).capitalize(),
                        ]
                        for row in entry["rows"]
                    ],
                )
            )
        return found
    if heading == TOLD:
        return [
            (
                f"Themes: {item['page']['title']}",
                ["Theme", "Answers", "Comments", "Social media", "All"],
                [
                    [t["name"], t["answer"], t["comment"], t["social"], t["total"]]
                    for t in item["themes"]
                ],
            )
            for item in report["consultations"]
            if item["themes"]
        ]
    if heading == CHANGED:
        return [
            (
                f"You said, we did: {item['page']['title']}",
                ["You said", "We will", "Where it stands", "Updated"],
                [
                    [c["heard"], c["will_do"], c["status_text"], _day(c.get("updated"))]
                    for c in item["commitments"]
                ],
            )
            for item in report["consultations"]
            if item["commitments"]
        ]
    return []


def quotes(report: dict[str, Any]) -> list[dict[str, str]]:
    """People's own words: each consultation's themes' quotes (personal data removed)."""
    return [
        {"text": quote["text"], "where": f"{item['page']['title']}, {theme['name']}"}
        for item in report["consultations"]
        for theme in item["themes"]
        for quote in theme["quotes"][:1]
    ]


def _day(text: str | None) -> str:
    return uk_date(datetime.date.fromisoformat(text)) if text else NONE
