"""People's rights and retention: find, export and erase what someone submitted; purge what is
kept no longer than the privacy notice says. Each run is written to the audit log."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from feedback_api.public.comments import iso
from feedback_api.storage import audit
from feedback_api.storage import queries as storage
from feedback_api.storage.models import Comment, db, utcnow


def submitted_by(email: str) -> list[Comment]:
    """Everything stored with this email address (case-insensitive), oldest first."""
    wanted = email.strip().lower()
    query = select(Comment).where(func.lower(Comment.email) == wanted)
    return list(db.session.scalars(query.order_by(Comment.created, Comment.id)).all())


def export(email: str) -> dict[str, Any]:
    """A subject access export: what we hold and why, as JSON-ready data."""
    return {
        "email": email.strip().lower(),
        "exported": iso(utcnow()),
        "comments": [
            {
                "id": c.id,
                "page": c.page,
                "created": iso(c.created),
                "status": c.status,
                "author": c.author,
                "body": c.body,
                "notify": c.notify,
                "reject_reason": c.reject_reason,
            }
            for c in submitted_by(email)
        ],
    }


def erase(email: str, staff: Any = None) -> int:
    """Delete everything submitted with this email, and replies to it; the audit keeps counts."""
    found = submitted_by(email)
    for comment in found:
        storage.delete_comment(comment)
    audit.record(
        "personal data erased",
        target="(email withheld)",
        user=staff,
        detail=f"{len(found)} comment(s) erased at the person's request",
        commit=True,
    )
    return len(found)


def purge(
    rejected_days: int, ip_days: int, email_days: int, *, dry_run: bool = False
) -> dict[str, int]:
    """Remove what the retention settings say is no longer kept."""
    now = utcnow()
    cutoff = {
        "rejected": now - datetime.timedelta(days=rejected_days),
        "ip": now - datetime.timedelta(days=ip_days),
        "email": now - datetime.timedelta(days=email_days),
    }
    old_rejected = select(Comment.id).where(
        Comment.status.in_(("rejected", "spam")),
        Comment.updated < cutoff["rejected"],
        ~Comment.id.in_(select(Comment.parent_id).where(Comment.parent_id.is_not(None))),
    )
    counts = {
        "rejected or spam comments deleted": _count(old_rejected),
        "client address hashes cleared": _count(
            select(Comment.id).where(Comment.ip_hash.is_not(None), Comment.created < cutoff["ip"])
        ),
        "email addresses cleared": _count(
            select(Comment.id).where(Comment.email.is_not(None), Comment.created < cutoff["email"])
        ),
    }
    if dry_run:
        return counts
    db.session.execute(delete(Comment).where(Comment.id.in_(old_rejected)))
    db.session.execute(update(Comment).where(Comment.created < cutoff["ip"]).values(ip_hash=None))
    db.session.execute(
        update(Comment).where(Comment.created < cutoff["email"]).values(email=None, notify=False)
    )
    audit.record("purge", user=None, after=counts, detail="retention settings applied")
    db.session.commit()
    return counts


def _count(query: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
