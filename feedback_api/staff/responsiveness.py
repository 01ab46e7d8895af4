"""How quickly the organisation listens: time to moderation and time to first official reply,
per page and overall, and how many are waiting longer than the target.

Durations are in hours. Percentiles use the inclusive method (`statistics.quantiles`), the
median of two middle values is their mean. "Working days" are Monday to Friday (bank holidays
are not known to the service and count as working days).
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from feedback_api.storage.models import Comment, db, utcnow


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


def working_days_between(start: datetime.datetime, end: datetime.datetime) -> float:
    """Working time between two moments, in days, counting only Monday to Friday."""
    if end <= start:
        return 0.0
    total = datetime.timedelta()
    cursor = start
    while cursor < end:
        next_midnight = datetime.datetime.combine(
            cursor.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=cursor.tzinfo
        )
        step_end = min(end, next_midnight)
        if cursor.weekday() < 5:
            total += step_end - cursor
        cursor = step_end
    return total / datetime.timedelta(days=1)


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _hours(start: datetime.datetime, end: datetime.datetime) -> float:
    return (_aware(end) - _aware(start)) / datetime.timedelta(hours=1)


def figures(
    target_working_days: float, now: datetime.datetime | None = None
) -> tuple[Figures, dict[str, Figures]]:
    """(overall, per page) responsiveness from every comment in the database."""
    now = now or utcnow()
    comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    first_reply: dict[int, datetime.datetime] = {}
    for comment in comments:
        if comment.official and comment.parent_id is not None:
            current = first_reply.get(comment.parent_id)
            if current is None or _aware(comment.created) < _aware(current):
                first_reply[comment.parent_id] = comment.created
    overall = Figures()
    pages: dict[str, Figures] = defaultdict(Figures)
    for comment in comments:
        if comment.official or comment.status == "spam":
            continue
        buckets = (overall, pages[comment.page])
        if comment.moderated is not None:
            for bucket in buckets:
                bucket._moderation.append(_hours(comment.created, comment.moderated))
        if comment.id in first_reply:
            for bucket in buckets:
                bucket._reply.append(_hours(comment.created, first_reply[comment.id]))
        age = working_days_between(_aware(comment.created), _aware(now))
        if comment.status == "pending" and age > target_working_days:
            for bucket in buckets:
                bucket.waiting_over_target += 1
        if comment.needs_response and comment.id not in first_reply and age > target_working_days:
            for bucket in buckets:
                bucket.questions_over_target += 1
    return overall.finish(), {url: page.finish() for url, page in sorted(pages.items())}
