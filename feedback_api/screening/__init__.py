"""Screening: the reasons an item needs a moderator's care, found before they read it.

Every comment waits for a moderator anyway; screening points at the personal data and other
risks in it, so nothing slips past a busy moderator. It reads what readers will read, not how it
was typed: the text after rendering, normalised (reading.py), every link address (addresses.py),
and the writer's name. The rules are UK-specific and tuned to hold real data while leaving
ordinary numbers alone (NHS 111, prices, times, years, appointment dates, reference numbers):

- nhs_number, phone (numbers.py): digit groups split by any run of spaces, dots, slashes, dashes
  or line breaks, in the usual groupings; in any grouping when split only by spaces or hyphens
  ("94 34 76 59 19"); an NHS number's check digit must be valid; a phone number is a UK one.
- email (emails.py): local@domain.tld, and "at"/"dot" disguises in words or brackets.
- postcode, address (places.py): full postcodes; a house number with a street.
- date_of_birth (dates.py): a date after a birth keyword, or a full date in 1900-2025 that does
  not follow "on", "since", "appointment" and the like.
- links (links.py): more than max_links links. word (words.py): configured words and phrases.
- risk (risk.py): phrases suggesting a risk of harm; such an item is urgent (`is_urgent`).

Where two personal-data holds overlap, the longer span (then the earlier kind) is kept; links
and words are different reasons and always reported. Every hold's offsets are in the text as
typed, so the queue marks and redacts exactly what the writer wrote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .dates import UNPROMPTED_BIRTH_YEARS
from .holds import BODY, KINDS, Hold, in_order
from .links import links
from .numbers import nhs_check_digit_ok
from .personal import personal_data
from .reading import Reading, read_markdown, read_plain
from .rendered import missed_in_html
from .risk import RISK, risks
from .words import watched_words

__all__ = [
    "BODY",
    "KINDS",
    "UNPROMPTED_BIRTH_YEARS",
    "Hold",
    "is_urgent",
    "nhs_check_digit_ok",
    "screen",
    "screen_comment",
]

RiskLists = Mapping[str, Sequence[str]]


def screen(
    text: str,
    words: Sequence[str] = (),
    max_links: int = 2,
    *,
    markdown: bool = False,
    field: str = BODY,
    risk: RiskLists | None = None,
) -> list[Hold]:
    """Every reason to hold `text` for a moderator, in order of position.

    `markdown` reads it as a comment (the markdown subset readers see rendered); otherwise as
    plain text (a name, a questionnaire answer). Offsets are into `text` as given; `field`
    names what it is, for holds stored with a comment; `risk` the safeguarding phrase lists.
    """
    reading = read_markdown(text) if markdown else read_plain(text)
    holds = [
        *personal_data(reading, text),
        *links(text, max_links),
        *_words(reading, text, words),
        *_risks(reading, text, risk or {}),
    ]
    if field != BODY:
        holds = [Hold(h.kind, h.match, h.start, h.end, field) for h in holds]
    return in_order(holds)


def screen_comment(
    body: str,
    author: str | None,
    words: Sequence[str] = (),
    max_links: int = 2,
    *,
    html: str | None = None,
    risk: RiskLists | None = None,
) -> list[Hold]:
    """A comment's body (as markdown, checked again in its rendered `html`, rendered here if
    not given) and its author's name.

    Body holds come first, in order of position, then the name's (`field="author"`).
    """
    found = screen(body, words, max_links, markdown=True, risk=risk)
    found = in_order([*found, *missed_in_html(body, found, html)])
    if author:
        found += screen(author, words, max_links, field="author")
    return found


def is_urgent(holds: Sequence[Hold] | Sequence[dict]) -> bool:
    """Whether screening found a suggestion of risk of harm (holds or their stored form)."""
    return any((h.get("kind") if isinstance(h, dict) else h.kind) == RISK for h in holds)


def _risks(reading: Reading, source: str, lists: RiskLists) -> list[Hold]:
    holds = []
    for hold in risks(reading.text, lists):
        start, end = reading.source_span(hold.start, hold.end)
        holds.append(Hold(RISK, source[start:end], start, end))
    return holds


def _words(reading: Reading, source: str, words: Sequence[str]) -> list[Hold]:
    holds = []
    for hold in watched_words(reading.text, words):
        start, end = reading.source_span(hold.start, hold.end)
        holds.append(Hold("word", source[start:end], start, end))
    return holds
