"""How the workspace shows a comment: its text with the held spans marked, the reasons in words,
its age. Built from escaped pieces, so user text never reaches a template as trusted markup."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from markupsafe import Markup, escape

from contract import languages
from contract.vocabulary import CommentStatus, Platform
from feedback_api.listening.inbox import screened
from feedback_api.listening.replies import listener_for, target
from feedback_api.manifest import language_tag
from feedback_api.public.comments import iso
from feedback_api.screening import BODY
from feedback_api.screening.risk import SIGNPOSTING
from feedback_api.screening.spans import KIND_NAMES, held_spans, redacted
from feedback_api.staff.times import uk_iso, uk_time
from feedback_api.storage import social
from feedback_api.storage.models import AuditEntry, Comment
from feedback_api.storage.queue import NEEDS_RESPONSE, SOCIAL
from platforms.listening import load

PLATFORM_NAMES = {
    Platform.MASTODON: "Mastodon",
    Platform.BLUESKY: "Bluesky",
    Platform.X: "X",
    Platform.FACEBOOK: "Facebook",
    Platform.LINKEDIN: "LinkedIn",
}
REMOTE_KINDS = {
    "reply": "Reply to our post",
    "mention": "Mention",
    "quote": "Quote of our post",
    "term": "Watched term",
}
REPLY_STATES = {
    "sending": "waiting to be posted",
    "posting": "being posted",
    "posted": "posted",
    "failed": "could not be posted",
}

SOURCE_NAMES = {
    "site": "This website",
    SOCIAL: "Any social media",
    **{str(p): PLATFORM_NAMES[p] for p in Platform},
}
STATUS_NAMES = {
    CommentStatus.PENDING: "Waiting",
    CommentStatus.APPROVED: "Published",
    CommentStatus.REJECTED: "Rejected",
    CommentStatus.SPAM: "Spam",
    CommentStatus.REVIEWED: "Reviewed (social media)",
    NEEDS_RESPONSE: "Needs a response",
}


def highlighted(body: str, reasons: list[dict]) -> Markup:
    """The text with each held span in <mark>, built from escaped pieces."""
    pieces: list[str] = []
    cursor = 0
    for start, end, name in held_spans(body, reasons):
        pieces.append(str(escape(body[cursor:start])))
        pieces.append(
            f'<mark class="engage-held"><span class="nhsuk-u-visually-hidden">{escape(name)}: '
            f"</span>{escape(body[start:end])}</mark>"
        )
        cursor = end
    pieces.append(str(escape(body[cursor:])))
    return Markup("".join(pieces))


FIELD_NAMES = {"author": "in the name"}


def reason_names(reasons: list[dict]) -> list[str]:
    """The distinct reasons a comment was held, in words, in the order they first appear;
    one found outside the body says where, e.g. "phone number in the name"."""
    names = []
    for reason in reasons or []:
        if not isinstance(reason, dict):  # a row written by hand: not a reason to fail the page
            continue
        name = KIND_NAMES.get(str(reason.get("kind")), "other")
        field = str(reason.get("field", BODY))
        if field != BODY:
            name = f"{name} {FIELD_NAMES.get(field, 'in the ' + field)}"
        names.append(name)
    return list(dict.fromkeys(names))


NOT_PERSONAL = ("links", "word", "risk")


def personal_data_names(reasons: list[dict]) -> list[str]:
    """The personal data a comment was held for, in words (links and watched words are other
    reasons): what a moderator is asked about before publishing it."""
    kept = [r for r in reasons or [] if isinstance(r, dict) and r.get("kind") not in NOT_PERSONAL]
    return reason_names(kept)


def age(moment: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """'3 hours ago', to the largest whole unit."""
    seconds = int(((now or datetime.datetime.now(datetime.UTC)) - moment).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def exact(moment: datetime.datetime) -> str:
    """'5 March 2026 at 2:05pm GMT': UK time, the zone named (times.uk_time)."""
    return uk_time(moment)


def describe(comment: Comment) -> dict[str, Any]:
    """What the templates show of a comment."""
    manifest = current_app.extensions["engage_manifest"].get()
    entry = (manifest.page(comment.page) if comment.page else None) or {}
    return {
        "social": _social(comment) if comment.social else None,
        "signposting": SIGNPOSTING if comment.urgent else None,
        "comment": comment,
        "page_title": entry.get("title", comment.page),
        "page_url": comment.page,
        "age": age(comment.created),
        "exact": exact(comment.created),
        "iso": iso(comment.created),
        "text": highlighted(comment.body, comment.held_reasons),
        # The language of the page it was written on, for the text's lang (and dir) attribute.
        "lang": (lang := language_tag(comment.language)),
        "dir": languages.direction(lang) if lang else "ltr",
        "reasons": reason_names(comment.held_reasons),
        "can_remove": redacted(comment.body, comment.held_reasons) != comment.body,
        "status_name": STATUS_NAMES.get(comment.status, comment.status),
    }


def web_link(url: str | None) -> str | None:
    """Only an https address becomes a link on the page (a platform's answer is not trusted:
    no javascript: link, nothing sent in the clear)."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme == "https" and parts.netloc else None


def _social(comment: Comment) -> dict[str, Any]:
    """Where a social item was said, by whom, in which thread, and our replies there."""

    post = social.post(comment.social_post_id) if comment.social_post_id else None
    return {
        "platform": PLATFORM_NAMES.get(comment.source, comment.source),  # type: ignore[call-overload]
        "kind": REMOTE_KINDS.get(comment.remote_kind or "", comment.remote_kind or ""),
        "handle": comment.handle or "",
        "url": web_link(comment.remote_url),
        "post": post,
        "replies": [
            {
                "reply": r,
                "state": REPLY_STATES.get(r.remote_state or "", r.remote_state),
                "url": web_link(r.remote_url),
            }
            for r in social.replies_to(comment.id)
        ]
        if not comment.official
        else [],
    }


def reply_preview(parent: Comment, body: str) -> dict[str, Any]:
    """Our reply as the platform will post and count it, and any personal data in it."""
    found = {
        "text": body,
        "length": len(body),
        "limit": None,
        "fits": True,
        "platform": PLATFORM_NAMES.get(parent.source, parent.source),  # type: ignore[call-overload]
        "personal": personal_data_names(screened(body, None)),
        "credentials": False,
    }
    try:
        kind = load(parent.source)
        listener = listener_for(parent.source)
    except ImportError:  # this host lacks the platform's SDK: the worker's host will post it
        return found
    text = listener.reply_text(target(parent), body) if listener else body
    return {
        **found,
        "text": text,
        "length": kind.rules.count(text),
        "limit": kind.rules.limit,
        "fits": kind.rules.fits(text),
        "credentials": listener is not None,
    }


def audit_row(entry: AuditEntry, users: dict[int, str]) -> dict[str, Any]:
    """What the audit log page and its export show of an entry; `users` maps ids to emails."""
    return {
        "id": entry.id,
        "at": uk_iso(entry.at),
        "exact": exact(entry.at),
        "user": users.get(entry.user_id, "") if entry.user_id else "",
        "action": entry.action,
        "target": entry.target,
        "detail": entry.detail,
        "before": entry.before,
        "after": entry.after,
    }
