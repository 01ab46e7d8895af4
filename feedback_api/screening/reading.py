"""The text a reader will read, with where each of its characters was typed.

Screening must judge what is published, not how it was typed: `943*4*765919` is shown as
943<em>4</em>765919, `943\\-476` as 943-476 and `&#57;` as 9. A Reading is that text, normalised
so disguises fall away (NFKC, so full-width and other compatibility forms are plain; every
script's digits as 0-9; dashes as "-"; every space as " "; invisible format characters gone),
with the source offsets of each character, so a hold found in it is marked and redacted in what
the writer typed. Link addresses are kept apart (`addresses`): readers do not see them as text,
but they are published in the page (or are the point of the link) and are screened too.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass
class Reading:
    """Normalised text; `starts[i]`/`ends[i]` are the source span character i stands for."""

    text: str
    starts: list[int]
    ends: list[int]
    addresses: list[Reading] = field(default_factory=list)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Where text[start:end] was typed."""
        first = self.starts[start]
        return first, max(first, self.ends[end - 1])

    def part(self, start: int, end: int) -> Reading:
        """text[start:end], still mapped to the source."""
        return Reading(self.text[start:end], self.starts[start:end], self.ends[start:end])


# Characters that NFKC leaves alone but that read as a dash, a dot or a slash between digits.
_LOOK_ALIKE = {
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\u2e3a\u2e3b\ufe58", "-"),
    **dict.fromkeys("\ufe63\uff0d\u02d7\u2796", "-"),
    **dict.fromkeys("\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff65\u2024", "."),
    **dict.fromkeys("\u2044\u2215\u29f8", "/"),
}
# Invisible but not category Cf: combining grapheme joiner, Hangul fillers, variation selectors.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u3164\uffa0" + "".join(map(chr, range(0xFE00, 0xFE10))))


@lru_cache(maxsize=8192)
def normal(char: str) -> str:
    """One character as screening reads it (maybe none, maybe several)."""
    if char.isascii():
        return char
    if char in _LOOK_ALIKE:
        return _LOOK_ALIKE[char]
    category = unicodedata.category(char)
    if category == "Cf" or char in _INVISIBLE:  # zero-width spaces and joiners, soft hyphen, BOM
        return ""
    if category == "Nd":
        return str(unicodedata.digit(char))
    if category == "Zs":
        return " "
    if category in ("Zl", "Zp"):
        return "\n"
    folded = unicodedata.normalize("NFKC", char)
    if folded == char:
        return char
    return "".join(normal(piece) for piece in folded)


@lru_cache(maxsize=4096)
def _combining(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char) in ("Mn", "Me")


def _bare(char: str) -> bool:
    """Whether marks on this character are noise: it is ASCII or a digit."""
    return char.isascii() or char.isdigit()


