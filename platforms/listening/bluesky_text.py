"""Bluesky text both ways: what a post says as plain text (its link facets written out in full),
and the link and hashtag facets our own reply needs, as UTF-8 byte ranges (app.bsky.richtext.facet).

Bluesky text is plain text already (the lexicon has no markup): a post that reads
"<script>" says exactly that, and is handed on as such for the page to escape."""

from __future__ import annotations

import datetime
from typing import Any

import regex
from atproto_client import models

from ..counting import find_urls, graphemes

LINK = "app.bsky.richtext.facet#link"
# A hashtag as the Bluesky app finds one: '#' (or the full-width U+FF03) after a space or at the
# start, then no spaces, not all digits; trailing punctuation is not part of it.
_TAG = regex.compile(r"(?:^|(?<=\s))[#\uff03](?P<tag>[^\s\u00ad\u2060\u200a-\u200d\u20e2]+)")
_TAG_END = regex.compile(r"\p{P}+$")
TAG_MAX_GRAPHEMES, TAG_MAX_LENGTH = 64, 640  # app.bsky.richtext.facet#tag


def moment(value: str | None) -> datetime.datetime | None:
    """An atproto datetime (RFC 3339, 'Z' or an offset) as an aware UTC datetime, or None
    when it is missing or unreadable (a record's createdAt is whatever its client wrote)."""
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed.astimezone(datetime.UTC)


def plain_text(record: Any) -> str:
    """The post's text with each link facet's range written out as the link's full address:
    the app shows long links shortened ("example.com/a-long-pa..."), the facet keeps the
    whole one."""
    text = getattr(record, "text", None) or ""
    data = text.encode("utf-8")
    links = []
    for facet in getattr(record, "facets", None) or ():
        index = facet.index
        for feature in facet.features:
            if getattr(feature, "py_type", "") == LINK and 0 <= index.byte_start < index.byte_end:
                links.append((index.byte_start, index.byte_end, feature.uri))
    end_of_last = len(data) + 1
    for start, end, uri in sorted(links, reverse=True):
        if end > len(data) or end > end_of_last:
            continue  # outside the text, or overlapping one already written out
        if data[start:end].decode("utf-8", "replace") != uri:
            data = data[:start] + uri.encode("utf-8") + data[end:]
        end_of_last = start
    return data.decode("utf-8", "replace")


def facets(text: str) -> list[models.AppBskyRichtextFacet.Main]:
    """Link facets for the http(s) links in `text` and tag facets for its hashtags, over
    UTF-8 byte offsets as the lexicon counts them (without facets Bluesky shows neither as
    a link)."""
    found = []
    spans = []
    for start, end, certain in find_urls(text):
        if not certain:
            continue
        spans.append((start, end))
        found.append(
            _facet(text, start, end, models.AppBskyRichtextFacet.Link(uri=text[start:end]))
        )
    for match in _TAG.finditer(text):
        tag = _TAG_END.sub("", match["tag"])
        start, end = match.start(), match.start("tag") + len(tag)
        if not tag or tag.isdigit() or not _taggable(tag):
            continue
        if any(start < link_end and link_start < end for link_start, link_end in spans):
            continue  # '#' inside a link is the link's fragment
        found.append(_facet(text, start, end, models.AppBskyRichtextFacet.Tag(tag=tag)))
    return sorted(found, key=lambda facet: facet.index.byte_start)


def _facet(text: str, start: int, end: int, feature: Any) -> models.AppBskyRichtextFacet.Main:
    """One facet over characters start..end of `text`, its offsets in UTF-8 bytes."""
    byte_start = len(text[:start].encode("utf-8"))
    return models.AppBskyRichtextFacet.Main(
        index=models.AppBskyRichtextFacet.ByteSlice(
            byte_start=byte_start, byte_end=byte_start + len(text[start:end].encode("utf-8"))
        ),
        features=[feature],
    )


def _taggable(tag: str) -> bool:
    """Whether a hashtag is short enough for a tag facet (longer ones stay plain text)."""
    return len(tag) <= TAG_MAX_LENGTH and graphemes(tag) <= TAG_MAX_GRAPHEMES
