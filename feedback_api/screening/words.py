"""Watched words: each whole-word, case-insensitive occurrence of a configured word or phrase."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from .holds import Hold


@lru_cache(maxsize=32)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all the words, longest first, so a phrase wins over a word inside it."""
    cleaned = sorted(
        {" ".join(word.split()) for word in words if word.strip()}, key=len, reverse=True
    )
    if not cleaned:
        return None
    parts = [r"\s+".join(re.escape(piece) for piece in word.split(" ")) for word in cleaned]
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE)


def watched_words(text: str, words: Sequence[str]) -> list[Hold]:
    """Every occurrence of the words in `text`."""
    pattern = _words_pattern(tuple(words))
    if pattern is None:
        return []
    return [Hold("word", m.group(), m.start(), m.end()) for m in pattern.finditer(text)]
