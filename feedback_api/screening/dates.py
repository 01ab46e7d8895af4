"""Dates of birth.

A date within a few words after born/birth/birthday/DOB/date of birth (any form, also 2-digit or
no year), or, with no keyword, a full day-month-year date (numeric, ISO or with a month name)
whose 4-digit year is 1900-2025 and that does not follow "on", "since", "appointment" and the
like. Later dates, and dates of events, are appointments, and are not held.
"""

from __future__ import annotations

import datetime
import re

from .holds import Hold

# Years a bare day-month-year date is taken to be a birth date; later dates are appointments.
UNPROMPTED_BIRTH_YEARS = range(1900, 2026)


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
_GAP = r"(?:[ \t]++\n?+[ \t]*+|\n[ \t]*+)"  # spaces, or one line break
_DATE = re.compile(
    r"(?=[\djfmasond])(?<![\w/.-])(?:"
    rf"(?P<nd>\d{{1,2}})(?P<sep>[/. -])(?P<nm>\d{{1,2}})(?P=sep)(?P<ny>\d{{4}}|\d{{2}})"
    r"|(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    rf"|(?P<td>{_DAY})(?:st|nd|rd|th)?{_GAP}(?:of{_GAP})?(?P<tm>{_MONTH})\.?"
    rf"(?:,?{_GAP}(?P<ty>\d{{4}}))?"
    rf"|(?P<um>{_MONTH})\.?{_GAP}(?P<ud>{_DAY})(?:st|nd|rd|th)?(?:,?{_GAP}(?P<uy>\d{{4}}))?"
    r")(?![\w/-]|[.:]\d)",
    re.IGNORECASE,
)
# A date straight after "on", "since", "appointment"...: something happened then, a visit or a
# letter; a birth date without a birth keyword is written alone ("Mum (03/03/1958)").
_EVENT_BEFORE = re.compile(
    r"(?<!\w)(?:on|since|from|until|till|by|before|after|appointment|appt|visit|visited|seen"
    r"|admitted|discharged|dated|letter|referred)[ \t]+(?:the[ \t]+)?$",
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


def dates_of_birth(text: str) -> list[Hold]:
    """Birth dates, with or without a keyword before them."""
    holds = []
    for m in _DATE.finditer(text):
        parts = _date_parts(m)
        if m.group("nd") and parts is None and _birth_keyword_before(text, m.start()):
            # With a birth keyword, an American month-first date is still a birth date.
            parts = _date_parts_us(m)
        if parts is None:
            continue
        year = parts[2]
        # Figures split by spaces are a date only after a birth keyword ("DOB 03 03 1956").
        spaced = m.group("sep") == " "
        bare = (
            len(year) == 4
            and int(year) in UNPROMPTED_BIRTH_YEARS
            and not spaced
            and not _EVENT_BEFORE.search(text, max(0, m.start() - 30), m.start())
        )
        if bare or _birth_keyword_before(text, m.start()):
            holds.append(Hold("date_of_birth", m.group(), m.start(), m.end()))
    return holds
