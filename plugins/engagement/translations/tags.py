"""Tags and categories of a translated post: its tags in its own words ("brechiadau") and its
category by the name the language gives it (ENGAGE_LANGUAGE_SETTINGS' ENGAGE_CATEGORIES:
"Newyddion" for News), each with its page in the language's folder (/cy/blog/tag/brechiadau/,
/cy/blog/category/news/) listing the posts in that language.

Pelican makes tag and category pages only from the posts in the site's language; a Welsh post's
tags would otherwise link to pages that do not exist, and its category to an English page.
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


def _in_folder(code: str, kind: str, name: str, slug: str, settings: dict) -> LanguageTag:
    url, save_as = settings[f"{kind}_URL"], settings[f"{kind}_SAVE_AS"]
    return LanguageTag(
        name, slug, f"{code}/" + url.format(slug=slug), f"{code}/" + save_as.format(slug=slug)
    )


def localise(
    items: list[Any], settings: dict[str, Any], default: str, names: dict[str, dict[str, str]]
) -> None:
    """Give each item not in the site's language its tags and category in its language's
    folder; `names`: per language, each category's name in it."""
    tagged = bool(settings.get("TAG_URL") and settings.get("TAG_SAVE_AS"))
    filed = bool(settings.get("CATEGORY_URL") and settings.get("CATEGORY_SAVE_AS"))
    for item in items:
        code = getattr(item, "lang_code", default)
        if code == default:
            continue
        if tagged and getattr(item, "tags", None):
            item.tags = [_in_folder(code, "TAG", str(tag), tag.slug, settings) for tag in item.tags]
        category = getattr(item, "category", None)
        if filed and item.kind == "article" and category and category.name:
            name = names.get(code, {}).get(category.name, category.name)
            item.category = _in_folder(code, "CATEGORY", name, category.slug, settings)


def category_names(settings: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per language, each of ENGAGE_CATEGORIES by the name the language gives it."""
    given = settings.get("ENGAGE_LANGUAGE_SETTINGS") or {}
    return {
        code: dict(zip(settings["ENGAGE_CATEGORIES"], values["ENGAGE_CATEGORIES"], strict=False))
        for code, values in given.items()
        if isinstance(values.get("ENGAGE_CATEGORIES"), list)
    }


def pages(items: list[Any], code: str, kind: str) -> dict[LanguageTag, list[Any]]:
    """Each tag (`kind` "tags") or category ("category") of the items in language `code`, with
    those items, newest first."""
    found: dict[LanguageTag, list[Any]] = {}
    for item in items:
        if getattr(item, "lang_code", None) != code:
            continue
        given = getattr(item, kind, None)
        for tag in (given or []) if kind == "tags" else [given]:
            if isinstance(tag, LanguageTag):
                found.setdefault(tag, []).append(item)
    for listed in found.values():
        listed.sort(key=lambda item: item.date, reverse=True)
    return found
