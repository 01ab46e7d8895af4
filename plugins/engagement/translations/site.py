"""The languages of one site: its own (`DEFAULT_LANG`) and those in `ENGAGE_LANGUAGES`, each
with where its pages live and its feed.

Pelican writes a translation at the `*_LANG_URL` settings; when a site leaves those at Pelican's
defaults (`{slug}-{lang}.html`), they are made the site's own addresses under the language's
folder (`cy/blog/{slug}/`), so every language has the same tidy URLs.
"""

from __future__ import annotations

from typing import Any

from contract import languages

# Pelican's own defaults for where a translation is written, and the setting each derives from.
LANG_SETTINGS = {
    "ARTICLE_LANG_URL": ("ARTICLE_URL", "{slug}-{lang}.html"),
    "ARTICLE_LANG_SAVE_AS": ("ARTICLE_SAVE_AS", "{slug}-{lang}.html"),
    "DRAFT_LANG_URL": ("DRAFT_URL", "drafts/{slug}-{lang}.html"),
    "DRAFT_LANG_SAVE_AS": ("DRAFT_SAVE_AS", "drafts/{slug}-{lang}.html"),
    "PAGE_LANG_URL": ("PAGE_URL", "pages/{slug}-{lang}.html"),
    "PAGE_LANG_SAVE_AS": ("PAGE_SAVE_AS", "pages/{slug}-{lang}.html"),
    "DRAFT_PAGE_LANG_URL": ("DRAFT_PAGE_URL", "drafts/pages/{slug}-{lang}.html"),
    "DRAFT_PAGE_LANG_SAVE_AS": ("DRAFT_PAGE_SAVE_AS", "drafts/pages/{slug}-{lang}.html"),
}
FEED = "feeds/all-{lang}.atom.xml"


def check(settings: dict[str, Any]) -> list[str]:
    """Faults in ENGAGE_LANGUAGES, each a sentence; then the translation settings completed
    (only when there are no faults)."""
    default = settings.get("DEFAULT_LANG") or "en"
    faults, seen = [], {languages.primary(default)}
    for tag in settings["ENGAGE_LANGUAGES"]:
        if languages.valid(tag) is None:
            faults.append(
                f"settings: ENGAGE_LANGUAGES has {tag!r}, which is not a language tag: "
                "write tags such as 'cy' (Welsh), 'ur' (Urdu) or 'pl' (Polish)."
            )
        elif languages.primary(tag) in seen:
            faults.append(
                f"settings: ENGAGE_LANGUAGES names {tag!r} twice, or it is the site's own "
                f"language (DEFAULT_LANG {default!r}): list each other language once."
            )
        else:
            seen.add(languages.primary(tag))
    if not faults:
        _complete(settings)
    return faults


def _complete(settings: dict[str, Any]) -> None:
    for name, (base, pelican_default) in LANG_SETTINGS.items():
        if settings.get(name, pelican_default) == pelican_default and settings.get(base):
            settings[name] = "{lang}/" + settings[base]
    if not settings.get("TRANSLATION_FEED_ATOM"):
        settings["TRANSLATION_FEED_ATOM"] = FEED


def codes(settings: dict[str, Any]) -> list[str]:
    """Every language's tag, the site's first."""
    return [settings.get("DEFAULT_LANG") or "en", *settings["ENGAGE_LANGUAGES"]]


def code_of(tag: str, settings: dict[str, Any]) -> str | None:
    """The site's own spelling of `tag` ("CY" and "cy-GB" are "cy"; "en" on an en-GB site is
    "en-GB"), or None when the site does not have that language."""
    return next((code for code in codes(settings) if languages.same(code, tag)), None)


def manifest_form(
    settings: dict[str, Any], overlays: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """`site.languages` of the manifest: each language with its names, direction, folder and
    feed of posts, and (from `overlays`) what its pages say differently, so the API's pages in
    it look like the site's."""
    default = codes(settings)[0]
    found = []
    for code in codes(settings):
        shown = (overlays or {}).get(code)
        says = (
            {
                "sitename": shown["SITENAME"],
                "description": shown.get("SITE_DESCRIPTION") or "",
                "navigation": [list(link) for link in shown["ENGAGE_NAVIGATION"]],
                "footer_links": [list(link) for link in shown["ENGAGE_FOOTER_LINKS"]],
            }
            if shown
            else {}
        )
        language = languages.language(code)
        found.append(
            {
                "code": code,
                "name": language.name,
                "english": language.english,
                "direction": language.direction,
                "prefix": "/" if code == default else f"/{code}/",
                "feed": FEED.format(lang=code),
                **says,
            }
        )
    return found
