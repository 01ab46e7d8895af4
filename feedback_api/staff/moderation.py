"""The moderation workspace at /admin: the queue, actions on comments, replies, the audit log.
Publishing (approve, redact and approve) is in approval.py, on the same addresses.

Every action changes the comment and writes its audit entry (the state before and after) in one
transaction, then sends the moderator back to the queue they came from with a notice naming what
was done. The queue shows each comment's own text, escaped, with the spans screening held it for
marked: user text never passes through `|safe` here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, flash, g, redirect, request, url_for
from markupsafe import Markup

from contract.vocabulary import AuditAction, CommentStatus, Role
from feedback_api import signals
from feedback_api.accounts import service as accounts
from feedback_api.boundary import local_path, page_number, record_ids
from feedback_api.errors import FeedbackError
from feedback_api.public.submissions import body_problem
from feedback_api.public.tokens import new_edit_token
from feedback_api.render import render_comment
from feedback_api.screening import KINDS
from feedback_api.staff.auth import staff_required
from feedback_api.staff.moderation_view import (
    KIND_NAMES,
    SOURCE_NAMES,
    STATUS_NAMES,
    audit_row,
    describe,
    personal_data_names,
    reply_preview,
)
from feedback_api.storage import audit, transaction
from feedback_api.storage.comments import (
    add_official_reply,
    comments_by_id,
    get_comment,
    set_needs_response,
    set_status,
)
from feedback_api.storage.models import REPLY_TAGS, STATUSES, Comment
from feedback_api.storage.pages import commented_pages
from feedback_api.storage.queue import NEEDS_RESPONSE, QUEUE_PAGE_SIZE, moderation_queue
from feedback_api.theme import render_page

bp = Blueprint("moderation", __name__, url_prefix="/admin")

# What each bulk action (the form's value) records, and the status it moves comments to.
BULK_ACTIONS = {
    AuditAction.APPROVE.value: CommentStatus.APPROVED,
    AuditAction.REJECT.value: CommentStatus.REJECTED,
    AuditAction.SPAM.value: CommentStatus.SPAM,
}
BULK_DONE = {
    CommentStatus.APPROVED: "Approved",
    CommentStatus.REJECTED: "Rejected",
    CommentStatus.SPAM: "Marked as spam",
}
AUDIT_PAGE_SIZE = 500
AUDIT_EXPORT_LIMIT = 1_000_000


def ground_rules() -> list[dict]:
    return current_app.extensions["engage_manifest"].get().site.get("ground_rules", [])


# --- The queue ---------------------------------------------------------------------------------


def _filters() -> dict[str, Any]:
    """The queue's filters from the query string; unknown values fall back to the defaults."""
    args = request.args
    status = args.get("status", CommentStatus.PENDING)
    kind = args.get("kind", "")
    number = page_number(args.get("p", "1"))
    return {
        "status": status if status in (*STATUSES, NEEDS_RESPONSE) else CommentStatus.PENDING,
        "page": args.get("page", ""),
        "kind": kind if kind in KINDS else "",
        "q": args.get("q", "").strip()[:200],
        "source": args.get("source", "") if args.get("source", "") in SOURCE_NAMES else "",
        "p": number,
    }


def _queue_url(filters: dict[str, Any], **changes: Any) -> str:
    wanted = {**filters, **changes}
    query = {k: v for k, v in wanted.items() if v and not (k == "p" and v == 1)}
    if query.get("status") == CommentStatus.PENDING:
        query.pop("status")
    return url_for("moderation.queue", **query)


