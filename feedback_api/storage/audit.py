"""The audit log: every staff action with who, when, what, and the state before and after.

`record` adds the entry to the caller's open `transaction()` (and refuses to run outside one), so
an action and its audit entry are committed together or not at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from contract.vocabulary import AuditAction
from feedback_api.storage import in_transaction
from feedback_api.storage.models import AuditEntry, Comment, User, db

TARGET_LENGTH: int = AuditEntry.__table__.c.target.type.length


def fit(text: str, length: int) -> str:
    """`text`, shortened with an ellipsis when it is longer than `length` characters."""
    return text if len(text) <= length else text[: length - 1] + "\u2026"


def record(
    action: AuditAction,
    *,
    target: str = "",
    user: User | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
) -> AuditEntry:
    """Add an entry for `action` to the caller's transaction.

    `target` is often typed by someone else (the address tried at sign-in): it is cut to fit
    its column, so a long one can never turn the entry, and the action with it, into an error.
    """
    if not in_transaction():
        raise RuntimeError("An audit entry is recorded inside the transaction of its action.")
    entry = AuditEntry(
        action=AuditAction(action).value,
        target=fit(target, TARGET_LENGTH),
        user_id=user.id if user is not None else None,
        before=before,
        after=after,
        detail=detail,
    )
    db.session.add(entry)
    return entry


def comment_state(comment: Comment) -> dict[str, Any]:
    """What the audit keeps of a comment, before and after a change."""
    return {
        "status": comment.status,
        "body": comment.body,
        "author": comment.author,
        "reject_reason": comment.reject_reason,
        "needs_response": comment.needs_response,
    }


def entries(limit: int = 200, action: str | None = None) -> list[AuditEntry]:
    """The newest entries first, of one action when given."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query).all())


def actions() -> list[str]:
    """Every action the audit log holds, for its filter."""
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return list(db.session.scalars(query).all())
