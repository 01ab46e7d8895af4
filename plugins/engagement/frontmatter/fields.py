"""Front-matter rules for each kind of content, checked field by field with a fix for each fault.

Pelican accepts any field silently; an editor who writes `Catgory:` would get a post filed under
nothing. Here every field a kind may use is listed, so a typo is caught and a near match offered.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterator
from typing import Any

from contract.vocabulary import PLATFORMS

SOCIAL_FIELDS = tuple(f"social_{platform}" for platform in PLATFORMS)

# `lang` and `translation` are Pelican's own: a page's language and "this is a translation".
TRANSLATING = ("lang", "translation")
COMMON = (
    "title",
    "summary",
    "slug",
    "status",
    "tags",
    "modified",
    "comments",
    *TRANSLATING,
    *SOCIAL_FIELDS,
)
ALLOWED = {
    "post": {"date", "category", "author", *COMMON},
    "consultation": {"date", "opens", "closes", "questionnaire", "report", *COMMON},
    "page": {"title", "summary", "slug", "status", "modified", "template", *TRANSLATING},
}
REQUIRED = {
    "post": ("title", "date", "category", "summary"),
    "consultation": ("title", "opens", "closes", "summary"),
    "page": ("title",),
}
EXAMPLES = {
    "title": "Title: Winter vaccines: who can get them",
    "date": "Date: 2026-11-25 09:30",
    "category": "Category: News",
    "summary": "Summary: One or two sentences saying what the page is about.",
    "opens": "Opens: 2026-11-02",
    "closes": "Closes: 2027-01-29",
    "report": "Report: /maternity-summary-report/",
}
QUESTIONNAIRE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
STATUSES = ("published", "draft", "hidden")
# A consultation's published summary report: a page of this site or a document elsewhere.
REPORT_ADDRESS = re.compile(r"^(/[^\s]*|https://[^\s/]+(/[^\s]*)?)$")


def display_name(field: str) -> str:
    """Fields as the editor writes them: `social_x` -> `Social_x`, `opens` -> `Opens`."""
    return field[:1].upper() + field[1:]


def check_front_matter(
    kind: str, metadata: dict[str, Any], categories: list[str]
) -> Iterator[tuple[str, str]]:
    """Yield (field, message) for each fault in one file's front matter."""
    allowed = ALLOWED[kind]
    for field in sorted(metadata):
        if field in allowed or field in PELICAN_ADDED:
            continue
        close = difflib.get_close_matches(field, sorted(allowed), n=1, cutoff=0.6)
        fix = (
            f"did you mean {display_name(close[0])}?"
            if close
            else f"a {kind} may use {', '.join(display_name(f) for f in sorted(allowed))}."
        )
        yield display_name(field), f"this is not a field Engage knows: {fix}"
    for field in REQUIRED[kind]:
        value = metadata.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            example = EXAMPLES.get(field, f"{display_name(field)}: ...")
            yield display_name(field), f"is missing: add a line such as '{example}' at the top."
    yield from _check_values(kind, metadata, categories)


# Fields Pelican itself puts into the metadata before our checks see it.
PELICAN_ADDED = {"reader"}


def _check_values(
    kind: str, metadata: dict[str, Any], categories: list[str]
) -> Iterator[tuple[str, str]]:
    comments = metadata.get("comments")
    if comments is not None and str(comments).strip().lower() not in ("open", "closed"):
        yield "Comments", f"'{comments}' is not allowed: write 'Comments: closed' or leave it out."
    status = metadata.get("status")
    if status is not None and status not in STATUSES:
        yield "Status", f"'{status}' is not a status: use one of {', '.join(STATUSES)}."
    if kind == "post" and metadata.get("category") is not None:
        name = str(metadata["category"])
        if name not in categories:
            close = difflib.get_close_matches(name, categories, n=1, cutoff=0.5)
            fix = f"did you mean '{close[0]}'?" if close else "use one of: " + ", ".join(categories)
            yield "Category", f"'{name}' is not one of the site's categories: {fix}"
    for field in SOCIAL_FIELDS:
        if field in metadata and not str(metadata[field]).strip():
            yield display_name(field), "is empty: write the text to post, or remove the line."
    if kind == "consultation":
        yield from _check_consultation(metadata)


def _check_consultation(metadata: dict[str, Any]) -> Iterator[tuple[str, str]]:
    dates = {}
    for field in ("opens", "closes"):
        if metadata.get(field) is None:
            continue
        try:
            dates[field] = parse_day(metadata[field])
        except ValueError:
            yield (
                display_name(field),
                f"'{metadata[field]}' is not a date: write it as YYYY-MM-DD, "
                f"for example '{EXAMPLES[field]}'.",
            )
    if len(dates) == 2 and dates["closes"] < dates["opens"]:
        yield (
            "Closes",
            (
                f"{dates['closes']} is before Opens ({dates['opens']}): a consultation must close "
                "on or after the day it opens."
            ),
        )
    questionnaire = metadata.get("questionnaire")
    if questionnaire is not None and not QUESTIONNAIRE_ID.match(str(questionnaire)):
        yield (
            "Questionnaire",
            (
                f"'{questionnaire}' is not a questionnaire id: use the name of a file in "
                "content/questionnaires/ without '.yaml' (lowercase letters, digits, - and _)."
            ),
        )
    report = metadata.get("report")
    if report is not None and not REPORT_ADDRESS.match(str(report).strip()):
        yield (
            "Report",
            (
                f"'{report}' is not an address: give the published summary report as a page of "
                f"this site starting with / or a full https:// address, for example "
                f"'{EXAMPLES['report']}'."
            ),
        )
    if "category" in metadata:
        yield "Category", "consultations are filed under Consultations: remove this line."


def parse_day(value: Any) -> datetime.date:
    """A calendar day written YYYY-MM-DD; anything looser is refused so dates are never guessed."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return datetime.date.fromisoformat(text)
