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

from contract.manifest import SITE_ZONE
from contract.vocabulary import CommentStatus
from feedback_api.storage.comments import find_comments
from feedback_api.storage.models import Comment, as_utc, utcnow

# The `holidays` package's subdivisions of the United Kingdom, by ENGAGE_BANK_HOLIDAYS value.
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
    total = datetime.timedelta()
    cursor = start
    while cursor < end:
        day = cursor.astimezone(SITE_ZONE).date()
        next_midnight = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time(), tzinfo=SITE_ZONE
        ).astimezone(datetime.UTC)  # subtracted in UTC, so a clock change is counted right
        step_end = min(end, next_midnight)
        if is_working_day(day, nation):
            total += step_end - cursor
        cursor = step_end
    return total / datetime.timedelta(days=1)


def _hours(start: datetime.datetime, end: datetime.datetime) -> float:
    return (end - start) / datetime.timedelta(hours=1)


def _first_replies(comments: Sequence[Comment]) -> dict[int, datetime.datetime]:
    """When each comment first had an official reply, by its id."""
    first_reply: dict[int, datetime.datetime] = {}
    for comment in comments:
        if comment.official and comment.parent_id is not None:
            current = first_reply.get(comment.parent_id)
            if current is None or comment.created < current:
                first_reply[comment.parent_id] = comment.created
    return first_reply


def _reply_tags(comments: Sequence[Comment]) -> dict[int, list[str]]:
    """The tags of each comment's official replies, by its id."""
    tags: dict[int, list[str]] = defaultdict(list)
    for comment in comments:
        if comment.official and comment.parent_id is not None and comment.reply_tag:
            tags[comment.parent_id].append(comment.reply_tag)
    return tags


def _add(
    bucket: Figures,
    comment: Comment,
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
    by: Callable[[Comment], str | None] = lambda comment: comment.page,
    counted: Callable[[Comment], bool] = lambda comment: True,
) -> tuple[Figures, dict[str, Figures]]:
    """(overall, per page) responsiveness from every comment in the database, what was said on
    social media included (an item its author deleted is not); working days skip the bank
    holidays of `nation` (by default the ENGAGE_BANK_HOLIDAYS setting). `by` groups otherwise:
    `by_source` per place it was said. An item in no group (a mention about no page) counts
    overall only. `counted` leaves out every comment and reply it refuses (the public figures
    keep what is published on the site)."""
    now = now or utcnow()
    nation = nation or current_app.config["ENGAGE_BANK_HOLIDAYS"]
    comments = [comment for comment in find_comments() if counted(comment)]
    first_reply = _first_replies(comments)
    tags = _reply_tags(comments)
    overall = Figures()
    groups: dict[str, Figures] = defaultdict(Figures)
    for comment in comments:
        if comment.official or comment.status == CommentStatus.SPAM or comment.gone:
            continue
        age = working_days_between(comment.created, now, nation)
        key = by(comment)
        for bucket in (overall, groups[key]) if key is not None else (overall,):
            _add(
                bucket,
                comment,
                first_reply.get(comment.id),
                age,
                target_working_days,
                nation,
                tags.get(comment.id, ()),
            )
    return overall.finish(), {key: group.finish() for key, group in sorted(groups.items())}


def by_source(comment: Comment) -> str:
    return comment.source
