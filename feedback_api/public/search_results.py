"""Searching the site's index: which pages match, in what order, and the words shown of each.

The same rules as the search page's script (`theme/static/js/search.js`), so a reader gets the
same results with JavaScript or without: case-insensitive; every word must be in the title,
summary or text; pages with more of the words in the title come first, then in the summary, and
otherwise the index's order (newest first). The query is hostile input: it is cut to
`QUERY_MAX` characters, matched as plain text (words are escaped before any pattern is made), and
only ever reaches the page through the template's escaping.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from contract.wordings import N_
from theme.i18n import date_text, gettext

QUERY_MAX = 200
SHOWN = 50
SNIPPET_BEFORE = 60
SNIPPET_AFTER = 180
# In the reader's language when shown (marked for the catalogue).
KIND_LABELS = {"article": N_("Post"), "consultation": N_("Consultation"), "page": N_("Page")}


@dataclass
class Query:
    """What the reader asked for: the text searched (cut to QUERY_MAX) and its distinct words."""

    text: str
    shortened: bool
    words: list[str] = field(default_factory=list)


def parse_query(raw: str) -> Query:
    """The query as searched: whitespace collapsed, at most QUERY_MAX characters."""
    text = " ".join(raw.split())
    shortened = len(text) > QUERY_MAX
    text = text[:QUERY_MAX].strip()
    words = list(dict.fromkeys(word for word in text.lower().split() if word))
    return Query(text, shortened, words)


@dataclass
class Prepared:
    """An index entry with the lower-cased text it is matched against, made once per index."""

    entry: dict[str, Any]
    title: str
    summary: str
    everything: str


def prepare(entries: list[dict[str, Any]]) -> list[Prepared]:
    """The entries ready for matching, in the index's order."""
    prepared = []
    for entry in entries:
        title = (entry.get("title") or "").lower()
        summary = (entry.get("summary") or "").lower()
        text = (entry.get("text") or "").lower()
        prepared.append(Prepared(entry, title, summary, f"{title} {summary} {text}"))
    return prepared


def find(index: list[Prepared], query: Query) -> list[dict[str, Any]]:
    """Every entry holding all the query's words, best first."""
    if not query.words:
        return []
    matched = []
    for item in index:
        if all(word in item.everything for word in query.words):
            in_title = sum(word in item.title for word in query.words)
            in_summary = sum(word in item.summary for word in query.words)
            matched.append((-in_title, -in_summary, item.entry))
    # sorted() is stable: equal ranks keep the index's order, newest first.
    return [entry for *_, entry in sorted(matched, key=lambda found: found[:2])]


def presented(entry: dict[str, Any], query: Query) -> dict[str, Any]:
    """One result as the template shows it: label, date and a snippet with the words marked."""
    date = _day(entry.get("date"))
    return {
        "url": entry["url"],
        "title": entry.get("title") or entry["url"],
        "kind_label": gettext(KIND_LABELS.get(entry.get("kind") or "", KIND_LABELS["page"])),
        "date_iso": date.isoformat() if date else None,
        "date_text": date_text(date) if date else None,
        "lang": entry.get("lang"),
        "snippet": marked(snippet(entry, query), query),
    }


def snippet(entry: dict[str, Any], query: Query) -> str:
    """The text around the first of the words in the page's text; else its summary."""
    text = entry.get("text") or ""
    found = _pattern(query).search(text) if query.words else None
    if found is None:
        return entry.get("summary") or text[:200]
    start = max(0, found.start() - SNIPPET_BEFORE)
    end = min(len(text), found.start() + SNIPPET_AFTER)
    if start > 0:
        start = text.find(" ", start) + 1
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def marked(text: str, query: Query) -> list[tuple[str, bool]]:
    """`text` in pieces, each flagged when it is one of the words (the template marks those)."""
    if not query.words or not text:
        return [(text, False)] if text else []
    pieces: list[tuple[str, bool]] = []
    at = 0
    for found in _pattern(query).finditer(text):
        if found.start() > at:
            pieces.append((text[at : found.start()], False))
        pieces.append((found.group(), True))
        at = found.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def _pattern(query: Query) -> re.Pattern[str]:
    # Longest first, so "care" inside "careful" is not preferred over "careful"; each escaped.
    words = sorted(query.words, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def _day(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
