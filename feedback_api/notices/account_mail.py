"""The e-mails that carry staff account links (an invitation, a password reset), written to the
outbox in the transaction that makes the link: the link and its e-mail exist together or not at
all. The link is the only secret in them (no password ever travels by e-mail), so once the
e-mail is delivered its text is not kept in the outbox (`secret`)."""

from __future__ import annotations

import hashlib

from flask import current_app

from feedback_api.accounts.links import LINK_HOURS
from feedback_api.notices.notifications import MAIL, mailer, queue_mail
from feedback_api.storage.models import User


def mail_is_on() -> bool:
    """Whether e-mail can be sent at all (ENGAGE_SMTP_HOST): without it no link can be."""
    return mailer().enabled


def _key(token: str) -> str:
    """An idempotency key for the link's e-mail that does not give the link away."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def link_url(token: str) -> str:
    """The address of the page where the link's token is used."""
    site = current_app.extensions["engage_manifest"].get().site
    return f"{site['url']}/admin/invitation/{token}"


def queue_invitation(user: User, token: str, invited_by: User) -> None:
    """The invitation to a new account, to its own address."""
    queue_mail(
        MAIL,
        f"invitation:{_key(token)}",
        [user.email],
        "You have been invited to the Engage staff workspace",
        f"{invited_by.name or invited_by.email} has invited you to the Engage staff workspace "
        f"as a {user.role}.\n\nChoose your password here (the link works once, for "
        f"{LINK_HOURS} hours):\n{link_url(token)}\n\n"
        "If you did not expect this, you can ignore this e-mail.\n",
        secret=True,
    )


def queue_reset(user: User, token: str) -> None:
    """A password reset an administrator asked for, to the account's own address."""
    queue_mail(
        MAIL,
        f"password-reset:{_key(token)}",
        [user.email],
        "Choose a new password for the Engage staff workspace",
        "An administrator has reset the password of your Engage staff account, and signed it "
        f"out everywhere.\n\nChoose a new password here (the link works once, for {LINK_HOURS} "
        f"hours):\n{link_url(token)}\n\n"
        "If you did not expect this, tell your administrator.\n",
        secret=True,
    )
