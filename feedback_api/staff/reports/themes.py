"""Themes in the report: how many answers, comments and social items staff coded with each of
the consultation's themes, per channel and per equality group, and people's own words under
each theme with personal data always removed (quotes are for passing on).

The counts are the storage layer's GROUP BY over the tags; a private social mention is counted
but never quoted.
"""

from __future__ import annotations

from typing import Any

from contract import channels
from contract.vocabulary import QuestionType
from feedback_api.staff.moderation_view import redacted
from feedback_api.staff.reports.figures import choice_questions
from feedback_api.storage.comments import comments_by_id
from feedback_api.storage.learning import themes as storage
from feedback_api.storage.responses import response_by_id

KINDS = ("answer", "comment", "social")
QUOTES = 3


def _quotes(page: str, theme_id: int) -> list[dict[str, str]]:
    """Up to QUOTES of the latest words coded with the theme, personal data removed."""
    found = []
    for coded in storage.tagged(page, theme_id, QUOTES * 3):
        if coded.comment_id is not None:
            [comment] = comments_by_id([coded.comment_id]) or [None]
            if comment is None or comment.private:
                continue
            text = redacted(comment.body, comment.held_reasons or [])
            source = "On the page" if not comment.social else f"On {channels.label(comment.source)}"
        else:
            response = response_by_id(coded.response_id)
            value = response.answers.get(coded.field) if response else None
            if not isinstance(value, str) or response.spam:
                continue
            reasons = (response.held_reasons or {}).get(coded.field, [])
            text, source = redacted(value, reasons), "Questionnaire answer"
        found.append({"text": text, "source": source})
        if len(found) == QUOTES:
            break
    return found


def figures(
    page: str | None,
    definition: dict[str, Any] | None,
    *,
    by: str = "",
    channel: str | None = "",
    small_group: int = 0,
) -> dict[str, Any]:
    """The consultation's themes: `rows` (per theme: `answer`, `comment`, `social`, `total`,
    `channels` {label: count}, `groups` {value: count or None when fewer than `small_group`},
    `quotes`), the equality question `by` the groups are of, and `coded` (items coded). Only
    items that came through `channel` when one is given ("" for all; None: not recorded)."""
    if page is None:
        return {"rows": [], "by": None, "coded": 0, "themes": 0}
    groups = {
        q["id"]: q for q in choice_questions(definition or {"questions": []}, QuestionType.EQUALITY)
    }
    grouping = groups.get(by) or next(iter(groups.values()), None)
    counts = storage.tag_counts(page, grouping["id"] if grouping else None)
    if channel != "":
        counts = [count for count in counts if count.channel == channel]
    rows = []
    for theme in storage.frame(page):
        mine = [count for count in counts if count.theme_id == theme.id]
        row: dict[str, Any] = {"id": theme.id, "name": theme.name, "description": theme.description}
        for kind in KINDS:
            row[kind] = sum(count.count for count in mine if count.kind == kind)
        row["total"] = sum(row[kind] for kind in KINDS)
        by_channel: dict[str, int] = {}
        for count in mine:
            label = channels.label(count.channel)
            by_channel[label] = by_channel.get(label, 0) + count.count
        row["channels"] = dict(sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0])))
        if grouping:
            given = {}
            for option in grouping["options"]:
                n = sum(c.count for c in mine if c.kind == "answer" and c.group == option["value"])
                given[option["value"]] = None if 0 < n < small_group else n
            row["groups"] = given
        row["quotes"] = _quotes(page, theme.id) if row["total"] else []
        rows.append(row)
    rows.sort(key=lambda row: (-row["total"], row["name"].lower()))
    return {
        "rows": rows,
        "by": grouping,
        "themes": len(rows),
        "coded": len(storage.coded_keys(page)),
    }
