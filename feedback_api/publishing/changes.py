"""What a check build would change on the published site, page by page, by title: new pages,
edited ones (their source file's revision differs) and removed ones; from the two manifests,
never from the markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _pages(manifest: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    pages = (manifest or {}).get("pages") or []
    return {page["url"]: page for page in pages if isinstance(page, dict) and "url" in page}


def _brief(page: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": page.get("title", page["url"]),
        "url": page["url"],
        "kind": page.get("kind"),
        "source": page.get("source"),
    }


def compare(published: dict[str, Any] | None, staged: dict[str, Any] | None) -> dict[str, Any]:
    """{new, edited, removed: [{title, url, kind, source}], unchanged: count, first: bool}"""
    before, after = _pages(published), _pages(staged)
    edited = [
        _brief(after[url])
        for url in sorted(after.keys() & before.keys())
        if after[url].get("revision") != before[url].get("revision")
        or after[url].get("title") != before[url].get("title")
    ]
    return {
        "first": published is None,
        "new": [_brief(after[url]) for url in sorted(after.keys() - before.keys())],
        "edited": edited,
        "removed": [_brief(before[url]) for url in sorted(before.keys() - after.keys())],
        "unchanged": len(after.keys() & before.keys()) - len(edited),
    }


def count(changes: dict[str, Any]) -> int:
    return len(changes["new"]) + len(changes["edited"]) + len(changes["removed"])
