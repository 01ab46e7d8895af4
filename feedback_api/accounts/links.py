"""Managing staff accounts from the workspace: invitations and password resets sent as
single-use, expiring links (the person chooses their own password; no administrator ever sees
one), role changes and disabling, with the guard rails that keep an administrator in.

Each function works in the caller's transaction, so the change, its audit entry and the e-mail
in the outbox are committed together or not at all.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import secrets
from dataclasses import dataclass

from contract.vocabulary import Role
from feedback_api.accounts import service as accounts
from feedback_api.storage import account_links, transaction
from feedback_api.storage.models import AccountLink, User, utcnow

LINK_HOURS = 72


class Purpose(enum.StrEnum):
    INVITE = "invite"
    RESET = "reset"


class LinkState(enum.Enum):
    """Why a link can or cannot be used, for the page that says so."""

    GOOD = "good"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Checked:
    state: LinkState
    link: AccountLink | None = None
    user: User | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _unusable_password() -> str:
    """A random password nobody is told: the account cannot sign in until its link is used."""
    return secrets.token_urlsafe(32)


def new_link(user: User, purpose: Purpose) -> str:
    """A fresh link token for `user`; earlier unused links of the account stop working."""
    token = secrets.token_urlsafe(32)
    expires = utcnow() + datetime.timedelta(hours=LINK_HOURS)
    with transaction():
        account_links.end_links_of(user.id)
        account_links.add_link(
            token_hash=_digest(token), user_id=user.id, purpose=purpose.value, expires=expires
        )
    return token


def invite(email: str, role: str, name: str = "") -> tuple[User, str]:
    """A new account nobody can sign in to yet, and the invitation token for its link."""
    with transaction():
        user = accounts.create(email, role, _unusable_password(), name=name)
        return user, new_link(user, Purpose.INVITE)


def reset(user: User) -> str:
    """The old password stops working and every session ends; the token sets a new one."""
    with transaction():
        accounts.set_password(user, _unusable_password())
        return new_link(user, Purpose.RESET)


def check(token: str) -> Checked:
    """Whether the link `token` can be used now, and whose it is."""
    link = account_links.find_link(_digest(token)) if len(token) <= 100 else None
    user = accounts.get(link.user_id) if link is not None else None
    if link is None or user is None or user.disabled:
        return Checked(LinkState.UNKNOWN)
    if link.used is not None:
        return Checked(LinkState.USED, link, user)
    if link.expires <= utcnow():
        return Checked(LinkState.EXPIRED, link, user)
    return Checked(LinkState.GOOD, link, user)


def accept(token: str, user: User, password: str) -> bool:
    """Set the password chosen through the link, taking the link in the same transaction;
    False when another request took it first. Raises AccountError for a password too short."""
    accounts.check_password_rules(password)
    with transaction():
        if not account_links.take_link(_digest(token)):
            return False
        accounts.set_password(user, password)
    return True


def needs_authenticator(user: User, admins_must: bool) -> bool:
    """Whether the account may sign in only with an authenticator app: required of it by an
    administrator, or of every administrator by ENGAGE_ADMIN_TOTP (`admins_must`)."""
    return user.totp_required or (admins_must and user.role == Role.ADMIN)


def is_invited(user: User) -> bool:
    """Invited and not yet signed in: the invitation is still out."""
    return user.last_sign_in is None and account_links.has_open_link(user.id, Purpose.INVITE)


def check_change(
    actor: User, target: User, *, role: str | None = None, disable: bool = False
) -> None:
    """Refuse (AccountError) a change that would lock administrators out: demoting or disabling
    oneself, or the last active administrator."""
    demotes = role is not None and role != Role.ADMIN
    if not (demotes or disable):
        return
    if target.id == actor.id:
        raise accounts.AccountError(
            "You cannot demote or disable your own account: ask another administrator."
        )
    if target.role == Role.ADMIN and not target.disabled:
        accounts.check_not_last_admin(target)


def set_role(user: User, role: str) -> None:
    if role not in (r.value for r in Role):
        raise accounts.AccountError("Choose a role.")
    with transaction():
        user.role = Role(role).value


def set_totp_required(user: User, required: bool) -> None:
    with transaction():
        user.totp_required = required
