"""People's rights and retention: find, export and erase what someone submitted; purge what is
kept no longer than the privacy notice says. Each run is one transaction with its audit entry:
an erasure or a purge is done, and logged, completely or not at all."""

from __future__ import annotations

import datetime
from typing import Any

from contract.vocabulary import AuditAction
from feedback_api.staff.times import uk_iso
from feedback_api.storage import audit, retention, social, transaction
from feedback_api.storage import outbox as outbox_rows
from feedback_api.storage.comments import delete_comment, submitted_with
from feedback_api.storage.models import Comment, User, utcnow


def submitted_by(who: str) -> list[Comment]:
    """Everything stored with this email address, or heard on social media from this handle
    (case-insensitive; "@reader@example.social" or "reader.bsky.social"), oldest first."""
    if not who.strip():
        return []
    found = {c.id: c for c in [*submitted_with(who), *social.with_handle(who)]}
    return sorted(found.values(), key=lambda c: (c.created, c.id))


def export(email: str) -> dict[str, Any]:
    """A subject access export: what we hold and why, as JSON-ready data (times in UK time with
    their offset, as the person and staff read them)."""
    return {
        "email": email.strip().lower(),
        "exported": uk_iso(utcnow()),
        "comments": [
            {
                "id": c.id,
                "page": c.page,
                "created": uk_iso(c.created),
                "status": c.status,
                "author": c.author,
                "body": c.body,
                "notify": c.notify,
                "reject_reason": c.reject_reason,
                "source": c.source,
                "handle": c.handle,
                "link": c.remote_url,
            }
            for c in submitted_by(email)
        ],
    }


def erase(email: str, staff: User | None = None) -> int:
    """Delete everything submitted with this email (or heard from this handle), and replies to
    it; the audit keeps counts. (What was said on social media stays there: the person deletes
    it on the platform; we delete our copy.)

    One transaction: if any item (or the audit entry) fails, nothing is erased and the person's
    request can simply be run again.
    """
    with transaction():
        found = submitted_by(email)
        for comment in found:
            delete_comment(comment)
        # Notices still queued to the person (a reply to their comment) go too.
        outbox_rows.forget_recipient(email)
        audit.record(
            AuditAction.PERSONAL_DATA_ERASED,
            target="(email withheld)",
            user=staff,
            detail=f"{len(found)} comment(s) erased at the person's request",
        )
    return len(found)


def purge(
    rejected_days: int,
    ip_days: int,
    email_days: int,
    outbox_days: int = 30,
    social_days: int = 365,
    *,
    dry_run: bool = False,
) -> dict[str, int]:
    """Remove what the retention settings say is no longer kept."""
    now = utcnow()
    cutoffs = {
        "rejected": now - datetime.timedelta(days=rejected_days),
        "ip": now - datetime.timedelta(days=ip_days),
        "email": now - datetime.timedelta(days=email_days),
        "outbox": now - datetime.timedelta(days=outbox_days),
        "social": now - datetime.timedelta(days=social_days),
    }
    counts = retention.due(cutoffs)
    if dry_run:
        return counts
    with transaction():
        retention.remove(cutoffs)
        audit.record(
            AuditAction.PURGE, user=None, after=counts, detail="retention settings applied"
        )
    return counts
