"""Tags of a translated post: its own words ("brechiadau"), with their own pages in the
language's folder (/cy/blog/tag/brechiadau/), listing the posts in that language that use them.

Pelican makes tag pages only from the posts in the site's language; a Welsh post's tags would
otherwise link to pages that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LanguageTag:
    """A tag as the templates use one (name, slug, url), with where its page is written."""

    name: str
    slug: str
    url: str
    save_as: str

    def __str__(self) -> str:
        return self.name


def localise(items: list[Any], settings: dict[str, Any], default: str) -> None:
    """Give each item not in the site's language its tags in its language's folder."""
    url, save_as = settings.get("TAG_URL"), settings.get("TAG_SAVE_AS")
    if not url or not save_as:
        return
    for item in items:
        code = getattr(item, "lang_code", default)
        if code == default or not getattr(item, "tags", None):
            continue
        item.tags = [
            LanguageTag(
                str(tag),
                tag.slug,
                f"{code}/" + url.format(slug=tag.slug),
                f"{code}/" + save_as.format(slug=tag.slug),
            )
            for tag in item.tags
        ]


def pages(items: list[Any], code: str) -> dict[LanguageTag, list[Any]]:
    """Each tag of the items in language `code`, with those items, newest first."""
    found: dict[LanguageTag, list[Any]] = {}
    for item in items:
        if getattr(item, "lang_code", None) != code:
            continue
        for tag in getattr(item, "tags", None) or []:
            if isinstance(tag, LanguageTag):
                found.setdefault(tag, []).append(item)
    for listed in found.values():
        listed.sort(key=lambda item: item.date, reverse=True)
    return found
