"""NHS numbers and UK phone numbers, however their digit groups are split.

They are read in normalised text (see reading.py), where any run of spaces, line breaks, dots,
slashes, backslashes, hyphens and dashes (and, in plain text, stray * _ ~ ` markers) may
separate the digit groups: `943.476.5919`, `07700/900123` and `943\\n476\\n5919` are published
as plainly as `943 476 5919`. What keeps NHS 111, prices, times, years and dates out is the
shape: an NHS number is ten digits in 3-3-4 or 3-4-3 groups with a valid Modulus 11 check
digit; a phone number starts 0 (or +44) in a first group of at least three digits and has 10 or
11 digits in all.
"""

from __future__ import annotations

import re

from .holds import Hold

# Between digit groups: any run of these (possessive, so a run of 5,000 cannot backtrack).
SEPARATOR = r"(?:[\s./\\_*~`-]++)"

_NHS = re.compile(
    r"(?=\d)(?<![\d£$,/-])(?<![\d£$,./-]\.)"  # not the tail of a longer number, price or reference
    rf"(?:\d{{3}}{SEPARATOR}?\d{{3}}{SEPARATOR}?\d{{4}}|\d{{3}}{SEPARATOR}?\d{{4}}{SEPARATOR}?\d{{3}})"
    r"(?![\d/-]|[.,]\d)"
)


def nhs_check_digit_ok(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 means 0 and 10 is never issued."""
    total = sum(int(digit) * (10 - i) for i, digit in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nhs_numbers(text: str) -> list[Hold]:
    """Ten digits with a valid check digit, not starting 0 (that is a phone number)."""
    holds = []
    for m in _NHS.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if digits[0] != "0" and nhs_check_digit_ok(digits):
            holds.append(Hold("nhs_number", m.group(), m.start(), m.end()))
    return holds


_PHONE = re.compile(
    # not glued to a word, price, date, decimal or another number
    r"(?=[\d+(])(?<![\w+£$#/])(?<![\d./]\.)"
    rf"(?P<prefix>(?:\+|00)44{SEPARATOR}?(?:\(0\){SEPARATOR}?)?|\(0\d{{2,4}}\){SEPARATOR}?)?"
    rf"(?P<digits>\d++(?:{SEPARATOR}\d++)*+)"
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
    """The last digit group of the longest UK number starting at group i, if there is one.

    Without a prefix the number starts with a 0 in a group of three digits or more (an area or
    mobile code): a date's "01/12" or a time's "09.30" never begins one.
    """
    if not prefix and not (groups[i].group().startswith("0") and len(groups[i].group()) >= 3):
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


def phones(text: str) -> list[Hold]:
    """UK numbers starting 0, +44, 0044 or "(0...)", normalised to 10 or 11 digits."""
    return [hold for m in _PHONE.finditer(text) for hold in _phone_in_run(text, m)]


# Digit groups of any size split only by spaces or hyphens ("94 34 76 59 19", "07 700 900 123",
# "0 7 7 0 0 9 0 0 1 2 3"): dates and times are written with dots, slashes and colons, so a
# whole run of this shape with the right number of digits is read as one number.
_SPACED = re.compile(r"(?<![\w£$.,/:+-])\d++(?:[ \t\n-]++\d++)++(?![\w.,/:-]*\d)")


def spaced_numbers(text: str) -> list[Hold]:
    """A whole run of spaced digit groups that is an NHS number or a UK phone number."""
    holds = []
    for m in _SPACED.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) == 10 and digits[0] != "0" and nhs_check_digit_ok(digits):
            holds.append(Hold("nhs_number", m.group(), m.start(), m.end()))
        elif _uk_length(digits):
            holds.append(Hold("phone", m.group(), m.start(), m.end()))
    return holds
