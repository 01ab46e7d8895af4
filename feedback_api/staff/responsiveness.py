"""How quickly the organisation listens: time to moderation and time to first official reply,
per page and overall, and how many are waiting longer than the target.

Durations are in hours. Percentiles use the inclusive method (`statistics.quantiles`), the
median of two middle values is their mean. "Working days" are Monday to Friday as the day is in
Europe/London (a comment at 00:30 on a summer Monday, 23:30 UTC on the Sunday, counts from
Monday), less the bank holidays of the nation `ENGAGE_BANK_HOLIDAYS` chooses (substitute days
included: Boxing Day on a Saturday makes the Monday a holiday).

A question is a reader's comment that asks for an answer (its `needs_response` flag) or that the
organisation answered: an official reply clears the flag, so an answered comment is counted as
the question it answered. The same figures, with `counted` keeping only what is public, are
published on the site (`publishing.export`).
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from flask import current_app

from contract.manifest import SITE_ZONE, utc_midnight
from contract.vocabulary import CommentStatus
from feedback_api.storage.comments import Timing, timings
from feedback_api.storage.models import as_utc, utcnow

# The `holidays` package's subdivisions of the United Kingdom, by ENGAGE_BANK_HOLIDAYS value.
ONE_DAY = datetime.timedelta(days=1)  # of time
ONE_DATE = datetime.timedelta(days=1)  # of the calendar
SUBDIVISIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}


@dataclass
class Figures:
    """The numbers for one page, or for the whole site."""

    moderated: int = 0
    moderation_median_hours: float | None = None
    moderation_p90_hours: float | None = None
    replied: int = 0
    reply_median_hours: float | None = None
    reply_p90_hours: float | None = None
    waiting_over_target: int = 0
    questions_over_target: int = 0
    questions: int = 0
    answered_within_target: int = 0
    # The official replies to the questions counted, by tag ("change planned", ...).
    reply_tags: Counter[str] = field(default_factory=Counter)
    first_asked: datetime.datetime | None = None
    _moderation: list[float] = field(default_factory=list, repr=False)
    _reply: list[float] = field(default_factory=list, repr=False)

    def finish(self) -> Figures:
        self.moderated, self.replied = len(self._moderation), len(self._reply)
        self.moderation_median_hours, self.moderation_p90_hours = _summary(self._moderation)
        self.reply_median_hours, self.reply_p90_hours = _summary(self._reply)
        return self


def _summary(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    if len(values) == 1:
        return round(values[0], 2), round(values[0], 2)
    p90 = statistics.quantiles(values, n=10, method="inclusive")[8]
    return round(statistics.median(values), 2), round(p90, 2)


@lru_cache(maxsize=64)
def bank_holidays(nation: str, year: int) -> frozenset[datetime.date]:
    """The bank holidays (substitute days included) of a UK nation in one year."""
    calendar = holidays.country_holidays("GB", subdiv=SUBDIVISIONS[nation], years=year)
    return frozenset(calendar)


def is_working_day(day: datetime.date, nation: str = "england") -> bool:
    """Monday to Friday, and not a bank holiday of `nation`."""
    return day.weekday() < 5 and day not in bank_holidays(nation, day.year)


def working_days_between(
    start: datetime.datetime, end: datetime.datetime, nation: str = "england"
) -> float:
    """Working time between two moments, in days: the time that falls on working days as the
    day is in Europe/London (naive moments are UTC, as the database gives them)."""
    start, end = as_utc(start), as_utc(end)
    if end <= start:
        return 0.0
    first_day, last_day = start.astimezone(SITE_ZONE).date(), end.astimezone(SITE_ZONE).date()
    if first_day == last_day:
        return (end - start) / ONE_DAY if is_working_day(first_day, nation) else 0.0
    total = datetime.timedelta()
    if is_working_day(first_day, nation):
        total += utc_midnight(first_day + ONE_DATE) - start
    if is_working_day(last_day, nation):
        total += end - utc_midnight(last_day)
    # The whole days between: a working day is never a clock change's (those are Sundays), so
    # each is a day long.
    whole = _working_days(first_day + ONE_DATE, last_day - ONE_DATE, nation)
    return total / ONE_DAY + whole


def _working_days(first: datetime.date, last: datetime.date, nation: str) -> int:
    """How many working days from `first` to `last` (inclusive): Monday to Friday counted by
    whole weeks, less the bank holidays that fall on them."""
    if last < first:
        return 0
    span = (last - first).days + 1
    weeks, rest = divmod(span, 7)
    weekdays = weeks * 5 + sum(
        1 for n in range(rest) if (first + datetime.timedelta(days=weeks * 7 + n)).weekday() < 5
    )
    off = sum(
        1
        for year in range(first.year, last.year + 1)
        for holiday in bank_holidays(nation, year)
        if first <= holiday <= last and holiday.weekday() < 5
    )
    return weekdays - off


def _hours(start: datetime.datetime, end: datetime.datetime) -> float:
    return (end - start) / datetime.timedelta(hours=1)


def _first_replies(comments: Sequence[Timing]) -> dict[int, datetime.datetime]:
    """When each comment first had an official reply, by its id."""
    first_reply: dict[int, datetime.datetime] = {}
    for comment in comments:
        if comment.official and comment.parent_id is not None:
            current = first_reply.get(comment.parent_id)
            if current is None or comment.created < current:
                first_reply[comment.parent_id] = comment.created
    return first_reply


def _reply_tags(comments: Sequence[Timing]) -> dict[int, list[str]]:
    """The tags of each comment's official replies, by its id."""
    tags: dict[int, list[str]] = defaultdict(list)
    for comment in comments:
        if comment.official and comment.parent_id is not None and comment.reply_tag:
            tags[comment.parent_id].append(comment.reply_tag)
    return tags


