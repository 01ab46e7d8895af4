"""Publishing from the workspace (/admin/publish; publishers and administrators): what changed in
the content since the site was last published, a check that builds the site and lists content
problems in the command line's words, and Publish, which puts a clean check in place and says
where it went. Both are jobs the worker runs (never this request); the page shows the one
running with its log, and the history.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for

from contract.vocabulary import Role
from feedback_api.boundary import record_id
from feedback_api.publishing import changes, checkout, runners
from feedback_api.staff.auth import staff_required
from feedback_api.staff.job_pages import JobPages
from feedback_api.storage import jobs as rows
from feedback_api.storage import transaction
from feedback_api.storage.models import Job
from feedback_api.theme import render_page

bp = Blueprint("publish", __name__, url_prefix="/admin/publish")
PAGES = JobPages(
    "publish", {runners.CHECK: "Check", runners.PUBLISH: "Publish"}, refused="Not published"
)


def edited_since(folder: Path, moment: datetime.datetime | None) -> bool:
    """Whether any file in the content folder changed after `moment` (a check's start)."""
    if moment is None or not folder.is_dir():
        return False
    cutoff = moment.timestamp()
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            try:
                if os.stat(os.path.join(root, name)).st_mtime > cutoff:
                    return True
            except OSError:
                continue
    return False


def publishable(check: Job | None, running: Job | None) -> bool:
    return check is not None and check.status == rows.DONE and running is None


@bp.get("")
@staff_required(Role.PUBLISHER)
def index() -> Any:
    here = runners.places()
    with transaction():
        history = rows.recent(PAGES.kinds, limit=15)
        running = rows.unfinished(PAGES.kinds)
        check = rows.latest(runners.CHECK)
        published = rows.latest(runners.PUBLISH, rows.DONE)
    stale = check is not None and edited_since(here.content, check.started or check.requested)
    return render_page(
        "admin/publish.html",
        admin_section="publish",
        here=here,
        latest=checkout.latest_commit(here.content),
        running=running,
        check=check,
        published=published,
        stale=stale,
        can_publish=publishable(check, running) and not stale,
        history=history,
        count=changes.count,
        **PAGES.names(),
    )


@bp.get("/jobs/<int:job_id>")
@staff_required(Role.PUBLISHER)
def job_page(job_id: int) -> Any:
    """One job with its whole log (JSON for the page's progress while it runs)."""
    return PAGES.page(job_id, "admin/publish_job.html", "publish")


@bp.post("/check")
@staff_required(Role.PUBLISHER)
def start_check() -> Any:
    """Build the site (after pulling the content, when asked) to see what would change."""
    pull = request.form.get("pull") == "yes"
    return PAGES.start(runners.CHECK, {"pull": pull}, "The check has started")


@bp.post("/publish")
@staff_required(Role.PUBLISHER)
def start_publish() -> Any:
    """Publish the newest check, if it found no problems (the worker checks again)."""
    check_id = record_id(request.form.get("check"))
    with transaction():
        check = rows.get(check_id) if check_id else None
        newest = rows.latest(runners.CHECK)
    if check is None or check.status != rows.DONE or newest is None or newest.id != check.id:
        flash("Only the newest check, without problems, can be published: check again.", "error")
        return redirect(url_for("publish.index"), code=303)
    return PAGES.start(runners.PUBLISH, {"check": check.id}, "Publishing has started")
