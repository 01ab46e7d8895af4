"""Our posts, as the cross-poster's ledger knows them: the listener asks it (`python -m crosspost
--posted`, a process of its own: the two programs never import each other) which posts it made
where, and follows each one, with the site page its entry is."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from feedback_api.crossposting.runners import ask, places
from feedback_api.jobs import JobLog
from feedback_api.storage import social, transaction


def _page(entry_url: str) -> str | None:
    """The manifest's page for an entry's address (its path, on this site), or None."""
    manifest = current_app.extensions["engage_manifest"].get()
    path = urlsplit(entry_url).path or "/"
    return path if manifest.page(path) is not None else None


def _moment(value: Any) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def rows(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The posted posts of the cross-poster's --posted answer, as social_posts rows."""
    found = []
    for post in history:
        if post.get("status") != "posted" or not post.get("post_id"):
            continue
        found.append(
            {
                "platform": str(post["platform"]),
                "remote_id": str(post["post_id"])[:300],
                "url": str(post.get("post_url") or "")[:1000],
                "entry_url": str(post.get("url") or "")[:1000],
                "page": _page(str(post.get("url") or "")),
                "title": str(post.get("title") or ""),
                "posted": _moment(post.get("updated")),
            }
        )
    return found


def refresh(log: JobLog) -> tuple[int, str | None]:
    """Follow every post the cross-poster has made: how many are new, and why the ledger could
    not be read (the listener then goes on with the posts it already follows)."""
    history, problem = ask(places(), log, "--posted")
    if problem or not isinstance(history, list):
        return 0, problem or "The cross-poster's list of posts could not be read."
    with transaction():
        return social.track(rows(history)), None
