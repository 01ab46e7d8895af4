"""Status changes in the consultations feed: one entry each time a commitment's status changes.

Pelican writes the consultations category feed; on its `feed_generated` signal the changes are
added beside the consultations, linked to the commitment's row on the consultation page. Each
entry's id is made from the consultation, the commitment id, the status and the day, so a
rebuild never mints a new one and a feed reader (or the cross-poster) sees each change once.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any
from urllib.parse import urlsplit

from feedgenerator import get_tag_uri
from markupsafe import Markup, escape

TITLE_WORDS = 80  # characters of "what we will do" in an entry's title


def status_changes(commitments: list[dict]) -> list[tuple[dict, dict]]:
    """(commitment, history entry) for each entry whose status differs from the one before it
    (the first entry always does); an entry that only adds a note is not a change."""
    changes = []
    for item in commitments:
        previous = None
        for entry in item["history"]:
            if entry["status"] != previous:
                changes.append((item, entry))
            previous = entry["status"]
    return changes


def short(text: str, limit: int = TITLE_WORDS) -> str:
    """`text` cut at a word to at most `limit` characters, with an ellipsis when cut, and
    without its closing full stop (it is quoted inside a sentence)."""
    text = text.rstrip(". ")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def add_status_changes(context: dict[str, Any], feed: Any) -> None:
    """Pelican's `feed_generated`: when `feed` is the consultations feed, add the changes and
    keep the feed newest first."""
    groups = context.get("COMMITMENTS") or []
    if not groups or not _is_consultations_feed(context, feed, groups[0][0]):
        return
    site_url = str(context.get("SITEURL") or "").rstrip("/")
    zone = zoneinfo.ZoneInfo(context.get("TIMEZONE") or "UTC")
    limit = context.get("FEED_MAX_ITEMS")
    changes = [
        (consultation, item, entry)
        for consultation, commitments in groups
        for item, entry in status_changes(commitments)
    ]
    changes.sort(key=lambda change: change[2]["date"], reverse=True)
    for consultation, item, entry in changes[:limit]:
        add_entry(feed, site_url, zone, consultation, item, entry)
    feed.items.sort(key=lambda added: added["pubdate"], reverse=True)


def add_entry(
    feed: Any,
    site_url: str,
    zone: zoneinfo.ZoneInfo,
    consultation: Any,
    item: dict,
    entry: dict,
) -> None:
    """One status change as a feed entry."""
    page = f"{site_url}/{consultation.url}"
    title = Markup(consultation.title).striptags()
    when = datetime.datetime.combine(entry["date"], datetime.time(), tzinfo=zone)
    said = f"You said: {item['heard']} We said we would: {item['will_do']}"
    now = f"Now: {entry['status_label']}." + (f" {entry['note']}" if entry["note"] else "")
    if item["status"] == "not-going-ahead" and entry is item["history"][-1] and item["reason"]:
        now += f" Why: {item['reason']}"
    tags = getattr(consultation, "tags", None) or []
    categories = [str(consultation.category), *(str(tag) for tag in tags)]
    feed.add_item(
        title=f"{title}: '{short(item['will_do'])}' is now {entry['status_label'].lower()}",
        link=f"{page}#commitment-{item['id']}",
        unique_id=get_tag_uri(f"{page}commitments/{item['id']}/{entry['status']}", when),
        # An Atom summary is HTML to feed readers: the editor's words are escaped into it.
        description=str(escape(f"{now} {said}")),
        categories=categories,
        pubdate=when,
        updateddate=when,
    )


def _is_consultations_feed(context: dict[str, Any], feed: Any, consultation: Any) -> bool:
    written = urlsplit(str(feed.feed.get("feed_url") or "")).path.lstrip("/")
    slug = consultation.category.slug
    names = (context.get("CATEGORY_FEED_ATOM"), context.get("CATEGORY_FEED_RSS"))
    return any(name and written == name.format(slug=slug) for name in names)
