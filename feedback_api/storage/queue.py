"""The moderation queue: one page of comments in a state, filtered as the moderator asks."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Select, String, cast, func, or_, select

from contract.vocabulary import CommentStatus
from feedback_api.storage.models import SITE, Comment, db

QUEUE_PAGE_SIZE = 50
# Not a status of its own: questions waiting for an official answer, whatever their status.
NEEDS_RESPONSE = "needs-response"
SOCIAL = "social"  # the source filter for what was heard on any platform


class Queue(NamedTuple):
    items: list[Comment]
    total: int
    official: int


def moderation_queue(
    *,
    status: str = CommentStatus.PENDING,
    page: str | None = None,
    kind: str | None = None,
    search: str | None = None,
    source: str | None = None,
    number: int = 1,
    size: int = QUEUE_PAGE_SIZE,
) -> Queue:
    """One page of the queue, oldest first, how many items match in all, and how many of those
    are the organisation's own replies (not counted as comments where the total is shown).

    `status` is a comment status or NEEDS_RESPONSE (questions waiting for an official answer);
    `kind` a screening kind; `search` a case-insensitive substring of the text, author or
    handle; `source` "site", a platform, or SOCIAL (every platform). Urgent items (a suggestion
    of risk of harm) come first; an item its author deleted upstream is in no list.
    """
    query = select(Comment).where(Comment.gone.is_(None))
    if status == NEEDS_RESPONSE:
        query = query.where(
            Comment.needs_response.is_(True), Comment.status != CommentStatus.SPAM.value
        )
    else:
        query = query.where(Comment.status == CommentStatus(status).value)
    if page:
        query = query.where(Comment.page == page)
    if source == SOCIAL:
        query = query.where(Comment.source != SITE)
    elif source:
        query = query.where(Comment.source == source)
    if kind:
        # held_reasons is JSON text in both databases (json, not jsonb, on PostgreSQL), written
        # by json.dumps: a kind appears exactly as `"kind": "phone"`.
        query = query.where(cast(Comment.held_reasons, String).contains(f'"kind": "{kind}"'))
    if search:
        needle = search.lower()
        query = query.where(
            or_(
                func.lower(Comment.body).contains(needle, autoescape=True),
                func.lower(func.coalesce(Comment.author, "")).contains(needle, autoescape=True),
                func.lower(func.coalesce(Comment.handle, "")).contains(needle, autoescape=True),
            )
        )
    total = _count(query)
    ordered = (
        query.order_by(Comment.urgent.desc(), Comment.created, Comment.id)
        .offset((number - 1) * size)
        .limit(size)
    )
    found = list(db.session.scalars(ordered).all())
    return Queue(found, total, _count(query.where(Comment.official.is_(True))) if total else 0)


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
