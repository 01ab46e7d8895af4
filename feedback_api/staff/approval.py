"""Publishing a comment: approve it, approve it after a moderator's redaction, or remove every
highlighted detail in one action.

An item held for personal data is never published by a single press of "Approve": the moderator
is asked first, on a page of its own, so the question works without JavaScript (the NHS.UK
"are you sure" pattern: a plain page with the choices as buttons). Every route is on the
moderation blueprint's addresses and writes its audit entry in the publishing transaction.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for

from contract.vocabulary import AuditAction, CommentStatus
from feedback_api.public.comments import screened
from feedback_api.public.submissions import body_problem
from feedback_api.render import render_comment
from feedback_api.staff.auth import staff_required
from feedback_api.staff.moderation import (
    _audited,
    _back,
    _comment,
    _comment_page,
    _done,
    _label,
    _published,
)
from feedback_api.staff.moderation_view import describe, personal_data_names, redacted
from feedback_api.storage import transaction
from feedback_api.storage.comments import redact_comment, set_status
from feedback_api.storage.models import Comment
from feedback_api.theme import render_page

bp = Blueprint("approval", __name__, url_prefix="/admin")

ARTICLES = {"NHS number": "an", "email address": "an", "address": "an"}


def question(names: list[str]) -> str:
    """'This comment contains an NHS number. Publish anyway, or remove it first?'"""
    things = [f"{ARTICLES.get(name.split(' in the ')[0], 'a')} {name}" for name in names]
    listed = things[0] if len(things) == 1 else ", ".join(things[:-1]) + " and " + things[-1]
    pronoun = "it" if len(things) == 1 else "them"
    return f"This comment contains {listed}. Publish anyway, or remove {pronoun} first?"


@bp.post("/comments/<int:comment_id>/approve")
@staff_required()
def approve(comment_id: int) -> Any:
    """Publish; an item held for personal data is confirmed first unless the form says so."""
    item = _comment(comment_id)
    if item.social:  # public where it was written, never published here: read, and done
        _audited(AuditAction.REVIEW, item, lambda: set_status(item, CommentStatus.REVIEWED))
        reply = url_for("moderation.comment", comment_id=item.id, _anchor="reply-heading")
        return _done(f"Marked {_label(item)} as reviewed.", (f"Reply on {item.source}", reply))
    was_published = item.status == CommentStatus.APPROVED
    names = personal_data_names(item.held_reasons)
    if names and not was_published and request.form.get("confirm") != "yes":
        return render_page(
            "admin/approve_confirm.html",
            admin_section="queue",
            item=describe(item),
            question=question(names),
            back=_back(),
        )
    with transaction():
        _audited(AuditAction.APPROVE, item, lambda: set_status(item, CommentStatus.APPROVED))
        if not was_published:
            _published(item)
    reply = url_for("moderation.comment", comment_id=item.id, _anchor="reply-heading")
    return _done(
        f"Approved {_label(item)}. It is now published.", ("Reply as the organisation", reply)
    )


def _redact_and_publish(item: Comment, body: str, detail: str = "") -> None:
    """Store `body` in place of the text, screen it again, publish it, audited as one action."""

    def change() -> None:
        html = render_comment(body)
        redact_comment(item, body, html, screened(body, item.author, html))
        set_status(item, CommentStatus.APPROVED)

    with transaction():
        was_published = item.status == CommentStatus.APPROVED
        _audited(AuditAction.REDACT_AND_APPROVE, item, change, detail=detail)
        if not was_published and not item.social:
            _published(item)


def _outcome(item: Comment) -> str:
    """What became of an item once redacted: published, or (said on social media) our copy."""
    if item.social:
        return f"Our copy is marked reviewed; the original stays on {item.source}."
    return "It is now published."


@bp.post("/comments/<int:comment_id>/redact")
@staff_required()
def redact(comment_id: int) -> Response:
    """Save the moderator's redacted text and approve; the original stays only in the audit."""
    item = _comment(comment_id)
    body = request.form.get("body", "").replace("\r\n", "\n").strip()
    if trouble := body_problem(body):
        return _comment_page(item, {"body": trouble}, body=body)
    _redact_and_publish(item, body)
    return _done(f"Redacted and approved {_label(item)}. {_outcome(item)}")


@bp.post("/comments/<int:comment_id>/remove-highlighted")
@staff_required()
def remove_highlighted(comment_id: int) -> Response:
    """Replace every highlighted span (e.g. '[NHS number removed]') and publish, in one action."""
    item = _comment(comment_id)
    body = redacted(item.body, item.held_reasons).strip()
    if trouble := body_problem(body):
        return _comment_page(item, {"body": trouble}, body=body)
    _redact_and_publish(item, body, detail="highlighted details removed")
    return _done(f"Removed the highlighted details and approved {_label(item)}. {_outcome(item)}")
