"""The text each platform gets for an entry, counted as that platform counts it.

The default post is the title, the summary, the link and a few hashtags, each in its own
paragraph. The editor's own text for a platform (Social_<platform> in the post's metadata)
replaces title and summary. When a post is too long the link is never cut: hashtags go first,
then the summary is cut at a word boundary with "…", then the title. How each platform counts a
post, its limit and where it takes the link are that platform's `rules` (platforms.<name>).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from contract import channels
from contract.vocabulary import PLATFORMS, Platform
from platforms import load
from platforms.base import Rules
from platforms.counting import utf8_bytes
from platforms.values import Composed, Entry

ELLIPSIS = "…"
PARAGRAPH = "\n\n"


def rules(platform: str) -> Rules:
    """How the platform counts a post and what it takes, from the platform's own module (loaded
    on first use: composing for a platform brings in its client's SDK, importing this does not).

    Raises ValueError for an unknown platform."""
    if platform not in PLATFORMS:
        raise ValueError(f"Unknown platform {platform!r}: expected one of {', '.join(PLATFORMS)}")
    return load(platform).rules


# LinkedIn's "little" text format: these must be backslash-escaped or LinkedIn cuts the post at
# the first one it cannot parse (learn.microsoft.com, linkedin/marketing/community-management/
# shares/little-text-format).
LITTLE_RESERVED = regex.compile(r"[|{}@\[\]()<>#\\*_~]")
# A hashtag's name: letters, marks and digits, starting with a letter or digit, with a letter
# somewhere (Mastodon and X ignore all-digit tags, so "#1" stays text).
_TAG_NAME = r"[\p{L}\p{Nd}][\p{L}\p{M}\p{Nd}]*"
_TAG_WORD = regex.compile(_TAG_NAME)
_HASHTAG_IN_TEXT = regex.compile(rf"(?<!\S)#(?P<name>{_TAG_NAME})(?!\w)")
# Removed from all text: controls (other than whitespace, which is collapsed), lone surrogates
# (not encodable), and the three characters twitter-text says make a post invalid.
_UNSENDABLE = regex.compile(r"[[\p{Cc}\p{Cs}]--\s]|[\ufeff\ufffe\uffff]", regex.V1)
_WORD_BOUNDARY = regex.compile(r"\b", regex.WORD | regex.V1)
_CUT_TRAILING = ",;:-\u2013\u2014 "  # commas, colons and dashes before a "…"


@dataclass(frozen=True)
class _Segment:
    """A piece of the post: plain text, or the link (kept whole, made clickable on Bluesky)."""

    text: str
    is_link: bool = False


def compose(
    entry: Entry,
    platform: str,
    *,
    limit: int | None = None,
    max_hashtags: int | None = None,
    via: str | None = None,
) -> Composed:
    """The post for one platform. `limit` overrides the platform's (Mastodon instances report
    their own max_characters); `max_hashtags` overrides how many tags to add; `via` is the
    query parameter that tells the site the reader came from this platform (`?via=mastodon`,
    contract.channels), None for the plain link.

    Raises ValueError for an unknown platform, or when even the link alone is over the limit.
    """
    allowed = rules(platform)
    limit = allowed.limit if limit is None else limit
    wanted = allowed.max_hashtags if max_hashtags is None else max_hashtags
    title, summary = clean(entry.title), clean(entry.summary)
    address = channels.marked(entry.url, platform, via)
    link = address if allowed.link_in_text else None
    little = allowed.little

    def fits(segments: Sequence[_Segment]) -> bool:
        return allowed.fits(_join(segments), limit)

    own = clean(entry.text.get(platform, ""))
    tags = hashtag_names(entry.hashtags)
    if own:
        present = {name.casefold() for name in _HASHTAG_IN_TEXT.findall(own)}
        tags = [name for name in tags if name.casefold() not in present]
    tags = tags[: max(wanted, 0)]
    segments = None
    if own and link and _find_link(own, entry.url) is not None:
        head = _with_own_link(own, entry.url, little, shown=link)
        segments = _fit(fits, head, [], tags, None, little)
        own = _without_link(own, entry.url)
    if segments is None:
        body = [own] if own else [title, summary]
        segments = _fit(fits, [], body, tags, link, little)
    if segments is None:
        raise ValueError(f"The link alone is over {platform}'s limit of {limit}: {address}")

    text = _join(segments)
    facets = _facets(segments) if allowed.facets else ()
    card = {"uri": address, "title": title, "description": summary} if allowed.card else None
    return Composed(
        entry=entry,
        platform=platform,
        text=text,
        length=allowed.count(text),
        limit=limit,
        link=address,
        facets=facets,
        card=card,
    )


def compose_all(entry: Entry) -> list[Composed]:
    """The post for every platform, in PLATFORMS order."""
    return [compose(entry, platform) for platform in PLATFORMS]


def clean(text: str) -> str:
    """Plain text for a post: unsendable characters removed, every run of whitespace
    (newlines included) made one space."""
    return " ".join(_UNSENDABLE.sub("", text).split())


def hashtag_names(hashtags: Sequence[str]) -> list[str]:
    """'#UrgentCare' -> 'UrgentCare': letters and digits only, no all-digit tags, no repeats
    (ignoring case), in the manifest's order."""
    names: list[str] = []
    for tag in hashtags:
        name = "".join(_TAG_WORD.findall(tag))
        if regex.search(r"\p{L}", name) and name.casefold() not in map(str.casefold, names):
            names.append(name)
    return names


