"""Screening: the reasons a comment needs a moderator's care, found before they read it.

Every comment waits for a moderator anyway; screening points at the personal data and other risks
in it, so nothing slips past a busy moderator. The rules are UK-specific and tuned to hold real
data (NHS numbers, phone numbers, addresses...) while leaving ordinary numbers alone: NHS 111,
prices, times, years, appointment dates and reference numbers are not held.

Rules, in brief:

- nhs_number: 10 digits as 3-3-4, 3-4-3 or unbroken (spaces or hyphens), not touching other
  digits, with a valid Modulus 11 check digit, and not starting with 0 (that is a phone number).
- phone: a UK number starting 0, +44, 0044 or "(0...)"; normalised to 10 or 11 digits starting
  0 then 1-9. Digit groups are split by single spaces or hyphens; the last group has 3+ digits.
- email: local@domain.tld, with a letter-only top-level domain.
- postcode: a full postcode (outward and inward code), any case, space optional.
- address: "[Flat N,] <1-3 digit house number>[letter] <1-3 name words> <street word>". Name words
  are capitalised; lowercase ones are accepted only before an unambiguous street word (road,
  street, lane...) and never when one is a function word or unit ("people in the street").
- date_of_birth: a date within a few words after born/birth/birthday/DOB/date of birth (any
  form, also 2-digit or no year), or, with no keyword, a full day-month-year date (numeric,
  ISO or with a month name) whose 4-digit year is 1900-2025.
- links: more than max_links links (http/https URLs, www. hosts; a markdown link counts once).
- word: each whole-word, case-insensitive occurrence of a configured word or phrase.

Where two personal-data holds overlap, the longer span (then the earlier kind) is kept; links
and words are different reasons and always reported.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

KINDS = ("nhs_number", "phone", "email", "postcode", "address", "date_of_birth", "links", "word")

# Years a bare day-month-year date is taken to be a birth date; later dates are appointments.
UNPROMPTED_BIRTH_YEARS = range(1900, 2026)


@dataclass(frozen=True)
class Hold:
    """One reason to hold a comment, with where it is, so the moderator can see it."""

    kind: str
    match: str
    start: int
    end: int

    def as_dict(self) -> dict[str, object]:
        """The hold as stored with the comment."""
        return {"kind": self.kind, "match": self.match, "start": self.start, "end": self.end}


# --- NHS numbers -------------------------------------------------------------------------------

_NHS = re.compile(
    r"(?=\d)(?<![\d£$.,/-])"  # not the tail of a longer number, price or reference
    r"(?:\d{3}[ -]?\d{3}[ -]?\d{4}|\d{3}[ -]?\d{4}[ -]?\d{3})"
    r"(?![\d/-]|[.,]\d)"
)


def nhs_check_digit_ok(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 means 0 and 10 is never issued."""
    total = sum(int(digit) * (10 - i) for i, digit in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> list[Hold]:
    holds = []
    for m in _NHS.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if digits[0] != "0" and nhs_check_digit_ok(digits):
            holds.append(Hold("nhs_number", m.group(), m.start(), m.end()))
    return holds


# --- Phone numbers -----------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?=[\d+(])(?<![\w+£$#/.])"  # not glued to a word, price, date, decimal or another number
    r"(?P<prefix>(?:\+|00)44[ -]?(?:\(0\)[ -]?)?|\(0\d{2,4}\)[ -]?)?"
    r"(?P<digits>\d+(?:[ -]\d+)*)"
)
_GROUP = re.compile(r"\d+")


def _national(prefix: str, digits: str) -> str:
    """The number as dialled in the UK: +44 becomes 0, a bracketed area code joins the rest."""
    if not prefix:
        return digits
    if prefix.startswith("("):
        return re.sub(r"\D", "", prefix) + digits
    return digits if digits.startswith("0") else "0" + digits


def _uk_length(national: str) -> bool:
    return len(national) in (10, 11) and national[0] == "0" and national[1] != "0"


