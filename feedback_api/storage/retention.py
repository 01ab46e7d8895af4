"""Retention: what the privacy notice says is kept no longer, counted and removed.

Rejected and spam comments go after `rejected` days (unless a reply hangs under one); client
address hashes and email addresses are cleared from comments older than their own limits;
delivered and failed outbox messages (addresses and text again) go after `outbox` days; what
was heard on social media (and our replies to it) after `social` days.
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from contract.vocabulary import CommentStatus
from feedback_api.storage.models import Comment, OutboxMessage, db
from feedback_api.storage.outbox import OutboxStatus
from feedback_api.storage.social import remove_social_older_than, social_older_than

SETTLED = (OutboxStatus.SENT.value, OutboxStatus.FAILED.value)

REJECTED = "rejected or spam comments deleted"
IP_HASHES = "client address hashes cleared"
EMAILS = "email addresses cleared"
OUTBOX = "sent or failed notices deleted"
SOCIAL = "social media items deleted"


def _old_rejected(cutoff: datetime.datetime) -> Any:
    unwanted = (CommentStatus.REJECTED.value, CommentStatus.SPAM.value)
    return select(Comment.id).where(
        Comment.status.in_(unwanted),
        Comment.updated < cutoff,
        ~Comment.id.in_(select(Comment.parent_id).where(Comment.parent_id.is_not(None))),
    )


def _old_settled(cutoff: datetime.datetime) -> Any:
    return select(OutboxMessage.id).where(
        OutboxMessage.status.in_(SETTLED), OutboxMessage.created < cutoff
    )


def _count(query: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def due(cutoffs: dict[str, datetime.datetime]) -> dict[str, int]:
    """How much each rule would remove; `cutoffs` has "rejected", "ip", "email" and "outbox"
    moments."""
    return {
        REJECTED: _count(_old_rejected(cutoffs["rejected"])),
        IP_HASHES: _count(
            select(Comment.id).where(Comment.ip_hash.is_not(None), Comment.created < cutoffs["ip"])
        ),
        EMAILS: _count(
            select(Comment.id).where(Comment.email.is_not(None), Comment.created < cutoffs["email"])
        ),
        OUTBOX: _count(_old_settled(cutoffs["outbox"])),
        SOCIAL: _count(social_older_than(cutoffs["social"])),
    }


def remove(cutoffs: dict[str, datetime.datetime]) -> None:
    """Remove what `due` counts (in the caller's transaction)."""
    db.session.execute(delete(Comment).where(Comment.id.in_(_old_rejected(cutoffs["rejected"]))))
    db.session.execute(update(Comment).where(Comment.created < cutoffs["ip"]).values(ip_hash=None))
    db.session.execute(
        update(Comment).where(Comment.created < cutoffs["email"]).values(email=None, notify=False)
    )
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.id.in_(_old_settled(cutoffs["outbox"])))
    )
    remove_social_older_than(cutoffs["social"])
