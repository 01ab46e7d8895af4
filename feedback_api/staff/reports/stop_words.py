"""The stop words of each language the site's pages are written in, for the frequent-words
report: words that say nothing about what people think of a service ("the", "a'r", "i'm").

A language's list comes from `stopwordsiso` (stopwords-iso, MIT), except English and Welsh,
which are published lists kept in `stop_lists/` (see its SOURCES.md for where each comes from
and why). A language with no list (Punjabi, for one) has none: its words are all counted.
"""

from __future__ import annotations

import functools
from pathlib import Path

import stopwordsiso

from contract import languages

LISTS = Path(__file__).with_name("stop_lists")
KEPT = {"en", "cy"}  # the languages whose lists are kept in LISTS
DEFAULT = "en"  # the language of an answer with none (no tag recorded, nor the site's)


def _read(code: str) -> frozenset[str]:
    """A list kept here: a word at the start of each line; anything after `|` is a comment
    (Snowball's format)."""
    words = set()
    for line in (LISTS / f"{code}.txt").read_text(encoding="utf-8").splitlines():
        word = line.split("|", 1)[0].strip()
        if word:
            words.add(word.casefold())
    return frozenset(words)


@functools.cache
def stop_words(tag: str | None) -> frozenset[str]:
    """The stop words of the language of `tag` ("en-GB" is English), case-folded."""
    code = languages.primary(tag) if tag else DEFAULT
    if code in KEPT:
        return _read(code)
    if stopwordsiso.has_lang(code):
        return frozenset(word.casefold() for word in stopwordsiso.stopwords(code))
    return frozenset()
