"""E-mail notices, subscribed to the service's signals and written to the outbox in the
transaction of the event, one message per recipient (moderators never see each other's
addresses); the worker delivers them:

- to moderators, about newly held items: at once, or as an hourly or daily digest queued by
  `flask --app feedback_api notify digest` (ENGAGE_DIGEST); a digest's items count as sent
  once it is delivered, not when it is queued;
- to a writer who ticked "email me": when their comment is published, and when the organisation
  replies to it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from contract.vocabulary import AuditAction, CommentStatus
from feedback_api import outbox, signals
from feedback_api.listening.health import problem_line
from feedback_api.notices.mail import Mailer
from feedback_api.storage import audit, social, transaction
from feedback_api.storage import outbox as outbox_rows
from feedback_api.storage.comments import mark_digested, undigested
from feedback_api.storage.models import Comment, ListenState, utcnow
from feedback_api.storage.users import active_emails
from theme import i18n
from theme.i18n import gettext

MAIL = "mail"
DIGEST = "digest"
REASONS = {
    "nhs_number": "an NHS number",
    "phone": "a phone number",
    "email": "an email address",
    "postcode": "a postcode",
    "address": "an address",
    "date_of_birth": "a date of birth",
    "links": "several links",
    "word": "a watched word",
    "risk": "words suggesting a risk of harm",
}

notify_cli = AppGroup(
    "notify", help="Queue moderators' digests, and readers' e-mails about commitment updates."
)


def init_app(app: Flask) -> None:
    mailer = Mailer(app)
    app.extensions["engage_mailer"] = mailer

    def deliver(payload: dict[str, Any], identity: str) -> None:
        try:
            message = mailer.message(payload["to"], payload["subject"], payload["body"], identity)
        except (KeyError, TypeError, ValueError) as error:  # a row no retry can mend
            raise outbox.PermanentFailure(f"not a message that can be sent ({error})") from error
        mailer.deliver(message)

    def describe(payload: dict[str, Any]) -> str:
        return f"e-mail ‘{payload.get('subject', '')}’"  # noqa: RUF001

    outbox.register(app, MAIL, outbox.Handler(deliver, describe))
    outbox.register(app, DIGEST, outbox.Handler(deliver, describe, digest_delivered))
    signals.comment_received.connect(on_received, sender=app)
    signals.comment_approved.connect(on_approved, sender=app)
    signals.official_reply_posted.connect(on_reply, sender=app)
    app.cli.add_command(notify_cli)


def mailer() -> Mailer:
    return current_app.extensions["engage_mailer"]


def _hashed(address: str) -> str:
    """An address as it may appear in a key: not readable, the same each time."""
    return hashlib.sha256(address.lower().encode()).hexdigest()[:16]


def queue_mail(
    kind: str,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    *,
    batch: str | None = None,
    **extra: Any,
) -> int:
    """One outbox message per recipient (nothing when mail is off), `extra` in each payload;
    how many were new."""
    if not mailer().enabled:
        return 0
    new = 0
    for address in to:
        payload = {"to": address, "subject": subject, "body": body, **extra}
        new += outbox.enqueue(
            kind, f"{key}:{_hashed(address)}", payload, recipient=address, batch=batch
        )
    return new


def _page_title(comment: Comment) -> str:
    page = current_app.extensions["engage_manifest"].get().page(comment.page)
    return page["title"] if page else comment.page


def _site() -> dict[str, Any]:
    return current_app.extensions["engage_manifest"].get().site


def _where(comment: Comment) -> str:
    if not comment.social:
        return f"On: {_page_title(comment)} ({_site()['url']}{comment.page})\n"
    where = f"On {comment.source}"
    if comment.page:
        where += f", about {_page_title(comment)}"
    private = " (a private mention)" if comment.private else ""
    return f"{where}{private}: {comment.remote_url or ''}\n"


def describe(comment: Comment) -> str:
    """One item as a moderator reads it in a notice: where, who, why held, and the text. A
    private mention's words stay in the workspace: the notice says only that it came."""
    reasons = ", ".join(sorted({REASONS.get(r["kind"], r["kind"]) for r in comment.held_reasons}))
    held = f"Held because it contains {reasons}.\n" if reasons else ""
    who = comment.author or "Anonymous"
    if comment.handle and comment.handle != comment.author:
        who += f" ({comment.handle})"
    text = "(Read it in the workspace.)" if comment.private else comment.body
    return f"{_where(comment)}From: {who}\n{held}\n{text}\n"


def on_received(app: Flask, comment: Comment, **_: Any) -> None:
    if comment.urgent and comment.status != CommentStatus.SPAM:
        _urgent(comment)
        return
    if app.config["ENGAGE_DIGEST"] != "immediate" or comment.status == CommentStatus.SPAM:
        return
    if not mailer().enabled:  # before asking the database who the moderators are
        return
    queue_mail(
        MAIL,
        f"received:{comment.id}",
        active_emails(),
        f"New comment to moderate on ‘{_page_title(comment)}’",  # noqa: RUF001
        f"{describe(comment)}\nModerate it at {_site()['url']}/admin/\n",
    )


