"""Cross-posting from the workspace (/admin/crosspost; publishers and administrators): what the
cross-poster would post now, per entry and platform exactly as readers will see it and counted
against the platform's limit, with Post now; what it has posted, with links to the posts, and
what failed and why, with Retry. Every action is a job the worker runs (never this request);
the page shows the newest job's preview and history, and the one running with its log.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, request

from contract.vocabulary import PLATFORMS, Role
from feedback_api.crossposting import runners
from feedback_api.staff.auth import staff_required
from feedback_api.staff.job_pages import JobPages
from feedback_api.staff.moderation_view import web_link
from feedback_api.storage import jobs as rows
from feedback_api.storage import transaction
from feedback_api.storage.models import Job
from feedback_api.theme import render_page

bp = Blueprint("crosspost", __name__, url_prefix="/admin/crosspost")
PAGES = JobPages(
    "crosspost",
    {runners.PREVIEW: "Preview", runners.POST: "Posting", runners.RETRY: "Retry"},
    refused="Not posted",
)
PLATFORM_NAMES = {
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "x": "X",
    "facebook": "Facebook Page",
    "linkedin": "LinkedIn page",
}
POST_STATUS = {
    "posted": ("Posted", "nhsuk-tag--green"),
    "failed": ("Failed", "nhsuk-tag--red"),
    "skipped": ("Skipped", "nhsuk-tag--grey"),
    "planned": ("Waiting", "nhsuk-tag--blue"),
    "posting": ("Being posted", "nhsuk-tag--blue"),
}
MAX_URL = 1000  # the ledger's column


def shown(history: list[Job]) -> Job | None:
    """The newest job that says what the cross-poster would post (every job ends by asking)."""
    return next((job for job in history if job.result and job.result.get("preview")), None)


def moment(value: str | None) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.get("")
@staff_required(Role.PUBLISHER)
def index() -> Any:
    with transaction():
        history = rows.recent(PAGES.kinds, limit=15)
        running = rows.unfinished(PAGES.kinds)
    current = shown(history)
    last = next((job for job in history if job.status not in rows.UNFINISHED), None)
    return render_page(
        "admin/crosspost.html",
        admin_section="crosspost",
        feed=runners.feed_of(runners.places()),
        running=running,
        current=current,
        preview=current.result["preview"] if current else None,
        posts=current.result.get("history") or [] if current else [],
        last=last,
        history=history,
        moment=moment,
        web_link=web_link,
        platform_names=PLATFORM_NAMES,
        post_status=POST_STATUS,
        **PAGES.names(),
    )


@bp.get("/jobs/<int:job_id>")
@staff_required(Role.PUBLISHER)
def job_page(job_id: int) -> Any:
    """One job with its whole log (JSON for the page's progress while it runs)."""
    return PAGES.page(job_id, "admin/crosspost_job.html", "crosspost")


def _entry() -> str:
    """The entry's address from the form; the cross-poster checks it is in the feed."""
    entry = request.form.get("entry", "").strip()
    if entry and (len(entry) > MAX_URL or urlsplit(entry).scheme not in ("http", "https")):
        abort(400)
    return entry


@bp.post("/preview")
@staff_required(Role.PUBLISHER)
def start_preview() -> Any:
    """See what would be posted now: nothing is posted."""
    return PAGES.start(runners.PREVIEW, {}, "The preview is being made")


@bp.post("/post")
@staff_required(Role.PUBLISHER)
def start_post() -> Any:
    """Post one entry (its address in the form) or every new entry."""
    entry = _entry()
    what = "Posting the entry" if entry else "Posting the new entries"
    return PAGES.start(runners.POST, {"entry": entry}, what)


@bp.post("/retry")
@staff_required(Role.PUBLISHER)
def start_retry() -> Any:
    """Try one failed post again (its entry and platform in the form), or every failed post
    (neither), after the cause was fixed."""
    entry, platform = _entry(), request.form.get("platform", "")
    if bool(entry) != bool(platform) or (platform and platform not in PLATFORMS):
        abort(400)
    what = "Trying again" if entry else "Trying every failed post again"
    return PAGES.start(runners.RETRY, {"entry": entry, "platform": platform}, what)
