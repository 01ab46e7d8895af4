"""The site's search index (`output/search.json`, shaped by `contract.search`): what the search
page's script searches in the browser and the API searches for readers without JavaScript.

Built from the content objects once they are complete, so it holds exactly the published pages
(not drafts or hidden ones) and only what editors wrote: baked reader comments are added by the
templates, never to `content`, so they cannot reach the index.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

from markupsafe import Markup

from contract import search

__all__ = ["build", "entry", "plain_text", "write"]

# Elements whose text is not prose a reader sees (or searches for), comments, and tags (an
# attribute's value may hold ">", inside its quotes). The HTML is Python-Markdown's own output,
# so regular expressions read it well, and about twenty times faster than html.parser: the
# whole site's index is made at every rebuild.
_SKIPPED = re.compile(
    r"<(script|style|template|noscript|iframe|svg)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>?""")


def plain_text(html: str, limit: int = search.TEXT_LENGTH) -> str:
    """The words of `html`, each tag a word break (`<td>a</td><td>b</td>` is "a b"), character
    references read, whitespace collapsed, cut at a word break to at most `limit`."""
    prose = _TAG.sub(" ", _COMMENT.sub(" ", _SKIPPED.sub(" ", html or "")))
    text = " ".join(unescape(prose).split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0]
    return cut if cut and len(cut) <= limit else text[:limit]


def entry(item: Any) -> dict[str, Any]:
    """One page as the index holds it (attributes set by the plugin's `build`)."""
    date = getattr(item, "date", None) if item.kind != "page" else None
    summary = Markup(getattr(item, "summary", "") or "").striptags()
    return {
        "url": item.url_path,
        "title": Markup(item.title).striptags(),
        "summary": summary or None,
        "kind": item.kind,
        "date": date.date().isoformat() if date else None,
        "text": plain_text(getattr(item, "content", "") or ""),
        "lang": getattr(item, "lang_code", None),
    }


def build(items: list[Any]) -> list[dict[str, Any]]:
    """The published items' entries, newest first then by address: the same bytes for the same
    content, whatever order Pelican read the files in."""
    published = [item for item in items if getattr(item, "status", "published") == "published"]
    entries = sorted((entry(item) for item in published), key=lambda found: found["url"])
    return sorted(entries, key=lambda found: found["date"] or "", reverse=True)


def write(output: Path, entries: list[dict[str, Any]]) -> None:
    """`search.json` at the top of the output, where the pages and the API look for it."""
    search.write(output / search.INDEX_NAME, entries)
