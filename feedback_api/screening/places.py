"""Full postcodes and street addresses: where someone lives.

- postcode: a full postcode (outward and inward code), any case, the space optional (or any
  space, a line break, a hyphen as in a web address, a dot). The outward code alone is not held:
  people share their area.
- address: "[Flat N,] <1-3 digit house number>[letter] <1-3 name words> <street word>". Name
  words are capitalised; lowercase ones are accepted only before an unambiguous street word
  (road, street, lane...) and never when one is a function word or unit ("people in the street").
- Welsh addresses put the street word first: "[Fflat N,] <number> <Heol|Stryd|Ffordd|Lôn...>
  [y|yr|'r] <1-3 capitalised name words>" ("12 Heol y Frenhines", "3 Stryd Fawr"). The street
  word must be capitalised too: "ffordd" is also "way", so "5 ffordd o deithio" (five ways to
  travel) is not an address, as "5 people in the street" is not in English.
"""

from __future__ import annotations

import re

from .holds import Hold

# Royal Mail's letter rules: no Q, V, X first; no I, J, Z second; inward letters never C, I, K,
# M, O or V.
_POSTCODE = re.compile(
    r"(?<![a-z0-9])"
    r"(?:GIR(?:[ \t\n]{0,3}+|-)0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"(?:[ \t\n]{0,3}+|[-.])[0-9][ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def postcodes(text: str) -> list[Hold]:
    """Full postcodes."""
    return [Hold("postcode", m.group(), m.start(), m.end()) for m in _POSTCODE.finditer(text)]


_STREET_WORDS = (
    "Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Court|Gardens|Grove"
    "|Place|Terrace|Hill|Park|Row|Walk|Square|Mews|View|Rise"
)
# Street words that are seldom anything else, so lowercase street names before them are trusted.
_PLAIN_STREET_WORD = re.compile(r"road|rd|street|lane|ln|avenue|ave|crescent|terrace|gardens|mews")
# Lowercase words that say the number counts something ("5 people in the street"), not a house.
_NOT_STREET_NAME = re.compile(
    r"the|an?|in|on|at|of|to|into|onto|up|down|along|across|around|from|by|per|and|or|but"
    r"|my|our|your|his|her|their|its|this|that|these|those|every|each|other|more|less|than|very"
    r"|is|was|are|were|be|been|we|i|you|he|she|they|it|me|us|them"
    r"|mins?|minutes?|hours?|hrs?|days?|weeks?|months?|years?|seconds?|times?|people|persons?"
    r"|miles?|metres?|meters?|km|yards?|steps?|cars?|bus(?:es)?|lanes?|roads?|streets?",
    re.IGNORECASE,
)
_SPACE = r"(?:[ \t]++\n?+[ \t]*+|\n[ \t]*+)"  # spaces, or one line break
_ADDRESS = re.compile(
    r"(?=[\dfau])(?<![\w£$.,/:-])"
    rf"(?:(?:flat|apartment|apt|unit)\.?{_SPACE}\d{{1,4}}[a-z]?,?{_SPACE})?"
    r"\d{1,3}[a-z]?"  # a house number, not a year
    rf"(?P<names>(?:{_SPACE}[^\W\d_][\w'\u2019-]*\.?){{1,3}}?)"
    rf"{_SPACE}(?P<street>{_STREET_WORDS})\b",
    re.IGNORECASE,
)


def _street_name_ok(names: list[str], street: str) -> bool:
    """Capitalised names pass; lowercase ones only before a plain street word, never 'in the'."""
    if any(name.endswith(".") and name.lower() != "st." for name in names):
        return False
    if all(name[0].isupper() for name in names):
        return True
    return bool(_PLAIN_STREET_WORD.fullmatch(street.lower())) and not any(
        _NOT_STREET_NAME.fullmatch(name) for name in names
    )


def addresses(text: str) -> list[Hold]:
    """A house number and a street."""
    return [
        Hold("address", m.group(), m.start(), m.end())
        for m in _ADDRESS.finditer(text)
        if _street_name_ok(m.group("names").split(), m.group("street"))
    ]


# Welsh street words (with their soft-mutated forms after "y"/"yr" where a street name uses them).
_WELSH_STREET_WORDS = (
    "Heol|Stryd|Ffordd|L\u00f4n|Lon|Rhodfa|Cilgant|Teras|Clos|Llwybr|Maes|Sgw\u00e2r|Cwrt|Rhes"
)
_WELSH_ADDRESS = re.compile(
    r"(?<![\w\u00a3$.,/:-])"
    rf"(?:(?:[Ff]flat|[Uu]ned)\.?{_SPACE}\d{{1,4}}[a-z]?,?{_SPACE})?"
    r"\d{1,3}[a-z]?"
    rf"{_SPACE}(?:{_WELSH_STREET_WORDS})"
    rf"(?:{_SPACE}(?:y|yr|'r|\u2019r))?"
    rf"(?P<names>(?:{_SPACE}[^\W\d_][\w'\u2019-]*){{1,3}})",
)


def welsh_addresses(text: str) -> list[Hold]:
    """A house number and a Welsh street: the street word first, then its capitalised name
    (the name ends at the first word that is not capitalised)."""
    found = []
    for m in _WELSH_ADDRESS.finditer(text):
        names = m.group("names")
        end = m.start("names")
        for word in re.finditer(r"\S+", names):
            if not word.group()[0].isupper():
                break
            end = m.start("names") + word.end()
        if end > m.start("names"):
            found.append(Hold("address", text[m.start() : end], m.start(), end))
    return found
