"""What differs on a language's pages besides the page itself: the site's name, description,
navigation and footer in that language (`ENGAGE_LANGUAGE_SETTINGS`), and the addresses of the
site's own pages (home, news, consultations...) in its folder.

The writer lays a language's overlay over the context of every file it renders in that language,
so a template that links `SITEURL ~ "/" ~ CONSULTATIONS_URL` reaches the Welsh list from a Welsh
page, and the header rendered once per language names the Welsh navigation.
"""

from __future__ import annotations

from typing import Any

from engagement.translations import site

# What a language's settings may give; the rest of the site's settings are the same in each.
TRANSLATABLE = (
    "SITENAME",
    "SITE_DESCRIPTION",
    "ENGAGE_NAVIGATION",
    "ENGAGE_FOOTER_LINKS",
    "ENGAGE_CATEGORIES",
)
# The site's own pages written again in each language's folder (translations/direct.py).
LOCALISED = ("home", "index", "consultations", "you_said_we_did", "search", "notfound")


def check(settings: dict[str, Any]) -> list[str]:
    """Faults in ENGAGE_LANGUAGE_SETTINGS, each a sentence."""
    faults = []
    given = settings.get("ENGAGE_LANGUAGE_SETTINGS") or {}
    if not isinstance(given, dict):
        return ["settings: ENGAGE_LANGUAGE_SETTINGS should be a dict of language to settings."]
    for code, values in given.items():
        if code not in settings["ENGAGE_LANGUAGES"]:
            faults.append(
                f"settings: ENGAGE_LANGUAGE_SETTINGS has {code!r}, which is not in "
                "ENGAGE_LANGUAGES: add it there or remove its settings."
            )
            continue
        if not isinstance(values, dict):
            faults.append(f"settings: ENGAGE_LANGUAGE_SETTINGS[{code!r}] should be a dict.")
            continue
        names = values.get("ENGAGE_CATEGORIES")
        if names is not None and (
            not isinstance(names, list) or len(names) != len(settings["ENGAGE_CATEGORIES"])
        ):
            faults.append(
                f"settings: ENGAGE_LANGUAGE_SETTINGS[{code!r}]['ENGAGE_CATEGORIES'] should name "
                f"each of ENGAGE_CATEGORIES in the language, in the same order "
                f"({', '.join(settings['ENGAGE_CATEGORIES'])})."
            )
        for name in values:
            if name not in TRANSLATABLE:
                faults.append(
                    f"settings: ENGAGE_LANGUAGE_SETTINGS[{code!r}] has {name!r}: a language "
                    f"may give {', '.join(TRANSLATABLE)}."
                )
    return faults


def own_pages(settings: dict[str, Any], code: str) -> dict[str, str]:
    """The `<NAME>_URL` settings of the site's own pages in `code`'s folder ("cy/blog/")."""
    folder = "" if code == site.codes(settings)[0] else f"{code}/"
    found = {"ENGAGE_HOME_URL": folder}
    for name in LOCALISED[1:]:
        url = settings.get(f"{name.upper()}_URL")
        if isinstance(url, str):
            found[f"{name.upper()}_URL"] = folder + url
    return found


def overlays(settings: dict[str, Any], addresses: dict[str, dict[str, str]]) -> dict[str, dict]:
    """Per language, what its files see differently. `addresses`: per page address (no leading
    slash), its versions by language, so a navigation link goes to the page in the language
    when there is one."""
    found: dict[str, dict[str, Any]] = {}
    given = settings.get("ENGAGE_LANGUAGE_SETTINGS") or {}
    for code in site.codes(settings):
        own = own_pages(settings, code)
        values = {**{name: settings.get(name) for name in TRANSLATABLE}, **given.get(code, {})}
        moved = {
            url: own[f"{name.upper()}_URL"]
            for name in LOCALISED[1:]
            if (url := settings.get(f"{name.upper()}_URL")) and f"{name.upper()}_URL" in own
        }
        for name in ("ENGAGE_NAVIGATION", "ENGAGE_FOOTER_LINKS"):
            values[name] = [
                (label, _in_language(url, code, moved, addresses)) for label, url in values[name]
            ]
        found[code] = {**values, **own}
    return found


def _in_language(
    url: str, code: str, moved: dict[str, str], addresses: dict[str, dict[str, str]]
) -> str:
    if url in moved:
        return moved[url]
    return addresses.get(url, {}).get(code, url)
