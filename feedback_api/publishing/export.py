"""The approved comments, written for the build to bake into pages (`comments export-site`, and
every workspace build before it runs Pelican)."""

from __future__ import annotations

import json
from pathlib import Path

from feedback_api.public.comments import public_list
from feedback_api.storage.comments import approved_comments
from feedback_api.storage.pages import pages_with_approved_comments

VERSION = 1


def write_site_export(target: Path) -> int:
    """Write the export atomically; how many pages have comments."""
    pages = {
        url: public_list(url, list(approved_comments(url)))
        for url in pages_with_approved_comments()
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    partial.write_text(
        json.dumps({"version": VERSION, "pages": pages}, ensure_ascii=False), encoding="utf-8"
    )
    partial.replace(target)
    return len(pages)
