"""Commitment notices: which status changes of a consultation's "You said, we did" commitments
have been announced, and who asked to hear back about that consultation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from contract.vocabulary import CommentStatus
from feedback_api.storage.learning.models import CommitmentNotice
from feedback_api.storage.models import SITE, Comment, db, utcnow

# A change as the manifest tells it: (commitment id, status, history entry's day).
Change = tuple[str, str, str]

# Comments whose writer is not asked again: a moderator judged them unwanted.
UNWANTED = (CommentStatus.REJECTED.value, CommentStatus.SPAM.value)


def announced(page: str) -> set[Change]:
    """Every change recorded for this page (empty: the page's first run)."""
    query = select(
        CommitmentNotice.commitment, CommitmentNotice.status, CommitmentNotice.changed
    ).where(CommitmentNotice.page == page)
    return {(row[0], row[1], row[2]) for row in db.session.execute(query)}


def record(page: str, change: Change) -> CommitmentNotice | None:
    """Record a change as announced, in the current transaction; None when it is recorded
    already (another run got there first: that run announces it)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    commitment, status, changed = change
    statement = (
        insert(CommitmentNotice)
        .values(
            page=page,
            commitment=commitment,
            status=status,
            changed=changed,
            recorded=utcnow(),
            mailed=0,
        )
        .on_conflict_do_nothing(index_elements=["page", "commitment", "status", "changed"])
        .returning(CommitmentNotice.id)
    )
    new_id = db.session.execute(statement).scalar()
    return None if new_id is None else db.session.get(CommitmentNotice, new_id)


def subscribers(page: str) -> list[str]:
    """The addresses of readers who commented on this page and ticked "email me", once each
    (compared without case), oldest comment first: not staff replies, and not comments a
    moderator rejected or marked as spam. Erased people's comments are gone, and retention
    clears an address with its `notify`, so neither is found."""
    query = (
        select(Comment.email)
        .where(
            Comment.page == page,
            Comment.source == SITE,
            Comment.notify.is_(True),
            Comment.email.is_not(None),
            Comment.email != "",
            Comment.official.is_(False),
            Comment.status.notin_(UNWANTED),
        )
        .order_by(Comment.created, Comment.id)
    )
    found: dict[str, str] = {}
    for address in db.session.scalars(query):
        found.setdefault(address.strip().lower(), address.strip())
    return list(found.values())
