"""Links: more than a comment normally needs (http/https URLs, www. hosts; a markdown link once).

Counted in the text as typed: this is about spam, not personal data (see addresses.py for that).
"""

from __future__ import annotations

import re

from .holds import Hold

_LINK = re.compile(
    r"\[[^\[\]\n]*\]\((?P<target>[^()\s\[\]]+)\)"  # a markdown link counts once
    r"|(?<![\w@.-])(?:https?://|www\.)[^\s<>\"'\[\]]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)'\""


def links(text: str, max_links: int) -> list[Hold]:
    """One hold listing every link, when there are more than `max_links`."""
    found = []
    for m in _LINK.finditer(text):
        if m.group("target"):
            found.append((m.start(), m.end(), m.group("target")))
        else:
            url = trim_url(m.group())
            found.append((m.start(), m.start() + len(url), url))
    if len(found) <= max_links:
        return []
    return [Hold("links", " ".join(url for _, _, url in found), found[0][0], found[-1][1])]


def trim_url(url: str) -> str:
    """Drop sentence punctuation after a URL, keeping a closing bracket that has its opener."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url
