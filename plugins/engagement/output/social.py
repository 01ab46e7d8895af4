"""Social copy carried in the manifest: hashtags from tags and any per-platform text."""

from __future__ import annotations

from typing import Any

from contract.social import hashtag
from contract.vocabulary import PLATFORMS

__all__ = ["hashtag", "social_copy"]


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
