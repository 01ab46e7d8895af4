"""The workspace's dashboard (how quickly we respond, and notices that could not be sent) and
people's-rights pages (/admin/dashboard, /admin/people)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, flash, g, redirect, request, url_for

from contract.vocabulary import AuditAction, Role
from feedback_api import outbox
from feedback_api.privacy import service as privacy
from feedback_api.staff import responsiveness
from feedback_api.staff.auth import staff_required
from feedback_api.staff.moderation_view import SOURCE_NAMES
from feedback_api.storage import audit, transaction
from feedback_api.storage import outbox as outbox_rows
from feedback_api.storage.models import OutboxMessage
from feedback_api.theme import render_page

bp = Blueprint("dashboard", __name__, url_prefix="/admin")


def _page_titles() -> dict[str, str]:
    manifest = current_app.extensions["engage_manifest"].get()
    return {url: entry["title"] for url, entry in manifest.pages.items()}


@bp.get("/dashboard")
@staff_required()
def dashboard() -> Any:
    """How quickly comments are moderated and questions answered, overall and per page."""
    target = current_app.config["ENGAGE_RESPONSE_TARGET_DAYS"]
    overall, pages = responsiveness.figures(target)
    _, sources = responsiveness.figures(target, by=responsiveness.by_source)
    return render_page(
        "admin/dashboard.html",
        admin_section="dashboard",
        overall=overall,
        pages=pages,
        sources=sources if set(sources) - {"site"} else {},
        source_names=SOURCE_NAMES,
        titles=_page_titles(),
        target=target,
        backlog=outbox_rows.backlog(),
        failed=outbox_rows.failed(),
        describe=_described,
        attempts=current_app.config["ENGAGE_OUTBOX_ATTEMPTS"],
        is_admin=g.user.role == Role.ADMIN,
    )


def _described(message: OutboxMessage) -> str:
    kind = outbox.handler(message.kind)
    return kind.describe(message.payload) if kind else message.kind


@bp.post("/outbox/<int:message_id>/retry")
@staff_required(Role.ADMIN)
def outbox_retry(message_id: int) -> Response:
    """Put a failed notice or rebuild back in the queue (after its cause was mended)."""
    with transaction():
        message = outbox_rows.get(message_id)
        if message is None or message.status != outbox_rows.OutboxStatus.FAILED:
            flash("That message is not waiting to be tried again.", "error")
        else:
            outbox_rows.try_again(message)
            audit.record(
                AuditAction.OUTBOX_RETRIED,
                target=f"outbox {message.id}",
                user=g.user,
                detail=_described(message),
            )
            flash(f"{_described(message)} will be tried again.", "success")
    return redirect(url_for("dashboard.dashboard", _anchor="outbox"), code=303)


@bp.get("/people")
@staff_required(Role.ADMIN)
def people() -> Any:
    """Find everything submitted with an email address (administrators only)."""
    email = request.args.get("email", "").strip()
    found = privacy.submitted_by(email) if email else []
    return render_page(
        "admin/people.html", admin_section="people", email=email, found=found, titles=_page_titles()
    )


@bp.get("/people/export.json")
@staff_required(Role.ADMIN)
def people_export() -> Response:
    """A subject access export as a JSON download; the export itself is audited."""
    email = request.args.get("email", "").strip()
    with transaction():
        exported = privacy.export(email)
        audit.record(AuditAction.PERSONAL_DATA_EXPORTED, target="(email withheld)", user=g.user)
    body = json.dumps(exported, indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="subject-access-export.json"'},
    )


@bp.post("/people/erase")
@staff_required(Role.ADMIN)
def people_erase() -> Response:
    """Erase everything submitted with the address, after the admin confirmed it."""
    email = request.form.get("email", "").strip()
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm the erasure.", "error")
        return redirect(url_for("dashboard.people", email=email), code=303)
    count = privacy.erase(email, staff=g.user)
    flash(f"Erased {count} comment(s) submitted with that address.", "success")
    return redirect(url_for("dashboard.people"), code=303)
