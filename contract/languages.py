"""The languages a site may be written in: each one's tag, its name in itself, its name in
English (for staff) and its writing direction. The build, the API and the cross-poster name
languages from here, so "cy" is Cymraeg, left to right, everywhere.

A page's language is its Pelican `Lang:` (the site's `DEFAULT_LANG` when it has none). Tags are
BCP 47 as editors write them ("en-GB", "cy", "ur"); `primary` gives the ISO 639-1 code platforms
and stop-word lists are keyed by ("en").
"""

from __future__ import annotations

from dataclasses import dataclass


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
