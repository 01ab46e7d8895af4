"""The comments table: comments and replies, as readers, writers, moderators and operators ask.

Every change that readers can see keeps the page row true in the same transaction (see `pages`).
None of these commit: the caller's `transaction()` does.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from sqlalchemy import func, inspect, select, update

from contract.vocabulary import CommentStatus
from feedback_api.storage import pages
from feedback_api.storage.models import SITE, Comment, db, utcnow

APPROVED = CommentStatus.APPROVED.value


# --- Reading -------------------------------------------------------------------------------------


def get_comment(comment_id: int) -> Comment | None:
    return db.session.get(Comment, comment_id)


def approved_parent(comment_id: int, page: str) -> Comment | None:
    """An approved top-level comment on `page` that a reply may hang under."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.page != page or comment.status != APPROVED:
        return None
    return comment if comment.parent_id is None else None


def approved_comments(url: str) -> Sequence[Comment]:
    """A page's approved comments and replies, oldest first."""
    query = (
        select(Comment)
        .where(Comment.page == url, Comment.status == APPROVED)
        .order_by(Comment.created, Comment.id)
    )
    return db.session.scalars(query).all()


def recent_comments(status: str, page: str | None = None, limit: int = 50) -> list[Comment]:
    """The newest comments in a state (for feeds), newest first."""
    query = select(Comment).where(Comment.status == CommentStatus(status).value)
    if page:
        query = query.where(Comment.page == page)
    query = query.order_by(Comment.updated.desc(), Comment.id.desc()).limit(limit)
    return list(db.session.scalars(query).all())


def find_comments(
    status: str | None = None, page: str | None = None, source: str | None = None
) -> Sequence[Comment]:
    """Comments for operators, oldest first, optionally by status, page and source ("site",
    "social" for every platform, or one platform)."""
    query = select(Comment).order_by(Comment.created, Comment.id)
    if source == "social":
        query = query.where(Comment.source != SITE)
    elif source:
        query = query.where(Comment.source == source)
    if status:
        query = query.where(Comment.status == CommentStatus(status).value)
    if page:
        query = query.where(Comment.page == page)
    return db.session.scalars(query).all()


