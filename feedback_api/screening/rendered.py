"""Belt and braces: the comment's real rendered HTML, screened for what the reading missed.

reading.py imitates the renderer; if the two ever disagree (a markdown corner it does not know),
the published HTML is what matters. Anything found there and not already held is held too, at the
best span that can be found for it in the source, or with an empty span (listed, not marked).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote

from ..render import render_comment
from .holds import Hold
from .personal import personal_data
from .reading import Reading, read_markdown, read_plain

_BLOCKS = frozenset({"p", "li", "blockquote", "ul", "ol"})
_KEY_MAX = 80


class _Visible(HTMLParser):
    """The text a browser shows for the HTML, and the addresses of its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.hrefs.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _significant(kind: str, match: str) -> str:
    """A hold's letters and digits (digits alone for numbers), decoded, however written."""
    text = read_plain(unquote(html.unescape(match))).text
    if kind in ("nhs_number", "phone"):
        return re.sub(r"\D", "", text)
    return re.sub(r"[^0-9a-z]", "", text.lower())


def key(kind: str, match: str) -> str:
    """What a hold found: a phone number by its last nine digits, so +44 and 0 agree."""
    found = _significant(kind, match)
    return found[-9:] if kind == "phone" else found


def missed_in_html(body: str, found: list[Hold], markup: str | None = None) -> list[Hold]:
    """Personal data in the rendered comment (`markup`, else rendered now) not in `found`."""
    visible = _Visible()
    visible.feed(render_comment(body) if markup is None else markup)
    visible.close()
    text = "".join(visible.parts)
    there = personal_data(read_plain(text), text)
    for href in visible.hrefs:
        there += personal_data(read_plain(href), href)
    known = {(hold.kind, key(hold.kind, hold.match)) for hold in found}
    missed, reading = [], None
    for hold in there:
        wanted = key(hold.kind, hold.match)
        if (hold.kind, wanted) in known or not wanted:
            continue
        known.add((hold.kind, wanted))
        reading = reading or read_markdown(body)
        chars = _significant(hold.kind, hold.match)
        span = _locate(reading, chars) or _locate(read_plain(body), chars)
        if span is None:
            missed.append(Hold(hold.kind, hold.match, 0, 0))
        else:
            missed.append(Hold(hold.kind, body[span[0] : span[1]], *span))
    return missed


def _locate(reading: Reading, wanted: str) -> tuple[int, int] | None:
    """The source span of `wanted`'s letters and digits in order, whatever lies between them."""
    pattern = r"[^0-9a-z]{0,12}".join(re.escape(char) for char in wanted[:_KEY_MAX])
    m = re.search(pattern, reading.text, re.IGNORECASE)
    return reading.source_span(m.start(), m.end()) if m else None
