"""Approved comments baked into the static pages, from an export the API writes
(`flask --app feedback_api comments export-site FILE`), so readers without JavaScript and search
engines see them. The plugin reads the file; it never talks to the database.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from engagement.problems import ContentError

# 1: comments only; 2: with the public responsiveness figures (`output.responsiveness`).
SUPPORTED_VERSIONS = (1, 2)


def load(path: str) -> dict[str, dict[str, Any]]:
    """Comments by page address; {} when no export is configured."""
    return pages_of(read(path))


def read(path: str) -> dict[str, Any]:
    """The export as written, its version checked; {} when no export is configured."""
    if not path:
        return {}
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ContentError(
            f"settings: ENGAGE_COMMENTS_EXPORT {path} could not be read ({error}). Write it with "
            "`flask --app feedback_api comments export-site FILE`, or leave the setting empty."
        ) from None
    if not isinstance(document, dict) or document.get("version") not in SUPPORTED_VERSIONS:
        raise ContentError(f"settings: {path} is not a comments export this build understands.")
    return document


def pages_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Comments by page address, from an export `read` gave."""
    return {url: _prepared(page) for url, page in document.get("pages", {}).items()}


def _prepared(page: dict[str, Any]) -> dict[str, Any]:
    return {"count": page["count"], "comments": [_comment(item) for item in page["comments"]]}


def _comment(item: dict[str, Any]) -> dict[str, Any]:
    # `html` was made by the API's one rendering path (markdown subset, then bleach's allow-list)
    # when the comment was stored; it is marked safe here, in one place, for the templates.
    created = datetime.datetime.fromisoformat(item["created"].replace("Z", "+00:00"))
    return {
        **item,
        "html": Markup(item["html"]),
        "created": created,
        "replies": [_comment(reply) for reply in item.get("replies", [])],
    }