def comments_by_id(ids: Iterable[int]) -> list[Comment]:
    """The comments with these ids (unknown ids are left out), oldest first."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    query = select(Comment).where(Comment.id.in_(wanted)).order_by(Comment.created, Comment.id)
    return list(db.session.scalars(query).all())


def submitted_with(email: str) -> list[Comment]:
    """Everything stored with this email address (case-insensitive), oldest first."""
    wanted = email.strip().lower()
    query = select(Comment).where(func.lower(Comment.email) == wanted)
    return list(db.session.scalars(query.order_by(Comment.created, Comment.id)).all())


def undigested() -> list[Comment]:
    """Readers' comments still waiting for a moderator that no delivered digest has listed yet,
    oldest first (for the moderators' digest)."""
    query = select(Comment).where(
        Comment.status == CommentStatus.PENDING.value,
        Comment.digested.is_(None),
        Comment.official.is_(False),
    )
    return list(db.session.scalars(query.order_by(Comment.created, Comment.id)).all())


def mark_digested(ids: list[int]) -> int:
    """Note that a digest listing these comments was delivered; how many were not noted yet."""
    statement = (
        update(Comment)
        .where(Comment.id.in_(ids), Comment.digested.is_(None))
        .values(digested=utcnow())
    )
    return db.session.execute(statement).rowcount


# --- Writing -------------------------------------------------------------------------------------


def add_comment(
    *,
    page: str,
    body: str,
    html: str,
    status: str,
    held_reasons: list[dict],
    edit_token_hash: str,
    author: str | None = None,
    email: str | None = None,
    notify: bool = False,
    parent_id: int | None = None,
    ip_hash: str | None = None,
    needs_response: bool = False,
    urgent: bool = False,
    channel: str | None = None,
    language: str | None = None,
) -> Comment:
    """A new comment (its id assigned): the caller answers the reader after committing it.
    `urgent`: screening found a suggestion of risk of harm (first in the queue, mailed at once);
    `channel`: how the reader reached the page (contract.channels); `language`: the page's
    language tag, as the manifest gives it."""
    pages.ensure_page(page)
    comment = Comment(
        page=page,
        body=body,
        html=html,
        status=CommentStatus(status).value,
        held_reasons=held_reasons,
        edit_token_hash=edit_token_hash,
        author=author,
        email=email,
        notify=notify,
        parent_id=parent_id,
        ip_hash=ip_hash,
        needs_response=needs_response,
        urgent=urgent,
        channel=channel,
        language=language,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def set_status(comment: Comment, status: str, reason: str | None = None) -> None:
    """Move a comment to a new status (a `CommentStatus`), keeping the page's count and version
    true. What was said on social media is never published here: approving it marks it
    reviewed."""
    status = CommentStatus(status)
    if comment.source != SITE and status == CommentStatus.APPROVED:
        status = CommentStatus.REVIEWED
    was_visible = comment.status == APPROVED
    comment.status = status.value
    comment.reject_reason = reason
    comment.moderated = utcnow()
    comment.updated = comment.moderated
    pages.changed(comment.page, was_visible, status == CommentStatus.APPROVED)


def edit_comment(comment: Comment, body: str, html: str, held_reasons: list[dict]) -> None:
    """The writer's own change to their text. Changed text is checked again by a moderator, so
    an approved comment goes back to pending."""
    was_visible = comment.status == APPROVED
    comment.body = body
    comment.html = html
    comment.held_reasons = held_reasons
    comment.status = CommentStatus.PENDING.value
    comment.updated = utcnow()
    pages.changed(comment.page, was_visible, False)


def delete_comment(comment: Comment) -> None:
    """Remove a comment and any replies to it (withdrawn by its writer, or erased). One already
    removed in this transaction (a reply, erased with the comment it answered) is left alone."""
    if inspect(comment).deleted:
        return
    replies = db.session.scalars(select(Comment).where(Comment.parent_id == comment.id)).all()
    # Replies first, in a flush of their own: one flush deletes in id order, and a reply with a
    # higher id than the comment it answers would still point at it (a foreign key failure).
    for group in (replies, [comment]):
        for item in group:
            pages.changed(item.page, item.status == APPROVED, False)
            db.session.delete(item)
        db.session.flush()


def redact_comment(comment: Comment, body: str, html: str, held_reasons: list[dict]) -> None:
    """Replace the text with a moderator's redacted version (the caller then approves it)."""
    comment.body = body
    comment.html = html
    comment.held_reasons = held_reasons
    comment.updated = utcnow()
    if comment.status == APPROVED:
        pages.changed(comment.page, True, True)


def set_needs_response(comment: Comment, value: bool) -> None:
    """Mark or clear a question waiting for an official answer (not visible to readers)."""
    comment.needs_response = value
    comment.updated = utcnow()


def add_official_reply(
    parent: Comment,
    *,
    body: str,
    html: str,
    author: str,
    staff_id: int | None,
    tag: str | None,
    edit_token_hash: str,
) -> Comment:
    """The organisation's reply under `parent`, published at once; the question is answered.
    Under a social item it is not published here: it is posted back on the item's platform
    (`remote_state` "sending", for the worker)."""
    now = utcnow()
    social = parent.source != SITE
    reply = Comment(
        page=parent.page,
        source=parent.source,
        remote_state="sending" if social else None,
        parent_id=parent.id,
        author=author,
        body=body,
        html=html,
        status=CommentStatus.REVIEWED.value if social else APPROVED,
        held_reasons=[],
        official=True,
        staff_id=staff_id,
        reply_tag=tag,
        edit_token_hash=edit_token_hash,
        created=now,
        updated=now,
        moderated=now,
    )
    db.session.add(reply)
    parent.needs_response = False
    if not social:
        pages.changed(parent.page, False, True)
    db.session.flush()  # the reply's id, for the audit entry
    return reply


class SaidCount(NamedTuple):
    """How many comments or social items share these: page, status, whether from social media,
    channel, whether ours (official) and whether deleted upstream (gone)."""

    page: str | None
    status: str
    social: bool
    channel: str | None
    official: bool
    gone: bool
    count: int


def said_counts(
    page: str | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> list[SaidCount]:
    """Comments and social items counted in one GROUP BY (on `page`, when given; created from
    `start`, before `end`, when given): the reports' figures without reading every comment."""
    social = Comment.source != SITE
    gone = Comment.gone.is_not(None)
    keys = (Comment.page, Comment.status, social, Comment.channel, Comment.official, gone)
    query = select(*keys, func.count())
    if page is not None:
        query = query.where(Comment.page == page)
    if start is not None:
        query = query.where(Comment.created >= start)
    if end is not None:
        query = query.where(Comment.created < end)
    return [SaidCount(*row) for row in db.session.execute(query.group_by(*keys))]


def latest_published(
    page: str, channel: str | bool | None = True, limit: int = 30
) -> list[Comment]:
    """The page's latest `limit` published comments, oldest first: through `channel` only (ours
    always), or through any when `channel` is True."""
    query = select(Comment).where(Comment.page == page, Comment.status == APPROVED)
    if channel is not True:
        through = Comment.channel.is_(None) if channel is None else Comment.channel == channel
        query = query.where(Comment.official.is_(True) | through)
    newest = query.order_by(Comment.created.desc(), Comment.id.desc()).limit(limit)
    return list(reversed(db.session.scalars(newest).all()))


class Timing(NamedTuple):
    """What the responsiveness figures read of a comment, without its text: loading these for
    every comment is a fraction of loading the comments."""

    id: int
    page: str | None
    parent_id: int | None
    source: str
    status: str
    official: bool
    private: bool
    needs_response: bool
    reply_tag: str | None
    channel: str | None
    created: datetime.datetime
    moderated: datetime.datetime | None
    gone: datetime.datetime | None

    @property
    def social(self) -> bool:
        return self.source != SITE


def timings() -> list[Timing]:
    """Every comment's Timing, oldest first."""
    columns = [getattr(Comment, name) for name in Timing._fields]
    query = select(*columns).order_by(Comment.created, Comment.id)
    return [Timing(*row) for row in db.session.execute(query)]
