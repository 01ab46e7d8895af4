"""Every query the API makes, by name. Views call these; they never build SQL themselves.

Changes that readers can see (approve, reject an approved comment, edit or delete one) update the
page row's approved count and version in the same transaction as the comment, so counts and
cached lists can never disagree with the comments.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from feedback_api.storage.models import AuditEntry, Comment, Page, Response, db, utcnow


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
    needs_response: bool = False,
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
        needs_response=needs_response,
    )
    db.session.add(comment)
    db.session.commit()
    return comment


def add_response(
    *,
    questionnaire: str,
    reference: str,
    answers: dict,
    held_reasons: dict,
    spam: bool,
    ip_hash: str | None,
) -> Response:
    """Store one person's answers and commit: the caller acknowledges only after this."""
    response = Response(
        questionnaire=questionnaire,
        reference=reference,
        answers=answers,
        held_reasons=held_reasons,
        spam=spam,
        ip_hash=ip_hash,
    )
    db.session.add(response)
    db.session.commit()
    return response


def response_exists(reference: str) -> bool:
    return (
        bool(reference)
        and db.session.scalar(select(Response.id).where(Response.reference == reference))
        is not None
    )


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


def pages_with_approved_comments() -> list[str]:
    """Every page that has at least one approved comment."""
    query = select(Page.url).where(Page.approved_count > 0).order_by(Page.url)
    return list(db.session.scalars(query).all())


def approved_counts(urls: Iterable[str]) -> dict[str, int]:
    """Approved comments per page, from the page rows: cheap however many comments exist."""
    wanted = list(dict.fromkeys(urls))
    rows = db.session.execute(
        select(Page.url, Page.approved_count).where(Page.url.in_(wanted))
    ).all()
    found = dict(rows)
    return {url: found.get(url, 0) for url in wanted}


def recent_comments(status: str, page: str | None = None, limit: int = 50) -> list[Comment]:
    """The newest comments in a state (for feeds), newest first."""
    query = select(Comment).where(Comment.status == status)
    if page:
        query = query.where(Comment.page == page)
    query = query.order_by(Comment.updated.desc(), Comment.id.desc()).limit(limit)
    return list(db.session.scalars(query).all())


def comments(status: str | None = None, page: str | None = None) -> Sequence[Comment]:
    """Comments for operators, oldest first, optionally by status and page."""
    query = select(Comment).order_by(Comment.created, Comment.id)
    if status:
        query = query.where(Comment.status == status)
    if page:
        query = query.where(Comment.page == page)
    return db.session.scalars(query).all()


def set_status(
    comment: Comment, status: str, reason: str | None = None, *, commit: bool = True
) -> None:
    """Move a comment to a new status, keeping the page's count and version true; commits unless
    `commit=False` (a moderator's action commits with its audit entry)."""
    was_visible = comment.status == "approved"
    comment.status = status
    comment.reject_reason = reason
    comment.moderated = utcnow()
    comment.updated = comment.moderated
    _page_changed(comment.page, was_visible, status == "approved")
    if commit:
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


# --- The moderation queue: these change the session and leave the commit to the caller, which
# commits the change together with its audit entry.

QUEUE_PAGE_SIZE = 50


def moderation_queue(
    *,
    status: str = "pending",
    page: str | None = None,
    kind: str | None = None,
    search: str | None = None,
    number: int = 1,
    size: int = QUEUE_PAGE_SIZE,
) -> tuple[list[Comment], int]:
    """One page of the queue, oldest first, and how many items match in all.

    `status` is a comment status or "needs-response" (questions waiting for an official answer);
    `kind` a screening kind; `search` a case-insensitive substring of the text or author.
    """
    query = select(Comment)
    if status == "needs-response":
        query = query.where(Comment.needs_response.is_(True), Comment.status != "spam")
    else:
        query = query.where(Comment.status == status)
    if page:
        query = query.where(Comment.page == page)
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
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(Comment.created, Comment.id).offset((number - 1) * size).limit(size)
    return list(db.session.scalars(ordered).all()), total


def commented_pages() -> list[str]:
    """Every page that has at least one comment, for the queue's page filter."""
    return list(db.session.scalars(select(Page.url).order_by(Page.url)).all())


def comments_by_id(ids: Iterable[int]) -> list[Comment]:
    """The comments with these ids (unknown ids are left out), oldest first."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    query = select(Comment).where(Comment.id.in_(wanted)).order_by(Comment.created, Comment.id)
    return list(db.session.scalars(query).all())


def redact(comment: Comment, body: str, html: str, held_reasons: list[dict]) -> None:
    """Replace the text with a moderator's redacted version (the caller then approves it)."""
    comment.body = body
    comment.html = html
    comment.held_reasons = held_reasons
    comment.updated = utcnow()
    if comment.status == "approved":
        _page_changed(comment.page, True, True)


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
    staff_id: int,
    tag: str | None,
    edit_token_hash: str,
) -> Comment:
    """The organisation's reply under `parent`, published at once; the question is answered."""
    now = utcnow()
    reply = Comment(
        page=parent.page,
        parent_id=parent.id,
        author=author,
        body=body,
        html=html,
        status="approved",
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
    _page_changed(parent.page, False, True)
    db.session.flush()  # the reply's id, for the audit entry
    return reply


def audit_actions() -> list[str]:
    """Every action the audit log holds, for its filter."""
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return list(db.session.scalars(query).all())


def commit() -> None:
    """End a moderator's action: the change and its audit entry together."""
    db.session.commit()


def comments_since(moment: datetime.datetime) -> int:
    """How many comments were stored after `moment` (for health and tests)."""
    return db.session.scalar(select(func.count()).where(Comment.created > moment)) or 0


def database_ok() -> bool:
    """Whether the database answers a trivial query."""
    db.session.execute(select(1))
    return True
