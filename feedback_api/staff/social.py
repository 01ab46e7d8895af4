"""The workspace's Social page (/admin/social): how people answered each cross-posted post on
each platform (replies, reposts, likes, quotes, and how soon we first answered there), mentions
per week, the posts that drew most replies, and any platform whose token or permissions were
refused, the day it happens (the moderators' digest says so too)."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from flask import Blueprint

from feedback_api.listening.health import problem_line
from feedback_api.staff.auth import staff_required
from feedback_api.storage import social, transaction
from feedback_api.storage.models import Comment, SocialPost, utcnow
from feedback_api.theme import render_page

bp = Blueprint("social", __name__, url_prefix="/admin")
WEEKS = 12
TOP = 5


@dataclass(frozen=True)
class PostFigures:
    post: SocialPost
    heard: int  # items in its thread we hold
    answered: int  # of those, how many have a reply of ours
    first_answer_hours: float | None  # from the first item heard to our first reply in it


@dataclass(frozen=True)
class Figures:
    posts: list[PostFigures]
    most_replied: list[PostFigures]
    weeks: list[tuple[datetime.date, int]]  # Monday of each week, mentions that week
    heard: int
    answered: int
    answer_median_hours: float | None


def _monday(moment: datetime.datetime) -> datetime.date:
    day = moment.date()
    return day - datetime.timedelta(days=day.weekday())


def figures(now: datetime.datetime | None = None) -> Figures:
    """The page's figures, from what the listener stored (one pass over the social items)."""
    now = now or utcnow()
    items = social.social_items()
    theirs = [i for i in items if not i.official and i.gone is None]
    ours = [i for i in items if i.official]
    first_reply: dict[int, datetime.datetime] = {}
    for reply in ours:
        if reply.parent_id is not None and reply.parent_id not in first_reply:
            first_reply[reply.parent_id] = reply.created
    by_post: dict[int, list[Comment]] = defaultdict(list)
    for item in theirs:
        if item.social_post_id is not None:
            by_post[item.social_post_id].append(item)
    rows = []
    for post in social.all_posts():
        heard = by_post.get(post.id, [])
        answers = [first_reply[i.id] for i in heard if i.id in first_reply]
        first = min((i.created for i in heard), default=None)
        hours = (min(answers) - first).total_seconds() / 3600 if answers and first else None
        rows.append(PostFigures(post, len(heard), len(answers), hours))
    delays = [
        (first_reply[i.id] - i.created).total_seconds() / 3600
        for i in theirs
        if i.id in first_reply
    ]
    mentions = Counter(
        _monday(i.created) for i in theirs if i.remote_kind in ("mention", "quote", "term")
    )
    this_week = _monday(now)
    weeks = [
        (
            this_week - datetime.timedelta(weeks=n),
            mentions.get(this_week - datetime.timedelta(weeks=n), 0),
        )
        for n in range(WEEKS - 1, -1, -1)
    ]
    most = sorted((r for r in rows if r.post.replies), key=lambda r: (-r.post.replies, r.post.id))
    return Figures(
        posts=rows,
        most_replied=most[:TOP],
        weeks=weeks,
        heard=len(theirs),
        answered=sum(1 for i in theirs if i.id in first_reply),
        answer_median_hours=statistics.median(delays) if delays else None,
    )


@bp.get("/social")
@staff_required()
def page() -> Any:
    with transaction():
        found = figures()
        problems = social.problems()
        states = social.states()
    return render_page(
        "admin/social.html",
        admin_section="social",
        figures=found,
        problems=[(row, problem_line(row)) for row in problems],
        states=states,
    )