_LITTLE_HASHTAG = re.compile(r"\{hashtag\|\\#\|([^}]*)\}")
_LITTLE_ESCAPED = re.compile(r"\\(.)")


def as_read(composed: Composed) -> str:
    """The post as its readers will see it: LinkedIn's little format shows `#UrgentCare`, not
    the template and escapes the API is sent."""
    if composed.platform != Platform.LINKEDIN:
        return composed.text
    text = _LITTLE_HASHTAG.sub(lambda match: "#" + match[1], composed.text)
    return _LITTLE_ESCAPED.sub(lambda match: match[1], text)


def escape_little(text: str) -> str:
    """Plain text in LinkedIn's little format: every reserved character backslash-escaped."""
    return LITTLE_RESERVED.sub(lambda match: "\\" + match[0], text)


def little_hashtag(name: str) -> str:
    """A hashtag as LinkedIn's HashtagTemplate. The docs' example writes the sign bare, but
    '#' is reserved everywhere in little and LinkedIn returns '\\#' in posts it hands back, so
    the sign is escaped: {hashtag|\\#|UrgentCare}."""
    return "{hashtag|\\#|" + escape_little(name) + "}"


def _fit(
    fits: Callable[[Sequence[_Segment]], bool],
    head: list[_Segment],
    body: list[str],
    tags: list[str],
    link: str | None,
    little: bool,
) -> list[_Segment] | None:
    """The longest post that fits: all tags, then fewer tags, then the last part of `body` cut
    word by word (dropped when no word fits), then the part before it. None if nothing fits."""

    def build(parts: list[str], count: int) -> list[_Segment]:
        return _layout(head, parts, tags[:count], link, little)

    for count in range(len(tags), -1, -1):
        segments = build(body, count)
        if fits(segments):
            return segments
    parts = list(body)
    for index in range(len(parts) - 1, -1, -1):
        if not parts[index]:
            continue
        cuts = _cuts(parts[index])
        best = _last_fitting(
            len(cuts), lambda n, i=index, c=cuts: fits(build(_replace(parts, i, c[n - 1]), 0))
        )
        if best:
            return build(_replace(parts, index, cuts[best - 1]), 0)
        parts[index] = ""
    segments = build(parts, 0)
    return segments if fits(segments) else None


def _replace(parts: list[str], index: int, value: str) -> list[str]:
    return [*parts[:index], value, *parts[index + 1 :]]


