"""Each page's versions in the site's languages, for its `<html lang dir>`, its `hreflang`
alternates, the language switcher and the manifest.

Pelican joins a page with its translations (same slug); here each version learns its language's
names and direction, and the switcher lists every language of the site in the site's order,
with the address of this page in it or, where there is none yet, nothing to follow: a reader
sees which languages this page is in rather than landing on a missing page.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from contract import languages
from engagement.translations import overlay, site


def complete(items: list[Any], settings: dict[str, Any]) -> None:
    """Give each item `lang_code` (the site's spelling of its language), `language`,
    `direction`, `alternates` (every version, its own first) and `versions` (one entry per site
    language, for the switcher)."""
    codes = site.codes(settings)
    for item in items:
        code = site.code_of(item.lang, settings) or item.lang
        item.lang_code = code
        item.language = languages.language(code)
        item.direction = item.language.direction
        by_code = {code: item.url_path}
        for other in getattr(item, "translations", []):
            other_code = site.code_of(other.lang, settings) or other.lang
            by_code.setdefault(other_code, getattr(other, "url_path", "/" + other.url))
        item.alternates = [
            {"code": tag, "url": by_code[tag]} for tag in [code, *codes] if tag in by_code
        ]
        item.alternates = list({entry["code"]: entry for entry in item.alternates}.values())
        item.versions = [_version(tag, by_code.get(tag), tag == code) for tag in codes]


def _version(code: str, url: str | None, current: bool) -> dict[str, Any]:
    language = languages.language(code)
    return {
        "code": code,
        "name": language.name,
        "english": language.english,
        "direction": language.direction,
        "url": url,
        "current": current,
    }


def own_page(settings: dict[str, Any], name: str, code: str) -> Any | None:
    """The site's own page `name` (home, index...) in language `code`, with its versions in
    every language, as a page's language facts (the templates treat it like a page); None for a
    page not written in each language."""
    if name not in overlay.LOCALISED or len(site.codes(settings)) < 2:
        return None
    key = f"{name.upper()}_URL"
    by_code = {
        tag: "/"
        + overlay.own_pages(settings, tag).get(
            key, overlay.own_pages(settings, tag)["ENGAGE_HOME_URL"]
        )
        for tag in site.codes(settings)
    }
    page = SimpleNamespace(lang_code=code, translations=[], url_path=by_code[code])
    page.language = languages.language(code)
    page.direction = page.language.direction
    page.alternates = [{"code": code, "url": by_code[code]}] + [
        {"code": tag, "url": url} for tag, url in by_code.items() if tag != code
    ]
    page.versions = [_version(tag, by_code[tag], tag == code) for tag in site.codes(settings)]
    if name == "notfound":  # a missing page has no versions to offer, only its language
        page.alternates = page.alternates[:1]
    return page


def addresses(items: list[Any]) -> dict[str, dict[str, str]]:
    """Each page's address (as settings write them: "about/") with its versions' by language."""
    return {
        item.url_path.lstrip("/"): {v["code"]: v["url"].lstrip("/") for v in item.alternates}
        for item in items
    }


def manifest_translations(item: Any) -> dict[str, str]:
    """The other versions of `item`: language code to address."""
    return {entry["code"]: entry["url"] for entry in item.alternates[1:]}
