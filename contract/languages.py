"""The languages a site may be written in: each one's tag, its name in itself, its name in
English (for staff) and its writing direction. The build, the API and the cross-poster name
languages from here, so "cy" is Cymraeg, left to right, everywhere.

A page's language is its Pelican `Lang:` (the site's `DEFAULT_LANG` when it has none). Tags are
BCP 47 as editors write them ("en-GB", "cy", "ur"); `primary` gives the ISO 639-1 code platforms
and stop-word lists are keyed by ("en").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A tag as the manifest's schema has them (language, then subtags of 2 to 8 letters or digits),
# at most 35 characters (RFC 5646's advice for what to store): nothing else reaches a column,
# a `lang` attribute or a platform.
TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
TAG_MAX_LENGTH = 35


@dataclass(frozen=True)
class Language:
    """One language: `name` is what a reader of it calls it ("Cymraeg"), `english` what staff
    call it ("Welsh"), `direction` "ltr" or "rtl"."""

    code: str
    name: str
    english: str
    direction: str = "ltr"


KNOWN = {
    language.code: language
    for language in (
        Language("en", "English", "English"),
        Language("cy", "Cymraeg", "Welsh"),
        Language("ur", "اردو", "Urdu", "rtl"),
        Language("pl", "Polski", "Polish"),
        Language("bn", "বাংলা", "Bengali"),
        Language("pa", "ਪੰਜਾਬੀ", "Punjabi"),
        Language("ar", "العربية", "Arabic", "rtl"),
        Language("ro", "Română", "Romanian"),
        Language("so", "Soomaali", "Somali"),
    )
}


def valid(value: object) -> str | None:
    """`value` as given when it is a well-formed tag, else None."""
    if isinstance(value, str) and len(value) <= TAG_MAX_LENGTH and TAG.fullmatch(value):
        return value
    return None


def canonical(value: object) -> str | None:
    """`value` as BCP 47 writes it (language lower case, script title case, region upper case:
    "EN-gb" and "en_GB" are "en-GB"), or None when it is not a well-formed tag."""
    tag = value.replace("_", "-") if isinstance(value, str) else value
    if valid(tag) is None:
        return None
    first, *rest = str(tag).split("-")
    subtags = [first.lower()]
    for subtag in rest:
        if len(subtag) == 4 and subtag.isalpha():
            subtags.append(subtag.title())  # script: Hant, Latn
        elif (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit()):
            subtags.append(subtag.upper())  # region: GB, 419
        else:
            subtags.append(subtag.lower())
    return "-".join(subtags)


def primary(tag: str) -> str:
    """The language of a BCP 47 tag without its region or script: "en-GB" -> "en"."""
    return tag.replace("_", "-").split("-", 1)[0].lower()


def language(tag: str) -> Language:
    """The known language of `tag` ("en-GB" is English); a tag of a language not listed gets
    itself as its names and is read left to right."""
    known = KNOWN.get(primary(tag))
    return known if known else Language(primary(tag), tag, tag)


def direction(tag: str) -> str:
    """'rtl' for a right-to-left language, else 'ltr'."""
    return language(tag).direction


def same(a: str | None, b: str | None) -> bool:
    """Whether two tags name the same language ("en-GB" and "en" do)."""
    return bool(a and b) and primary(a) == primary(b)