def _urgent(comment: Comment) -> None:
    """An item suggesting a risk of harm: every moderator is told at once, whatever their
    digest setting, as NHS.UK's moderation routes such posts to a person at once."""
    if not mailer().enabled:
        return
    if queue_mail(
        MAIL,
        f"urgent:{comment.id}",
        active_emails(),
        "Urgent: a comment may suggest a risk of harm",
        "Please read this now. If someone may be in danger, reply with where to get help "
        "(the reply form offers the text) and follow your safeguarding procedure.\n\n"
        f"{describe(comment)}\nRead it at {_site()['url']}/admin/comments/{comment.id}\n",
    ):
        audit.record(AuditAction.URGENT_ALERT, target=f"comment {comment.id}", user=None)


def on_approved(app: Flask, comment: Comment, **_: Any) -> None:
    if not (comment.notify and comment.email) or comment.official:
        return
    values = {
        "page": _page_title(comment),
        "address": f"{_site()['url']}{comment.page}#comment-{comment.id}",
        "site": _site()["name"],
    }
    with i18n.rendering_in(comment.language):  # the language of the page they commented on
        subject = gettext("Your comment has been published")
        text = gettext(
            "Thank you. Your comment on ‘%(page)s’ is now published:\n%(address)s\n\n"  # noqa: RUF001
            "You asked us to email you about it. We will also tell you if we reply.\n%(site)s\n"
        )
    queue_mail(MAIL, f"published:{comment.id}", [comment.email], subject, text % values)


def on_reply(app: Flask, reply: Comment, parent: Comment, **_: Any) -> None:
    if not (parent.notify and parent.email):
        return
    values = {
        "site": _site()["name"],
        "page": _page_title(parent),
        "reply": reply.body,
        "address": f"{_site()['url']}{parent.page}#comment-{reply.id}",
    }
    with i18n.rendering_in(parent.language):
        subject = gettext("%(site)s replied to your comment") % values
        text = gettext(
            "We have replied to your comment on ‘%(page)s’:\n\n%(reply)s\n\n"  # noqa: RUF001
            "Read it here: %(address)s\n"
        )
    queue_mail(MAIL, f"answered:{reply.id}", [parent.email], subject, text % values)


def queue_digest() -> int | None:
    """Queue, for each moderator, a digest of every item no delivered digest has listed yet;
    returns how many items. None while the last digest waits for the worker: its items are
    marked only once it is delivered, so a new digest would list them again."""
    with transaction():
        if outbox_rows.undelivered_batches(DIGEST):
            return None
        items = undigested()
        problems = unreported_problems()
        if not items and not problems:
            return 0
        ids = [item.id for item in items]
        seed = ",".join(map(str, ids)) + "|" + ",".join(p.platform + p.source for p in problems)
        batch = "digest-" + hashlib.sha256(seed.encode()).hexdigest()[:16]
        body = "\n---\n".join(describe(c) for c in items)
        subject = f"{len(items)} new comment{'s' if len(items) != 1 else ''} to moderate"
        if problems:
            subject = f"Listening stopped on social media; {subject}"
            body = problems_text(problems) + ("\n---\n" + body if body else "")
        queue_mail(
            DIGEST,
            batch,
            active_emails(),
            subject,
            f"{body}\nModerate them at {_site()['url']}/admin/\n",
            comments=ids,
            batch=batch,
        )
        for problem in problems:
            problem.reported = utcnow()
    return len(items)


def unreported_problems() -> list[ListenState]:
    return [row for row in social.problems() if row.reported is None]


def problems_text(problems: list[ListenState]) -> str:
    lines = "\n".join(f"- {problem_line(row)}" for row in problems)
    return f"Engage could not listen on every social media account (see /admin/social):\n{lines}\n"


def report_problems() -> int:
    """Tell moderators at once of a refusal the listener met, when they get notices at once
    (a digest says it otherwise, the day it happens); how many were told."""
    if current_app.config["ENGAGE_DIGEST"] != "immediate" or not mailer().enabled:
        return 0
    with transaction():
        problems = unreported_problems()
        if not problems:
            return 0
        key = (
            "listening:"
            + hashlib.sha256(
                "|".join(f"{p.platform}{p.source}{p.problem_since}" for p in problems).encode()
            ).hexdigest()[:16]
        )
        queue_mail(
            MAIL, key, active_emails(), "Listening stopped on social media", problems_text(problems)
        )
        for problem in problems:
            problem.reported = utcnow()
    return len(problems)


def digest_delivered(payload: dict[str, Any]) -> None:
    """The first moderator's copy is delivered: its items count as sent from now on."""
    ids = [i for i in payload.get("comments", []) if isinstance(i, int)]
    if count := mark_digested(ids):
        audit.record(AuditAction.DIGEST_SENT, user=None, detail=f"{count} item(s)")


@notify_cli.command("digest")
def digest_command() -> None:
    """Queue the digest now (run hourly or daily from a timer, as ENGAGE_DIGEST says); the
    worker delivers it."""
    if not mailer().enabled:
        click.echo("No mail server is set (ENGAGE_SMTP_HOST): no digest queued.", err=True)
        return
    count = queue_digest()
    if count is None:
        click.echo(
            "The last digest is not delivered yet (the worker keeps trying): a new one would "
            "repeat its items, so none was queued."
        )
        return
    click.echo(f"Digest queued: {count} item(s), for {len(active_emails())} moderator(s).")
