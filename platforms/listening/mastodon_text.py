"""A Mastodon status's HTML `content` as the plain text staff read and screening checks.

Mastodon serves a status as sanitised HTML (docs.joinmastodon.org entities/Status#content):
paragraphs and line breaks, links whose visible text hides part of the address in
`invisible` and `ellipsis` spans, mentions and hashtags as links whose visible text is what
the author wrote. Remote servers may send more. Here: tags out, entities decoded, a paragraph a
blank line, a link written out as its whole href, a mention or hashtag as written, scripts and
styles dropped with their content, and the `quote-inline` fallback paragraph of a quote post
dropped too (client/quotes: clients should hide it, the quote is shown on its own)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_DROPPED = {"script", "style", "template", "noscript"}
_BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "wbr"}
_BLANKS = re.compile(r"[ \t\r\f\v]+")
_BREAKS = re.compile(r"\n{3,}")


class _Text(HTMLParser):
    """Collects the text of an HTML fragment, tracking the links and dropped elements it is in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._open: list[str] = []  # the open tags, so a dropped element's end is found
        self._dropping = 0  # depth at which a dropped element began (0: not dropping)
        self._link: tuple[str, bool, list[str]] | None = None  # href, is a mention, its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br" and not self._dropping:
                self._write("\n")
            return
        self._open.append(tag)
        values = {name: value or "" for name, value in attrs}
        classes = set(values.get("class", "").split())
        if not self._dropping and (tag in _DROPPED or "quote-inline" in classes):
            self._dropping = len(self._open)
        if self._dropping:
            return
        if tag in _BLOCKS:
            self._write("\n\n")
        elif tag == "a" and self._link is None:
            self._link = (values.get("href", ""), bool({"mention", "hashtag"} & classes), [])

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self._open:
            return
        while self._open:  # close whatever was left open inside it, as browsers do
            closed = self._open.pop()
            if self._dropping and len(self._open) < self._dropping:
                self._dropping = 0
            elif not self._dropping:
                if closed == "a" and self._link is not None:
                    self._end_link()
                if closed in _BLOCKS:
                    self._write("\n\n")
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._dropping:
            return
        if self._link is not None:
            self._link[2].append(data)
        else:
            self._write(data)

    def close(self) -> None:
        super().close()
        if self._link is not None:
            self._end_link()

    def _write(self, text: str) -> None:
        self.pieces.append(text)

    def _end_link(self) -> None:
        assert self._link is not None
        href, mention, parts = self._link
        self._link = None
        shown = "".join(parts).strip()
        if mention or not href:
            self._write(shown)
        elif not shown or _same_address(shown, href):
            self._write(href)
        else:  # a link with words of its own (from another server): keep both
            self._write(f"{shown} ({href})")


def _same_address(shown: str, href: str) -> bool:
    """Whether a link's visible text is its address, perhaps without the scheme or cut short
    (Mastodon hides `https://` and shortens long addresses)."""
    bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", href, flags=re.IGNORECASE)
    shown = re.sub(r"^[a-z][a-z0-9+.-]*://", "", shown.rstrip("\u2026."), flags=re.IGNORECASE)
    return bool(shown) and bare.startswith(shown)


def plain(content: str) -> str:
    """The plain text of a status's HTML content."""
    parser = _Text()
    parser.feed(content or "")
    parser.close()
    lines = [_BLANKS.sub(" ", line).strip() for line in "".join(parser.pieces).split("\n")]
    return _BREAKS.sub("\n\n", "\n".join(lines)).strip()
