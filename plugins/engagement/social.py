"""Social copy carried in the manifest: hashtags from tags and any per-platform text."""

from __future__ import annotations

import re
from typing import Any

from .fields import PLATFORMS

WORD = re.compile(r"[^\W_]+")


def hashtag(tag: str) -> str | None:
    """'urgent care' -> '#UrgentCare': CamelCase so screen readers say the words apart."""
    words = WORD.findall(tag)
    if not words:
        return None
    return "#" + "".join(word[:1].upper() + word[1:] for word in words)


def social_copy(metadata: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    """{'hashtags': [...], 'text': {platform: text}} for the cross-poster."""
    tags_seen: list[str] = []
    for tag in tags:
        made = hashtag(tag)
        if made and made.lower() not in (seen.lower() for seen in tags_seen):
            tags_seen.append(made)
    text = {
        platform: " ".join(str(metadata[f"social_{platform}"]).split())
        for platform in PLATFORMS
        if metadata.get(f"social_{platform}")
    }
    return {"hashtags": tags_seen, "text": text}
