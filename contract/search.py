"""The site's search index (`search.json`): written by the build beside the pages, read by the
search page's script and by the API's no-JavaScript search.

One file, one shape, so the reader's browser and the API search the same words: for each post,
consultation and page its address, title, summary, kind, date and the plain text of its body
(cut to `TEXT_LENGTH` characters so the file stays small). Nothing a reader wrote (comments) is in
it. Bump `VERSION` when the shape changes incompatibly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VERSION = 1
# Where the build writes it, relative to the output folder (and so its address on the site).
INDEX_NAME = "search.json"
# How much of a page's body text is indexed: its opening, where the words a reader searches for
# are; 1,000 posts make about 1.3 MB (350 KB gzipped), fetched when the search box is first used.
TEXT_LENGTH = 1000
# `lang`: the page's language (absent from indexes made before translations).
FIELDS = ("url", "title", "summary", "kind", "date", "text", "lang")


class SearchIndexError(Exception):
    """The index is missing or not one this release reads; `message` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def dumps(entries: list[dict[str, Any]]) -> str:
    """The file's text: the same bytes for the same entries (compact, keys in `FIELDS` order)."""
    document = {
        "version": VERSION,
        "pages": [{name: entry.get(name) for name in FIELDS} for entry in entries],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def write(path: Path, entries: list[dict[str, Any]]) -> None:
    """Write atomically, so the API or a browser never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(dumps(entries), encoding="utf-8")
    partial.replace(path)


def read(path: Path) -> list[dict[str, Any]]:
    """The entries, each with every field as text (None for a missing date or summary)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SearchIndexError(
            f"the search index {path} does not exist: build the site first (`invoke build`)."
        ) from None
    except (OSError, ValueError) as error:
        raise SearchIndexError(f"the search index {path} could not be read: {error}") from None
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise SearchIndexError(
            f"the search index {path} is not version {VERSION}: rebuild the site with the "
            "matching Engage release."
        )
    entries = []
    for item in document.get("pages") or []:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            entries.append({name: _text(item.get(name)) for name in FIELDS})
    return entries


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
