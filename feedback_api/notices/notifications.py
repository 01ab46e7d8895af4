"""E-mail notices, subscribed to the service's signals:

- to moderators, about newly held items: at once, or as an hourly or daily digest sent by
  `flask --app feedback_api notify digest` (ENGAGE_DIGEST);
- to a writer who ticked "email me": when their comment is published, and when the organisation
  replies to it.
"""

from __future__ import annotations

import datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from contract.vocabulary import AuditAction, CommentStatus
from feedback_api import signals
from feedback_api.notices.mail import Mailer
from feedback_api.storage import audit, transaction
from feedback_api.storage.comments import received_since
from feedback_api.storage.models import Comment, utcnow
from feedback_api.storage.users import active_emails

DIGEST_PERIODS = {"hourly": datetime.timedelta(hours=1), "daily": datetime.timedelta(days=1)}
REASONS = {
    "nhs_number": "an NHS number",
    "phone": "a phone number",
    "email": "an email address",
    "postcode": "a postcode",
    "address": "an address",
    "date_of_birth": "a date of birth",
    "links": "several links",
    "word": "a watched word",
}

notify_cli = AppGroup("notify", help="Send moderators' digests of new comments.")


def init_app(app: Flask) -> None:
    app.extensions["engage_mailer"] = Mailer(app)
    signals.comment_received.connect(on_received, sender=app)
    signals.comment_approved.connect(on_approved, sender=app)
    signals.official_reply_posted.connect(on_reply, sender=app)
    app.cli.add_command(notify_cli)


def mailer() -> Mailer:
    return current_app.extensions["engage_mailer"]


def moderators() -> list[str]:
    return active_emails()


def _page_title(comment: Comment) -> str:
    page = current_app.extensions["engage_manifest"].get().page(comment.page)
    return page["title"] if page else comment.page


def _site() -> dict[str, Any]:
    return current_app.extensions["engage_manifest"].get().site


def describe(comment: Comment) -> str:
    """One item as a moderator reads it in a notice: where, who, why held, and the text."""
    reasons = ", ".join(sorted({REASONS.get(r["kind"], r["kind"]) for r in comment.held_reasons}))
    held = f"Held because it contains {reasons}.\n" if reasons else ""
    return (
        f"On: {_page_title(comment)} ({_site()['url']}{comment.page})\n"
        f"From: {comment.author or 'Anonymous'}\n{held}\n{comment.body}\n"
    )


def on_received(app: Flask, comment: Comment, **_: Any) -> None:
    if app.config["ENGAGE_DIGEST"] != "immediate" or comment.status == CommentStatus.SPAM:
        return
    mailer().send(
        moderators(),
        f"New comment to moderate on ‘{_page_title(comment)}’",  # noqa: RUF001
        f"{describe(comment)}\nModerate it at {_site()['url']}/admin/\n",
    )


def on_approved(app: Flask, comment: Comment, **_: Any) -> None:
    if not (comment.notify and comment.email) or comment.official:
        return
    mailer().send(
        [comment.email],
        "Your comment has been published",
        f"Thank you. Your comment on ‘{_page_title(comment)}’ is now published:\n"  # noqa: RUF001
        f"{_site()['url']}{comment.page}#comment-{comment.id}\n\n"
        f"You asked us to email you about it. We will also tell you if we reply.\n"
        f"{_site()['name']}\n",
    )


def on_reply(app: Flask, reply: Comment, parent: Comment, **_: Any) -> None:
    if not (parent.notify and parent.email):
        return
    mailer().send(
        [parent.email],
        f"{_site()['name']} replied to your comment",
        f"We have replied to your comment on ‘{_page_title(parent)}’:\n\n{reply.body}\n\n"  # noqa: RUF001
        f"Read it here: {_site()['url']}{parent.page}#comment-{reply.id}\n",
    )


def send_digest(now: datetime.datetime | None = None) -> int:
    """Email moderators every item received since the last digest; returns how many."""
    now = now or utcnow()
    last = audit.last_time(AuditAction.DIGEST_SENT)
    since = last or now - DIGEST_PERIODS.get(
        current_app.config["ENGAGE_DIGEST"], datetime.timedelta(days=1)
    )
    items = received_since(since)
    if items:
        body = "\n---\n".join(describe(c) for c in items)
        mailer().send(
            moderators(),
            f"{len(items)} new comment{'s' if len(items) > 1 else ''} to moderate",
            f"{body}\nModerate them at {_site()['url']}/admin/\n",
        )
    with transaction():
        audit.record(AuditAction.DIGEST_SENT, user=None, detail=f"{len(items)} item(s)")
    return len(items)


@notify_cli.command("digest")
def digest_command() -> None:
    """Send the digest now (run hourly or daily from cron, as ENGAGE_DIGEST says)."""
    count = send_digest()
    mailer().flush()
    click.echo(f"Digest sent: {count} item(s).")