@bp.get("/")
@staff_required()
def queue() -> Any:
    """Items oldest first (pending by default), with why each was held; filters and pages."""
    filters = _filters()
    items, total, official = moderation_queue(
        status=filters["status"],
        page=filters["page"] or None,
        kind=filters["kind"] or None,
        search=filters["q"] or None,
        source=filters["source"] or None,
        number=filters["p"],
    )
    manifest = current_app.extensions["engage_manifest"].get()
    pages = [(url, (manifest.page(url) or {}).get("title", url)) for url in commented_pages()]
    last = max(1, -(-total // QUEUE_PAGE_SIZE))
    return render_page(
        "admin/queue.html",
        admin_section="queue",
        items=[describe(item) for item in items],
        total=total,
        official=official,
        filters=filters,
        pages=pages,
        statuses=STATUS_NAMES,
        kinds=KIND_NAMES,
        sources=SOURCE_NAMES,
        rules=ground_rules(),
        here=_queue_url(filters),
        previous_url=_queue_url(filters, p=filters["p"] - 1) if filters["p"] > 1 else None,
        next_url=_queue_url(filters, p=filters["p"] + 1) if filters["p"] < last else None,
        page_number=filters["p"],
        last_page=last,
    )


@bp.get("/comments/<int:comment_id>")
@staff_required()
def comment(comment_id: int) -> Any:
    """One item: reject with a ground rule, redact then approve, reply as the organisation."""
    item = _comment(comment_id)
    return _comment_page(item)


def _comment_page(item: Comment, errors: dict[str, str] | None = None, **values: Any) -> Any:
    parent = get_comment(item.parent_id) if item.parent_id else None
    html = render_page(
        "admin/comment.html",
        admin_section="queue",
        item=describe(item),
        parent=describe(parent) if parent else None,
        rules=ground_rules(),
        tags=REPLY_TAGS,
        back=_back(),
        errors=errors or {},
        values=values,
    )
    return Response(html, status=400 if errors else 200, mimetype="text/html")


# --- Actions -----------------------------------------------------------------------------------


def _comment(comment_id: int) -> Comment:
    item = get_comment(comment_id)
    if item is None:
        raise FeedbackError("There is no such comment.", 404)
    return item


def _back() -> str:
    """Where to return after an action: the queue view the moderator came from."""
    return local_path(request.values.get("next"), "/admin/") or url_for("moderation.queue")


def _done(message: str, then: tuple[str, str] | None = None) -> Response:
    """Back where the moderator was, with a banner saying what happened and, when there is an
    obvious next step, a link to it: (link text, address)."""
    if then:
        text, href = then
        message = Markup('{} <a href="{}">{}</a>').format(message, href, text)
    flash(message, "success")
    return redirect(_back(), code=303)


def _audited(action: AuditAction, item: Comment, change: Any, detail: str = "") -> None:
    """Apply `change` to the comment and record it, before and after, in one transaction (the
    view's own, when it holds one open for several items)."""
    with transaction():
        before = audit.comment_state(item)
        change()
        audit.record(
            action,
            target=f"comment {item.id}",
            user=g.user,
            before=before,
            after=audit.comment_state(item),
            detail=detail,
        )


def _published(*items: Comment) -> None:
    """Tell subscribers (the writers' notices) about comments just published, inside the
    transaction that publishes them."""
    app = current_app._get_current_object()
    for item in items:
        signals.comment_approved.send(app, comment=item, staff=g.user)


def _rule(rule_id: str) -> dict | None:
    return next((rule for rule in ground_rules() if rule["id"] == rule_id), None)


def _label(item: Comment) -> str:
    return f"comment {item.id} by {item.author or 'anonymous'}"


@bp.post("/comments/<int:comment_id>/spam")
@staff_required()
def spam(comment_id: int) -> Response:
    item = _comment(comment_id)
    _audited(AuditAction.SPAM, item, lambda: set_status(item, CommentStatus.SPAM))
    return _done(f"Marked {_label(item)} as spam.")


@bp.post("/comments/<int:comment_id>/reject")
@staff_required()
def reject(comment_id: int) -> Response:
    item = _comment(comment_id)
    rule = _rule(request.form.get("reason", ""))
    if rule is None:
        return _comment_page(item, {"reason": "Choose the ground rule this comment breaks."})
    _audited(
        AuditAction.REJECT,
        item,
        lambda: set_status(item, CommentStatus.REJECTED, rule["id"]),
        detail=rule["title"],
    )
    return _done(f"Rejected {_label(item)}: {rule['title']}.")


@bp.post("/comments/<int:comment_id>/needs-response")
@staff_required()
def needs_response(comment_id: int) -> Response:
    item = _comment(comment_id)
    value = request.form.get("value") == "yes"
    _audited(
        AuditAction.NEEDS_RESPONSE if value else AuditAction.NO_RESPONSE_NEEDED,
        item,
        lambda: set_needs_response(item, value),
    )
    if value:
        return _done(f"Marked {_label(item)} as needing a response.")
    return _done(f"Marked {_label(item)} as not needing a response.")


@bp.post("/comments/<int:comment_id>/reply")
@staff_required()
def reply(comment_id: int) -> Response:
    """An official reply as the organisation, published at once; the question is answered."""
    parent = _comment(comment_id)
    if parent.social:
        if parent.official or parent.gone is not None or parent.status == CommentStatus.SPAM:
            raise FeedbackError("Only a post someone else wrote, still there, is answered.", 409)
    elif parent.status != CommentStatus.APPROVED or parent.parent_id is not None:
        raise FeedbackError("Only a published comment (not a reply) can be answered.", 409)
    body = request.form.get("body", "").replace("\r\n", "\n").strip()
    tag = request.form.get("tag") or None
    errors = {}
    if trouble := body_problem(body):
        errors["body"] = trouble
    if tag is not None and tag not in REPLY_TAGS:
        errors["tag"] = "Choose one of the tags, or no tag."
    if parent.social and not errors and request.form.get("previewed") != body:
        # Shown before sending, as the platform will count it, with any personal data in it.
        return _comment_page(parent, body=body, tag=tag, preview=reply_preview(parent, body))
    if errors:
        return _comment_page(parent, errors, body=body, tag=tag)
    site = current_app.extensions["engage_manifest"].get().site
    with transaction():
        before = audit.comment_state(parent)
        official = add_official_reply(
            parent,
            body=body,
            html=render_comment(body),
            author=site["name"],
            staff_id=g.user.id,
            tag=tag,
            edit_token_hash=new_edit_token()[1],
        )
        after = {**audit.comment_state(parent), "reply": official.id, "reply_body": body}
        audit.record(
            AuditAction.OFFICIAL_REPLY,
            target=f"comment {parent.id}",
            user=g.user,
            before=before,
            after={**after, "tag": tag},
            detail=f"reply {official.id}",
        )
        signals.official_reply_posted.send(
            current_app._get_current_object(), reply=official, parent=parent
        )
    if parent.social:
        return _done(
            f"Your reply to {_label(parent)} will be posted on {parent.source} in a moment."
        )
    return _done(f"Replied to {_label(parent)} as {site['name']}.")


@bp.post("/bulk")
@staff_required()
def bulk() -> Response:
    """Approve, reject (with a ground rule) or mark as spam every checked item."""
    action = request.form.get("action", "")
    ids = record_ids(request.form.getlist("ids"))
    items = comments_by_id(ids)
    rule = _rule(request.form.get("reason", ""))
    if problem := _bulk_problem(items, action, rule):
        flash(problem, "error")
        return redirect(_back(), code=303)
    status = BULK_ACTIONS[action]
    reason = rule["id"] if action == AuditAction.REJECT and rule else None
    approving = status == CommentStatus.APPROVED
    newly_published = [i for i in items if approving and i.status != CommentStatus.APPROVED]
    with transaction():  # every item, or none
        for item in items:
            _audited(
                AuditAction(action),
                item,
                lambda item=item: set_status(item, status, reason),
                detail="bulk" + (f": {rule['title']}" if reason and rule else ""),
            )
        _published(*newly_published)
    count = f"{len(items)} comment{'s' if len(items) != 1 else ''}"
    suffix = f": {rule['title']}" if reason and rule else ""
    return _done(f"{BULK_DONE[status]} {count}{suffix}.")


def _bulk_problem(items: list[Comment], action: str, rule: dict | None) -> str | None:
    """Why the bulk form cannot be acted on, as the moderator is told; None when it can."""
    if not items:
        return "Select at least one comment."
    if action not in BULK_ACTIONS:
        return "Choose what to do with the selected comments."
    if action == AuditAction.REJECT and rule is None:
        return "Choose the ground rule the selected comments break."
    held = [
        i
        for i in items
        if i.status != CommentStatus.APPROVED and personal_data_names(i.held_reasons)
    ]
    if action == AuditAction.APPROVE and held:
        # Each is asked about on its own page (approval.approve), never published in a batch.
        ids = ", ".join(str(item.id) for item in held)
        return f"Comments held for personal data ({ids}) must be approved one at a time."
    return None


# --- The audit log -----------------------------------------------------------------------------


def _entries(limit: int) -> tuple[list[dict[str, Any]], str]:
    action = request.args.get("action", "")
    users = {user.id: user.email for user in accounts.all_users()}
    found = audit.entries(limit=limit, action=action or None)
    return [audit_row(entry, users) for entry in found], action


@bp.get("/audit")
@staff_required(Role.ADMIN)
def audit_log() -> Any:
    """Every staff action, newest first (administrators only)."""
    rows, action = _entries(AUDIT_PAGE_SIZE)
    return render_page(
        "admin/audit.html",
        admin_section="audit",
        entries=rows,
        action=action,
        actions=audit.actions(),
        limit=AUDIT_PAGE_SIZE,
    )


@bp.get("/audit.json")
@staff_required(Role.ADMIN)
def audit_export() -> Response:
    """The audit log as JSON, newest first, filtered as the page is."""
    rows, action = _entries(AUDIT_EXPORT_LIMIT)
    for row in rows:
        row.pop("exact")
    response = current_app.json.response({"action": action or None, "entries": rows})
    response.headers["Content-Disposition"] = 'attachment; filename="engage-audit.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