def _add(
    bucket: Figures,
    comment: Timing,
    replied: datetime.datetime | None,
    age: float,
    target: float,
    nation: str,
    tags: Sequence[str] = (),
) -> None:
    """One reader's comment, `age` working days old, counted in `bucket`."""
    if comment.needs_response or replied is not None:
        bucket.questions += 1
        if bucket.first_asked is None or comment.created < bucket.first_asked:
            bucket.first_asked = comment.created
        if replied is not None and working_days_between(comment.created, replied, nation) <= target:
            bucket.answered_within_target += 1
        bucket.reply_tags.update(tags)
    if comment.moderated is not None:
        bucket._moderation.append(_hours(comment.created, comment.moderated))
    if replied is not None:
        bucket._reply.append(_hours(comment.created, replied))
    if comment.status == CommentStatus.PENDING and age > target:
        bucket.waiting_over_target += 1
    if comment.needs_response and replied is None and age > target:
        bucket.questions_over_target += 1


def figures(
    target_working_days: float,
    now: datetime.datetime | None = None,
    nation: str | None = None,
    *,
    by: Callable[[Timing], str | None] = lambda comment: comment.page,
    counted: Callable[[Timing], bool] = lambda comment: True,
) -> tuple[Figures, dict[str, Figures]]:
    """(overall, per page) responsiveness from every comment in the database, what was said on
    social media included (an item its author deleted is not); working days skip the bank
    holidays of `nation` (by default the ENGAGE_BANK_HOLIDAYS setting). `by` groups otherwise:
    `by_source` per place it was said. An item in no group (a mention about no page) counts
    overall only. `counted` leaves out every comment and reply it refuses (the public figures
    keep what is published on the site)."""
    now = now or utcnow()
    nation = nation or current_app.config["ENGAGE_BANK_HOLIDAYS"]
    comments = [comment for comment in timings() if counted(comment)]
    first_reply = _first_replies(comments)
    tags = _reply_tags(comments)
    overall = Figures()
    groups: dict[str, Figures] = defaultdict(Figures)
    for comment in comments:
        if comment.official or comment.status == CommentStatus.SPAM or comment.gone:
            continue
        replied = first_reply.get(comment.id)
        waiting = comment.status == CommentStatus.PENDING or (
            comment.needs_response and replied is None
        )
        # Only what is still waiting is judged by its age (a long reckoning for old comments).
        age = working_days_between(comment.created, now, nation) if waiting else 0.0
        key = by(comment)
        for bucket in (overall, groups[key]) if key is not None else (overall,):
            _add(
                bucket,
                comment,
                replied,
                age,
                target_working_days,
                nation,
                tags.get(comment.id, ()),
            )
    return overall.finish(), {key: group.finish() for key, group in sorted(groups.items())}


def by_source(comment: Timing) -> str:
    return comment.source
