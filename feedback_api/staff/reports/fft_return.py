"""The Friends and Family Test return: a questionnaire's FFT answers counted per month, per
service and per mode of collection, as the monthly FFT data collection asks providers for them.

What it follows, from these pages:

- NHS England Digital, "Friends and Family Test (FFT) data collection": the collection is
  monthly, of aggregate counts (never the free text or anything about a person);
- NHS England Digital, "Friends and Family Test" (GP collections service information): the
  monthly submission sets out "the number of responses received in each response category, and
  through each collection mode", modes being such as postcards, websites, phone calls and SMS;
- NHS England, "Guidance on implementing the Friends and Family Test" and "Using the Friends and
  Family Test to improve patient experience" (2019, whose contents list data submission
  groupings by setting): the six answers and their wording since 2020
  (`contract.wordings.FFT_OPTIONS`);
- the positive and negative percentages: (Very good + Good) and (Poor + Very poor) over every
  answer, "Don't know" included, as the reports already compute them (figures.fft_scores) and as
  the score is described publicly (The Spectator, "Every NHS service now has an online score",
  2015: the positive answers over the total number of respondents). No NHS England page we could
  read states the formula in full.

Where those pages left a choice it is named in the README ("Friends and Family Test return"):
the headings of the service, month and mode columns, the mode's label ("Online"), and rounding
to one decimal place, as the report page shows the scores.

Months are UK months (Europe/London): an answer at 23:30 UTC on 31 August is one given on
1 September, at 00:30 BST. Counts come from one GROUP BY query over the months asked for
(storage.responses.answer_counts_by_month), never from loading every response.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from contract.manifest import SITE_ZONE, utc_midnight
from contract.vocabulary import QuestionType
from contract.wordings import FFT_OPTIONS
from feedback_api.staff.reports.exports import safe_cell
from feedback_api.staff.reports.figures import fft_scores
from feedback_api.storage.responses import answer_counts_by_month

# Every response through this site is given on its web form, so the mode is "Online" however
# the person found the link (social media, an e-mail, a poster's QR code), except where the
# channel says the invitation came as NHS England's other modes count it: a text message with a
# link (`?via=sms`, `sms-…`) or a tablet or kiosk in a waiting room (`?via=kiosk`, `kiosk-…`).
ONLINE = "Online"
MODE_OF_CHANNEL = {"sms": "SMS/text", "kiosk": "Tablet/kiosk"}
ALL_MODES = "All modes"

HEADER = (
    "Month",
    "Service",
    "Mode of collection",
    *(label for _, label in FFT_OPTIONS),
    "Total",
    "Percentage positive",
    "Percentage negative",
)
VALUES = tuple(value for value, _ in FFT_OPTIONS)


class NoFFTQuestion(ValueError):
    """The questionnaire does not ask the Friends and Family Test question."""


@dataclass(frozen=True)
class ReturnRow:
    """One line of the return: one month, one service, one mode of collection."""

    month: str
    service: str
    mode: str
    counts: dict[str, int]
    total: int
    positive_pct: float | None
    negative_pct: float | None


def mode_of(channel: str | None) -> str:
    """The collection's mode of collection for a response's channel (see MODE_OF_CHANNEL)."""
    kind = (channel or "").partition("-")[0]
    return MODE_OF_CHANNEL.get(kind, ONLINE)


def parse_month(text: str) -> datetime.date:
    """The first day of a month written YYYY-MM; ValueError for anything else."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not a month written as YYYY-MM, such as 2026-11") from None


def next_month(first: datetime.date) -> datetime.date:
    return datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of each month from `first`'s to `last`'s, both included."""
    found, month = [], first.replace(day=1)
    while month <= last:
        found.append(month)
        month = next_month(month)
    return found


def last_complete_months(count: int, today: datetime.date | None = None) -> list[datetime.date]:
    """The `count` months before this one (in UK time), most recent first."""
    today = today or datetime.datetime.now(SITE_ZONE).date()
    months, month = [], today.replace(day=1)
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months


def fft_question(definition: dict[str, Any]) -> dict[str, Any]:
    """The questionnaire's (first) Friends and Family Test question."""
    for question in definition["questions"]:
        if question["type"] == QuestionType.FFT:
            return question
    raise NoFFTQuestion(
        f"The questionnaire {definition['id']!r} does not ask the Friends and Family Test "
        "question, so it has no FFT return."
    )


def service_name(definition: dict[str, Any]) -> str:
    """The service the questionnaire names (`service`, as its FFT question does), else its title."""
    return (definition.get("service") or "").strip() or definition["title"]


def _row(month: str, service: str, mode: str, counts: dict[str, int]) -> ReturnRow:
    total = sum(counts.values())
    positive, negative = fft_scores(counts, total)
    return ReturnRow(month, service, mode, counts, total, positive, negative)


def fft_return(definition: dict[str, Any], months: list[datetime.date]) -> list[ReturnRow]:
    """The return's rows, month by month: one per mode that month's answers came through (and
    one for all modes together when there were several); a month without answers still has a
    row, of noughts, for the site's own mode, since the collection asks for every month."""
    question = fft_question(definition)
    service = service_name(definition)
    spans = [
        (f"{month:%Y-%m}", utc_midnight(month), utc_midnight(next_month(month)))
        for month in sorted(months)
    ]
    found = answer_counts_by_month(definition["id"], question["id"], spans, VALUES)
    by_month: dict[str, dict[str, dict[str, int]]] = {label: {} for label, _, _ in spans}
    for entry in found:
        counts = by_month[entry.month].setdefault(mode_of(entry.channel), dict.fromkeys(VALUES, 0))
        counts[entry.answer] += entry.count
    rows = []
    for label, modes in by_month.items():
        if not modes:
            modes = {ONLINE: dict.fromkeys(VALUES, 0)}
        rows.extend(_row(label, service, mode, counts) for mode, counts in sorted(modes.items()))
        if len(modes) > 1:
            together = {value: sum(counts[value] for counts in modes.values()) for value in VALUES}
            rows.append(_row(label, service, ALL_MODES, together))
    return rows


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def to_csv(rows: list[ReturnRow]) -> str:
    """The return as CSV: HEADER, then one line per row; text cells defused (safe_cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(
            [
                safe_cell(row.month),
                safe_cell(row.service),
                safe_cell(row.mode),
                *(row.counts[value] for value in VALUES),
                row.total,
                _percent(row.positive_pct),
                _percent(row.negative_pct),
            ]
        )
    return out.getvalue()
