"""The approved comments, written for the build to bake into pages (`comments export-site`, and
every workspace build before it runs Pelican), and the public responsiveness figures the build
shows beside them: aggregate numbers only, never a name or a word anyone wrote.

Version 2 added `responsiveness`; the build still reads version 1 (comments only)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from flask import current_app

from contract.manifest import SITE_ZONE
from contract.vocabulary import CommentStatus
from feedback_api.public.comments import iso, public_list
from feedback_api.staff import responsiveness
from feedback_api.storage.comments import Timing, approved_comments
from feedback_api.storage.models import Comment, utcnow
from feedback_api.storage.pages import pages_with_approved_comments

VERSION = 2
# The reply tags the site counts (storage.models.REPLY_TAGS, less the plain "response").
PUBLIC_TAGS = {"change planned": "change_planned", "change made": "change_made"}


def write_site_export(target: Path, now: datetime.datetime | None = None) -> int:
    """Write the export atomically; how many pages have comments."""
    pages = {
        url: public_list(url, list(approved_comments(url)))
        for url in pages_with_approved_comments()
    }
    document = {"version": VERSION, "pages": pages, "responsiveness": public_figures(now)}
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    partial.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    partial.replace(target)
    return len(pages)


def is_public(comment: Comment | Timing) -> bool:
    """What readers can see on the site: approved site comments and replies. What was said on
    social media is never counted here, nor anything pending, rejected or private."""
    return not comment.social and not comment.private and comment.status == CommentStatus.APPROVED


def public_figures(now: datetime.datetime | None = None) -> dict[str, Any]:
    """The staff's responsiveness figures (`staff.responsiveness.figures`) over what is public:
    site-wide, and per page for the pages with at least one question."""
    now = now or utcnow()
    target = current_app.config["ENGAGE_RESPONSE_TARGET_DAYS"]
    overall, pages = responsiveness.figures(target, now=now, counted=is_public)
    return {
        "computed": iso(now),
        "target_working_days": target,
        "site": _entry(overall, now),
        "pages": {url: _entry(page, now) for url, page in pages.items() if page.questions},
    }


def _entry(figures: responsiveness.Figures, now: datetime.datetime) -> dict[str, Any]:
    asked = figures.questions
    within = figures.answered_within_target
    return {
        "questions": asked,
        "answered": figures.replied,
        "answered_within_target": within,
        "answered_within_target_pct": round(100 * within / asked) if asked else None,
        "median_hours_to_first_reply": figures.reply_median_hours,
        **{key: figures.reply_tags[tag] for tag, key in PUBLIC_TAGS.items()},
        "period": {
            "from": _day(figures.first_asked) if figures.first_asked else None,
            "to": _day(now),
        },
    }


def _day(moment: datetime.datetime) -> str:
    return moment.astimezone(SITE_ZONE).date().isoformat()
