"""What a platform client is handed and hands back: the entry a post is for, the post composed for
one platform, the reference to what the platform made, and the error when it would not.

Plain values (the standard library only), so the cross-poster composes them and the feedback API
may one day hand them over too, without either importing the other."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Composed", "Entry", "PlatformError", "PostedRef"]


@dataclass(frozen=True)
class Entry:
    """One post from the site's Atom feed, with the social copy the manifest carries for it."""

    id: str  # the Atom id (GUID): what the ledger keys on, so an edited post is not posted again
    url: str  # absolute address of the post
    title: str  # plain text
    summary: str  # plain text, may be empty
    published: datetime.datetime  # timezone-aware
    hashtags: tuple[str, ...] = ()  # '#UrgentCare', CamelCased, from the manifest
    text: dict[str, str] = field(default_factory=dict)  # the editor's own text, by platform
    # The page's BCP 47 tag (its Lang:, else the site's): "en-GB", "cy". Each translation of a
    # post is an entry of its own, with its own address, text and language.
    language: str = "en"


@dataclass(frozen=True)
class Composed:
    """What will be posted to one platform for one entry, exactly as the preview shows it."""

    entry: Entry
    platform: str
    text: str  # the full text to post, link included where the platform puts it in the text
    length: int  # counted as the platform counts
    limit: int
    link: str  # the entry's URL, never cut
    # Bluesky: link facets, [{"start": byte offset, "end": byte offset, "uri": url}] over UTF-8,
    # and hashtag facets, {"start", "end", "tag"}.
    facets: tuple[dict[str, Any], ...] = ()
    # Bluesky external embed card / Facebook link preview: {"uri", "title", "description"}.
    card: dict[str, str] | None = None


@dataclass(frozen=True)
class PostedRef:
    """The post a platform created: its id there and the address people can open."""

    platform: str
    id: str
    url: str


class PlatformError(Exception):
    """A platform refused or failed a call.

    `transient` is true for 429 and 5xx (and connection failures): worth retrying later, after
    `retry_after` seconds when the platform said so. `status` is the HTTP status when the
    platform answered one: 401 (the token expired or was revoked) and 403 (a permission the
    token lacks) are told to staff on the dashboard, not only in a log.
    """

    def __init__(
        self,
        message: str,
        *,
        transient: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
        self.status = status