class Builder:
    """Appends normalised characters with the source span each stands for."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def copy(self, source: str, start: int, end: int) -> None:
        """source[start:end] as it is: ASCII needs no normalising."""
        if start < end:
            self.parts.append(source[start:end])
            self.starts.extend(range(start, end))
            self.ends.extend(range(start + 1, end + 1))

    def each(self, source: str, start: int, end: int) -> None:
        """source[start:end], each character normalised and mapped to itself.

        A combining mark on a Latin letter or a digit (9\u0336, a strike-through) is dropped:
        the digit is still read. On other scripts' letters marks are part of the spelling.
        """
        bare = start > 0 and _bare(source[start - 1])
        for i in range(start, end):
            char = source[i]
            if _combining(char):
                if bare:
                    continue
            else:
                bare = _bare(char)
            self.put(normal(char), i, i + 1)

    def put(self, chars: str, start: int, end: int) -> None:
        """`chars` (already normalised) standing for source[start:end] together."""
        if chars:
            self.parts.append(chars)
            self.starts.extend([start] * len(chars))
            self.ends.extend([end] * len(chars))

    def stands_for(self, chars: str, start: int, end: int) -> None:
        """`chars` (as decoded, not yet normalised) standing for source[start:end]."""
        self.put("".join(normal(char) for char in chars), start, end)

    def reading(self, addresses: list[Reading] | None = None) -> Reading:
        return Reading("".join(self.parts), self.starts, self.ends, addresses or [])


_ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
# A link's address: escapes, anything but brackets and spaces, one level of (balanced) brackets;
# then an optional title. Every repeat is possessive over disjoint classes, so it cannot backtrack.
_TARGET = r"(?:\\.|[^()\s\\]|\((?:\\.|[^()\s\\])*+\)){0,500}+"
_MARKDOWN = re.compile(
    r"(?P<escape>\\[!-/:-@\[-`{-~])"
    rf"|(?P<entity>{_ENTITY})"
    r"|(?P<link>(?P<image>!)?\[(?P<label>(?:\\.|[^\[\]\\\n]|\n(?!\n)){0,200}+)\]"
    rf"\([ \t]*+(?P<target>{_TARGET})(?:[ \t\n]++(?:\"[^\"\n]*+\"|'[^'\n]*+'))?[ \t]*+\))"
    r"|<(?P<auto>[A-Za-z][A-Za-z0-9+.-]{1,31}+:[^\s<>]{1,1000}+)>"
    r"|(?P<marker>[*_~`]++)"
    r"|(?P<other>[^\x00-\x7f]++)"
)
_PLAIN = re.compile(rf"(?P<entity>{_ENTITY})|(?P<other>[^\x00-\x7f]++)")
_ADDRESS_PARTS = re.compile(rf"(?P<escape>\\[!-/:-@\[-`{{-~]])|(?P<entity>{_ENTITY})")


def read_markdown(source: str) -> Reading:
    """A comment's markdown as readers see it: escapes and entities decoded, emphasis and code
    markers gone, a link's text kept and its address set aside in `addresses`. Raw HTML is
    shown as typed (render.py escapes it), so tags stay in the text."""
    builder, addresses = Builder(), []
    _scan(_MARKDOWN, source, 0, len(source), builder, addresses)
    return builder.reading(addresses)


def read_plain(text: str) -> Reading:
    """Plain text (a name, a questionnaire answer): nothing is markup, but character entities
    are still decoded, as a disguise, and the text is normalised like a comment's."""
    builder: Builder = Builder()
    _scan(_PLAIN, text, 0, len(text), builder, [])
    return builder.reading()


def _scan(
    pattern: re.Pattern[str],
    source: str,
    start: int,
    end: int,
    builder: Builder,
    addresses: list[Reading],
) -> None:
    cursor = start
    for m in pattern.finditer(source, start, end):
        builder.copy(source, cursor, m.start())
        cursor = m.end()
        kind = m.lastgroup
        if kind == "escape":
            builder.stands_for(m.group()[1], m.start(), m.end())
        elif kind == "entity":
            builder.stands_for(html.unescape(m.group()), m.start(), m.end())
        elif kind == "other":
            builder.each(source, m.start(), m.end())
        elif kind == "auto":
            # Shown as its own address, and linked to it.
            builder.each(source, m.start("auto"), m.end("auto"))
            addresses.append(read_address(source, m.start("auto"), m.end("auto")))
        elif m.group("link") is not None:
            # An image becomes its alt text (see render.py): its address is never shown.
            _scan(pattern, source, m.start("label"), m.end("label"), builder, addresses)
            if m.group("image") is None:
                addresses.append(read_address(source, m.start("target"), m.end("target")))
        # emphasis and code markers are not shown: nothing is added
    builder.copy(source, cursor, end)


def read_address(source: str, start: int, end: int) -> Reading:
    """A link address as the browser follows it: backslash escapes and entities decoded."""
    builder = Builder()
    cursor = start
    for m in _ADDRESS_PARTS.finditer(source, start, end):
        builder.each(source, cursor, m.start())
        cursor = m.end()
        if m.lastgroup == "escape":
            builder.stands_for(m.group()[1], m.start(), m.end())
        else:
            builder.stands_for(html.unescape(m.group()), m.start(), m.end())
    builder.each(source, cursor, end)
    return builder.reading()