def _cuts(text: str) -> list[str]:
    """Shortened forms of `text`, shortest first: whole words then "…". A first word too long
    to fit whole is cut at its own word boundaries (UAX #29: between CJK ideographs, say)."""
    words = [match.end() for match in regex.finditer(r"\S+", text)][:-1]
    first = text.split(" ", 1)[0]
    inner = [match.start() for match in _WORD_BOUNDARY.finditer(first)][1:-1]
    cuts = []
    for end in [*inner, *words]:
        stem = text[:end].rstrip(_CUT_TRAILING)
        if stem and (not cuts or cuts[-1] != stem + ELLIPSIS):
            cuts.append(stem + ELLIPSIS)
    return cuts


def _last_fitting(count: int, fits: Callable[[int], bool]) -> int:
    """Largest n in 1..count with fits(n), by bisection (length grows with n), checked after."""
    low, high = 0, count
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    while low and not fits(low):
        low -= 1
    return low


def _layout(
    head: list[_Segment], body: list[str], tags: list[str], link: str | None, little: bool
) -> list[_Segment]:
    """Paragraphs: the editor's text with its link (head), or title and summary; the link;
    the hashtags on one line."""
    paragraphs: list[list[_Segment]] = [head] if head else []
    paragraphs += [[_Segment(_text(part, little))] for part in body if part]
    if link:
        paragraphs.append([_Segment(escape_little(link) if little else link, is_link=True)])
    if tags:
        tag_line = " ".join(little_hashtag(name) if little else "#" + name for name in tags)
        paragraphs.append([_Segment(tag_line)])
    segments: list[_Segment] = []
    for paragraph in paragraphs:
        if segments:
            segments.append(_Segment(PARAGRAPH))
        segments += paragraph
    return segments


def _text(text: str, little: bool) -> str:
    """Plain text as the platform takes it: for LinkedIn, escaped, with #Tags as templates."""
    if not little:
        return text
    pieces, index = [], 0
    for match in _HASHTAG_IN_TEXT.finditer(text):
        if regex.search(r"\p{L}", match["name"]):
            pieces += [escape_little(text[index : match.start()]), little_hashtag(match["name"])]
            index = match.end()
    return "".join([*pieces, escape_little(text[index:])])


def _join(segments: Sequence[_Segment]) -> str:
    return "".join(segment.text for segment in segments)


def _find_link(text: str, link: str) -> int | None:
    """Where the editor's text has the link, standing alone (not part of a longer address)."""
    for match in regex.finditer(regex.escape(link), text):
        before = text[match.start() - 1 : match.start()]
        after = text[match.end() : match.end() + 1]
        if before in ("", " ", "(") and (after == "" or after in " .,;:!?)'\""):
            return match.start()
    return None


def _with_own_link(text: str, link: str, little: bool, shown: str) -> list[_Segment]:
    """The editor's text with its link (`link`) made the link posted (`shown`, marked)."""
    start = _find_link(text, link)
    assert start is not None
    before, after = text[:start], text[start + len(link) :]
    shown = escape_little(shown) if little else shown
    pieces = [_Segment(_text(before, little)), _Segment(shown, is_link=True)]
    return [segment for segment in [*pieces, _Segment(_text(after, little))] if segment.text]


def _without_link(text: str, link: str) -> str:
    start = _find_link(text, link)
    assert start is not None
    return clean(text[:start] + " " + text[start + len(link) :])


def _facets(segments: Sequence[_Segment]) -> tuple[dict[str, object], ...]:
    """Where the link and each hashtag are, as UTF-8 byte ranges over the joined text, as
    Composed's plain facet dicts: `{"start", "end", "uri"}` for the link, `{"start", "end",
    "tag"}` for each hashtag (the tag without its sign), in the order they come."""
    facets: list[dict[str, object]] = []
    offset = 0
    for segment in segments:
        if segment.is_link:
            end = offset + utf8_bytes(segment.text)
            facets.append({"start": offset, "end": end, "uri": segment.text})
        else:
            for match in _HASHTAG_IN_TEXT.finditer(segment.text):
                start = offset + utf8_bytes(segment.text[: match.start()])
                end = start + utf8_bytes(match.group(0))
                facets.append({"start": start, "end": end, "tag": match["name"]})
        offset += utf8_bytes(segment.text)
    return tuple(facets)
