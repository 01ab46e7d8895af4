"""Every query the API makes, by name. Views call these; they never build SQL themselves.

Changes that readers can see (approve, reject an approved comment, edit or delete one) update the
page row's approved count and version in the same transaction as the comment, so counts and
cached lists can never disagree with the comments.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .models import Comment, Page, db, utcnow


def ensure_page(url: str) -> None:
    """Create the page's row if it is the first comment there; safe under concurrent posts."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(Page).values(url=url).on_conflict_do_nothing(index_elements=["url"]))


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
) -> Comment:
    """Store a new comment and commit: the caller answers the reader only after this returns."""
    ensure_page(page)
    comment = Comment(
        page=page,
        body=body,
        html=html,
        status=status,
        held_reasons=held_reasons,
        edit_token_hash=edit_token_hash,
        author=author,
        email=email,
        notify=notify,
        parent_id=parent_id,
        ip_hash=ip_hash,
    )
    db.session.add(comment)
    db.session.commit()
    return comment


def get_comment(comment_id: int) -> Comment | None:
    return db.session.get(Comment, comment_id)


def approved_parent(comment_id: int, page: str) -> Comment | None:
    """An approved top-level comment on `page` that a reply may hang under."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.page != page or comment.status != "approved":
        return None
    return comment if comment.parent_id is None else None


def page_state(url: str) -> tuple[int, int]:
    """(version, approved count) of a page; (0, 0) for a page nobody has commented on."""
    row = db.session.execute(
        select(Page.version, Page.approved_count).where(Page.url == url)
    ).first()
    return (row.version, row.approved_count) if row else (0, 0)


def approved_comments(url: str) -> Sequence[Comment]:
    """A page's approved comments and replies, oldest first."""
    query = (
        select(Comment)
        .where(Comment.page == url, Comment.status == "approved")
        .order_by(Comment.created, Comment.id)
    )
    return db.session.scalars(query).all()


def approved_counts(urls: Iterable[str]) -> dict[str, int]:
    """Approved comments per page, from the page rows: cheap however many comments exist."""
    wanted = list(dict.fromkeys(urls))
    rows = db.session.execute(
        select(Page.url, Page.approved_count).where(Page.url.in_(wanted))
    ).all()
    found = dict(rows)
    return {url: found.get(url, 0) for url in wanted}


def comments(status: str | None = None, page: str | None = None) -> Sequence[Comment]:
    """Comments for operators, oldest first, optionally by status and page."""
    query = select(Comment).order_by(Comment.created, Comment.id)
    if status:
        query = query.where(Comment.status == status)
    if page:
        query = query.where(Comment.page == page)
    return db.session.scalars(query).all()


def set_status(comment: Comment, status: str, reason: str | None = None) -> None:
    """Move a comment to a new status and commit, keeping the page's count and version true."""
    was_visible = comment.status == "approved"
    comment.status = status
    comment.reject_reason = reason
    comment.moderated = utcnow()
    comment.updated = comment.moderated
    _page_changed(comment.page, was_visible, status == "approved")
    db.session.commit()


def edit_comment(comment: Comment, body: str, html: str, held_reasons: list[dict]) -> None:
    """The writer's own change to their text; commits. Changed text is checked again by a
    moderator, so an approved comment goes back to pending."""
    was_visible = comment.status == "approved"
    comment.body = body
    comment.html = html
    comment.held_reasons = held_reasons
    comment.status = "pending"
    comment.updated = utcnow()
    _page_changed(comment.page, was_visible, False)
    db.session.commit()


def delete_comment(comment: Comment) -> None:
    """The writer withdraws their comment (and any replies to it); commits."""
    replies = db.session.scalars(select(Comment).where(Comment.parent_id == comment.id)).all()
    for item in [*replies, comment]:
        _page_changed(item.page, item.status == "approved", False)
        db.session.delete(item)
    db.session.commit()


def _page_changed(url: str, was_visible: bool, is_visible: bool) -> None:
    if not (was_visible or is_visible):
        return
    db.session.execute(
        update(Page)
        .where(Page.url == url)
        .values(
            version=Page.version + 1,
            approved_count=Page.approved_count + (int(is_visible) - int(was_visible)),
        )
    )


def comments_since(moment: datetime.datetime) -> int:
    """How many comments were stored after `moment` (for health and tests)."""
    return db.session.scalar(select(func.count()).where(Comment.created > moment)) or 0


def database_ok() -> bool:
    """Whether the database answers a trivial query."""
    db.session.execute(select(1))
    return True