def _phone_end(groups: list[re.Match[str]], i: int, prefix: str) -> int | None:
    """The last digit group of the longest UK number starting at group i, if there is one."""
    if not prefix and not groups[i].group().startswith("0"):
        return None
    best, digits = None, ""
    for j in range(i, len(groups)):
        digits += groups[j].group()
        if len(digits) > 11:
            break
        if len(groups[j].group()) >= 3 and _uk_length(_national(prefix, digits)):
            best = j
    return best


def _phone_in_run(text: str, m: re.Match[str]) -> list[Hold]:
    """Phone numbers in one run of digit groups, starting at any group that can begin one."""
    offset = m.start("digits")
    groups = list(_GROUP.finditer(m.group("digits")))
    holds, i = [], 0
    while i < len(groups):
        prefix = (m.group("prefix") or "") if i == 0 else ""
        j = _phone_end(groups, i, prefix)
        if j is not None:
            start = m.start() if prefix else offset + groups[i].start()
            end = offset + groups[j].end()
            holds.append(Hold("phone", text[start:end], start, end))
            i = j
        i += 1
    return holds


def _phones(text: str) -> list[Hold]:
    return [hold for m in _PHONE.finditer(text) for hold in _phone_in_run(text, m)]


# --- Email addresses and postcodes -------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+%-])[\w][\w.+%-]*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
    r"(?![\w-]|\.\w)"
)

