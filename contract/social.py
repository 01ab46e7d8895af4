"""Social copy as the manifest carries it, and as the cross-poster makes it when the manifest
has none: hashtags from a post's tags."""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W_]+")


def hashtag(tag: str) -> str | None:
    """'urgent care' -> '#UrgentCare': CamelCase so screen readers say the words apart."""
    words = WORD.findall(tag)
    if not words:
        return None
    return "#" + "".join(word[:1].upper() + word[1:] for word in words)
