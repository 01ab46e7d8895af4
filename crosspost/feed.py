"""What the cross-poster reads: the site's Atom feed (a built file or the published URL) and the
manifest's social copy for each post, joined into Entry values, newest first."""

from __future__ import annotations

import calendar
import datetime
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
from markupsafe import Markup

from contract import manifest
from contract.social import hashtag
from platforms.values import Entry

TIMEOUT = 20


class FeedError(Exception):
    """The feed or manifest cannot be read; the message says which and what to do."""


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def read_bytes(source: str) -> bytes:
    """The file at a path, or the body at an http(s) address."""
    try:
        if _is_url(source):
            with urllib.request.urlopen(source, timeout=TIMEOUT) as answer:
                return answer.read()
        return Path(source).read_bytes()
    except FileNotFoundError:
        raise FeedError(
            f"cannot read {source}: there is no such file. Build the site first (invoke publish, "
            "or invoke build), or give the published feed's address with --feed."
        ) from None
    except (OSError, ValueError) as error:
        raise FeedError(f"cannot read {source}: {error}") from None


def read_manifest(source: str | None) -> dict[str, dict[str, Any]]:
    """The manifest's pages by path, read and checked as the feedback API reads it; an empty
    mapping when no manifest is given."""
    if not source:
        return {}
    try:
        return manifest.read(Path(source)).pages
    except manifest.ManifestError as error:
        raise FeedError(error.message) from None


def _plain(html: str) -> str:
    return " ".join(Markup(html or "").striptags().split())


def _published(item: Any) -> datetime.datetime:
    parsed = item.get("published_parsed") or item.get("updated_parsed")
    if parsed is None:
        return datetime.datetime.now(datetime.UTC)
    return datetime.datetime.fromtimestamp(calendar.timegm(parsed), datetime.UTC)


def parse(feed: bytes, pages: dict[str, dict[str, Any]], source: str = "feed") -> list[Entry]:
    """Entries of an Atom (or RSS) feed, newest first, with the manifest's social copy."""
    parsed = feedparser.parse(feed)
    if parsed.get("bozo") and not parsed.entries:
        raise FeedError(f"{source} is not a feed: {parsed.get('bozo_exception')}")
    found = []
    for item in parsed.entries:
        url = item.get("link")
        entry_id = item.get("id") or url
        if not url or not entry_id:
            continue
        page = pages.get(urlsplit(url).path, {})
        social = page.get("social") or {}
        tags = [tag.get("term", "") for tag in item.get("tags", [])]
        hashtags = social.get("hashtags") or [made for tag in tags if (made := hashtag(tag))]
        found.append(
            Entry(
                id=entry_id,
                url=url,
                title=_plain(item.get("title", "")),
                summary=_plain(item.get("summary", "")) or (page.get("summary") or ""),
                published=_published(item),
                hashtags=tuple(dict.fromkeys(hashtags)),
                text=dict(social.get("text") or {}),
            )
        )
    found.sort(key=lambda entry: entry.published, reverse=True)
    return found


def read(feed_source: str, manifest_source: str | None) -> list[Entry]:
    """Read and join the feed and the manifest."""
    return parse(read_bytes(feed_source), read_manifest(manifest_source), feed_source)