# Royal Mail's letter rules: no Q, V, X first; no I, J, Z second; inward letters never C, I, K,
# M, O or V. The outward code alone is not held: people share their area.
_POSTCODE = re.compile(
    r"(?<![a-z0-9])"
    r"(?:GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def _simple(kind: str, pattern: re.Pattern[str], text: str) -> list[Hold]:
    return [Hold(kind, m.group(), m.start(), m.end()) for m in pattern.finditer(text)]


# --- Street addresses --------------------------------------------------------------------------

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
_ADDRESS = re.compile(
    r"(?=[\dfau])(?<![\w£$.,/:-])"
    r"(?:(?:flat|apartment|apt|unit)\.?[ \t]+\d{1,4}[a-z]?,?[ \t]+)?"
    r"\d{1,3}[a-z]?"  # a house number, not a year
    rf"(?P<names>(?:[ \t]+[^\W\d_][\w'\u2019-]*\.?){{1,3}}?)"
    rf"[ \t]+(?P<street>{_STREET_WORDS})\b",
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


def _addresses(text: str) -> list[Hold]:
    return [
        Hold("address", m.group(), m.start(), m.end())
        for m in _ADDRESS.finditer(text)
        if _street_name_ok(m.group("names").split(), m.group("street"))
    ]


# --- Dates of birth ----------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_DATE = re.compile(
    r"(?=[\djfmasond])(?<![\w/.-])(?:"
    rf"(?P<nd>\d{{1,2}})(?P<sep>[/.-])(?P<nm>\d{{1,2}})(?P=sep)(?P<ny>\d{{4}}|\d{{2}})"
    r"|(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    rf"|(?P<td>{_DAY})(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?(?P<tm>{_MONTH})\.?"
    r"(?:,?[ \t]+(?P<ty>\d{4}))?"
    rf"|(?P<um>{_MONTH})\.?[ \t]+(?P<ud>{_DAY})(?:st|nd|rd|th)?(?:,?[ \t]+(?P<uy>\d{{4}}))?"
    r")(?![\w/-]|[.:]\d)",
    re.IGNORECASE,
)
# A birth keyword, then at most three words before the date.
_BIRTH_BEFORE = re.compile(
    r"(?<!\w)(?:born|birth(?:day|date)?|d\.?[ \t]?o\.?[ \t]?b\.?)(?!\w)"
    r"[^\w\n]*(?:\w+[^\w\n]+){0,3}$",
    re.IGNORECASE,
)


def _is_date(day: int, month: int, year: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _date_parts(m: re.Match[str]) -> tuple[int, int, str] | None:
    """(day, month, year as written) when the match is a real date, else None."""
    g = m.groupdict()
    if g["nd"]:
        day, month, year = int(g["nd"]), int(g["nm"]), g["ny"]
    elif g["iy"]:
        day, month, year = int(g["id"]), int(g["im"]), g["iy"]
    elif g["td"]:
        day, month, year = int(g["td"]), _MONTHS[g["tm"].lower()], g["ty"] or ""
    else:
        day, month, year = int(g["ud"]), _MONTHS[g["um"].lower()], g["uy"] or ""
    check_year = int(year) if len(year) == 4 else 2000  # a leap year, for 29 February
    return (day, month, year) if _is_date(day, month, check_year) else None


def _date_parts_us(m: re.Match[str]) -> tuple[int, int, str] | None:
    """The same digits read month first, as an American would write them."""
    month, day, year = int(m.group("nd")), int(m.group("nm")), m.group("ny")
    return (
        (day, month, year) if _is_date(day, month, int(year) if len(year) == 4 else 2000) else None
    )


def _birth_keyword_before(text: str, start: int) -> bool:
    return _BIRTH_BEFORE.search(text, max(0, start - 60), start) is not None


def _dates_of_birth(text: str) -> list[Hold]:
    holds = []
    for m in _DATE.finditer(text):
        parts = _date_parts(m)
        if m.group("nd") and parts is None and _birth_keyword_before(text, m.start()):
            # With a birth keyword, an American month-first date is still a birth date.
            parts = _date_parts_us(m)
        if parts is None:
            continue
        year = parts[2]
        bare = len(year) == 4 and int(year) in UNPROMPTED_BIRTH_YEARS
        if bare or _birth_keyword_before(text, m.start()):
            holds.append(Hold("date_of_birth", m.group(), m.start(), m.end()))
    return holds


# --- Links -------------------------------------------------------------------------------------

_LINK = re.compile(
    r"\[[^\]\n]*\]\((?P<target>[^()\s\[\]]+)\)"  # a markdown link counts once
    r"|(?<![\w@.-])(?:https?://|www\.)[^\s<>\"'\[\]]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)'\""


def _links(text: str, max_links: int) -> list[Hold]:
    """One hold listing every link, when there are more than a comment normally needs."""
    found = []
    for m in _LINK.finditer(text):
        if m.group("target"):
            found.append((m.start(), m.end(), m.group("target")))
        else:
            url = _trim_url(m.group())
            found.append((m.start(), m.start() + len(url), url))
    if len(found) <= max_links:
        return []
    return [Hold("links", " ".join(url for _, _, url in found), found[0][0], found[-1][1])]


def _trim_url(url: str) -> str:
    """Drop sentence punctuation after a URL, keeping a closing bracket that has its opener."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


# --- Configured words --------------------------------------------------------------------------


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


def _words(text: str, words: Sequence[str]) -> list[Hold]:
    pattern = _words_pattern(tuple(words))
    return _simple("word", pattern, text) if pattern else []


# --- Putting it together -----------------------------------------------------------------------


def _without_overlaps(holds: list[Hold]) -> list[Hold]:
    """One kind per stretch of text: the longest span, then the earlier kind, explains it best."""
    kept: list[Hold] = []
    for hold in sorted(holds, key=lambda h: (h.start - h.end, KINDS.index(h.kind), h.start)):
        if all(hold.end <= other.start or hold.start >= other.end for other in kept):
            kept.append(hold)
    return kept


def screen(text: str, words: Sequence[str] = (), max_links: int = 2) -> list[Hold]:
    """Every reason to hold `text` for a moderator, in order of position."""
    personal = [
        *_nhs_numbers(text),
        *_phones(text),
        *_simple("email", _EMAIL, text),
        *_simple("postcode", _POSTCODE, text),
        *_addresses(text),
        *_dates_of_birth(text),
    ]
    holds = [*_without_overlaps(personal), *_links(text, max_links), *_words(text, words)]
    return sorted(holds, key=lambda h: (h.start, h.end, KINDS.index(h.kind)))
