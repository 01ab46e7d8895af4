"""Staff accounts: argon2 password hashes, sign-in checks with lock-out, optional TOTP, and the
server-side sessions that sign-in opens.

The queries are `storage.users` (accounts and their sessions). Each action here (create an account,
set a password, ...) runs in a `transaction()`: committed when called alone, or with the caller's
audit entry when the caller holds one open.

Guessing is bounded by the database, not by the process: every password or code tried first
claims an attempt with one conditional UPDATE (`storage.users.claim_attempt`), committed on its
own before the slow check, so however many requests run in parallel (threads, gunicorn workers,
hosts), at most LOCK_AFTER guesses are ever checked per lock window. Every refusal (unknown,
disabled, locked, wrong) costs one argon2 verification, so the answer's timing does not say which
addresses have accounts.
"""

from __future__ import annotations

import datetime
import enum
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from contract.vocabulary import Role
from feedback_api.storage import account_links, transaction, users
from feedback_api.storage.models import ROLES, StaffSession, User, utcnow

HASHER = PasswordHasher()
MIN_PASSWORD = 12
MAX_EMAIL = 254  # RFC 5321's longest address: nothing longer is looked up
LOCK_AFTER = 5  # attempts (passwords and codes) in a row without signing in
LOCK_MINUTES = 15
CODE_MINUTES = 5  # between the right password and the authenticator code
TOUCH_SECONDS = 15  # a session's last_seen is written at most this often


class AccountError(ValueError):
    """Something about an account cannot be done; the message says why."""


class Outcome(enum.StrEnum):
    """How a password or code check ended; the audit log keeps it, the person sees one message."""

    OK = "ok"
    UNKNOWN = "no such account"
    DISABLED = "account disabled"
    LOCKED = "account locked"
    WRONG_PASSWORD = "wrong password"
    WRONG_CODE = "wrong code"
    REPLAYED_CODE = "code already used"


@dataclass(frozen=True)
class Attempt:
    """The result of one check: the account (when there is one), why, and whether this attempt
    was the one that locked it."""

    outcome: Outcome
    user: User | None = None
    locked_now: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find(email: str) -> User | None:
    return users.find_user(normalise_email(email))


def get(user_id: int) -> User | None:
    return users.get_user(user_id)


def all_users() -> list[User]:
    return users.all_users()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"The password must be at least {MIN_PASSWORD} characters long.")


def create(email: str, role: str, password: str, name: str = "") -> User:
    """A new account; the email must be new and the password long enough."""
    email = normalise_email(email)
    if "@" not in email or len(email) > MAX_EMAIL:
        raise AccountError(f"{email!r} is not an email address.")
    if role not in ROLES:
        raise AccountError(f"The role must be one of {', '.join(ROLES)}.")
    if find(email) is not None:
        raise AccountError(f"There is already an account for {email}.")
    check_password_rules(password)
    with transaction():
        return users.add_user(
            email=email, role=Role(role), name=name.strip(), password_hash=HASHER.hash(password)
        )


def set_password(user: User, password: str) -> None:
    """A new password unlocks the account and ends all its sessions: whoever held the old one
    (or a cookie made with it) is out."""
    check_password_rules(password)
    password_hash = HASHER.hash(password)
    with transaction():
        user.password_hash = password_hash
        users.clear_attempts(user)
        end_all_sessions(user)


def set_disabled(user: User, disabled: bool) -> None:
    """Disabling ends every session and every unused e-mailed link of the account at once, not
    at its next request."""
    with transaction():
        user.disabled = disabled
        if disabled:
            end_all_sessions(user)
            account_links.end_links_of(user.id)


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def admins_count() -> int:
    return users.admins_count()


def check_not_last_admin(user: User) -> None:
    """Refuse (AccountError) to demote or disable `user` when no other active administrator
    would be left to manage accounts."""
    if user.role == Role.ADMIN and not user.disabled and admins_count() <= 1:
        raise AccountError("This is the last active administrator: create another first.")


@functools.cache
def dummy_hash() -> str:
    """A hash of a random password with HASHER's parameters, made once per process: refusals
    that have no real hash to check verify against it, so they take as long as a wrong one."""
    return HASHER.hash(secrets.token_urlsafe(24))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> Attempt:
    """Check a password, counting the attempt before the check (see the module's docstring).

    A right password resets the count, except on accounts with an authenticator: there the
    attempt is handed back and the count goes on into the code step, so knowing the password
    gives no more code guesses than anyone else gets password guesses.
    """
    user = find(email) if len(email) <= MAX_EMAIL else None
    if user is None or user.disabled:
        _verify(dummy_hash(), password)
        return Attempt(Outcome.UNKNOWN if user is None else Outcome.DISABLED, user)
    count = _claim_attempt(user)
    if count is None:
        _verify(dummy_hash(), password)
        return Attempt(Outcome.LOCKED, user)
    if not _verify(user.password_hash, password):
        return Attempt(Outcome.WRONG_PASSWORD, user, locked_now=count >= LOCK_AFTER)
    rehashed = HASHER.hash(password) if HASHER.check_needs_rehash(user.password_hash) else None
    with transaction():
        if user.totp_secret:
            users.hand_back_attempt(user, limit=LOCK_AFTER)
        else:
            users.clear_attempts(user)
        if rehashed:
            user.password_hash = rehashed
    return Attempt(Outcome.OK, user)


def _claim_attempt(user: User) -> int | None:
    """Count one attempt (see `storage.users.claim_attempt`), or None when the account is locked
    or disabled. Committed at once, alone: the claim must hold before the slow check, and must
    not keep SQLite's write lock during it."""
    with transaction(alone=True):
        return users.claim_attempt(user, limit=LOCK_AFTER, lock_minutes=LOCK_MINUTES)


def new_totp_secret(user: User) -> str:
    """A new authenticator secret for the account; codes of any earlier one stop working."""
    with transaction():
        user.totp_secret = pyotp.random_base32()
        user.totp_last_step = None
    return user.totp_secret


def totp_uri(user: User) -> str:
    """The otpauth:// address authenticator apps read from a QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="Engage")


def check_code(user: User, code: str) -> Attempt:
    """Check an authenticator code: counted like a password, and good once.

    The code may be for the time step before or after now (clock drift); it is accepted only
    when its step is later than the last accepted one, in the same UPDATE that resets the
    count, so two requests with one code cannot both pass.
    """
    if user.disabled or not user.totp_secret:
        return Attempt(Outcome.DISABLED, user)
    count = _claim_attempt(user)
    if count is None:
        return Attempt(Outcome.LOCKED, user)
    step = _matching_step(user.totp_secret, code)
    if step is None:
        return Attempt(Outcome.WRONG_CODE, user, locked_now=count >= LOCK_AFTER)
    with transaction():
        accepted = users.accept_code_step(user, step)
    if not accepted:
        return Attempt(Outcome.REPLAYED_CODE, user, locked_now=count >= LOCK_AFTER)
    return Attempt(Outcome.OK, user)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side) whose code this is, or None."""
    code = code.strip().replace(" ", "")
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.datetime.now(datetime.UTC))
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_feed_token(user: User) -> str:
    """A fresh private-feed token; the previous one stops working."""
    token = secrets.token_urlsafe(24)
    with transaction():
        user.feed_token_hash = hashlib.sha256(token.encode()).hexdigest()
    return token


# --- Sessions ------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User, *, awaiting_code: bool = False) -> str:
    """A new session for `user` (in the caller's transaction); the token goes in the cookie.

    A full session (not `awaiting_code`) is a sign-in: it is stamped on the account.
    """
    token = secrets.token_urlsafe(32)
    users.add_session(id_hash=_digest(token), user_id=user.id, awaiting_code=awaiting_code)
    if not awaiting_code:
        user.last_sign_in = utcnow()
    return token


def find_session(token: str) -> StaffSession | None:
    return users.find_session(_digest(token))


def session_idle_for(row: StaffSession) -> float:
    """Seconds since the session was last used (to within TOUCH_SECONDS)."""
    return (utcnow() - row.last_seen).total_seconds()


def touch_session(row: StaffSession) -> None:
    """Note the session as used now; written at most every TOUCH_SECONDS, so a busy member of
    staff does not turn every page into a database write."""
    if session_idle_for(row) >= TOUCH_SECONDS:
        with transaction():
            row.last_seen = utcnow()


def end_session(token: str) -> None:
    """End one session (in the caller's transaction)."""
    users.delete_session(_digest(token))


def end_all_sessions(user: User) -> None:
    """End every session of the account (in the caller's transaction)."""
    users.delete_sessions_of(user.id)


def end_idle_sessions(idle_seconds: float) -> None:
    """Forget sessions nobody has used for `idle_seconds`: they can never be used again."""
    users.delete_idle_sessions(utcnow() - datetime.timedelta(seconds=idle_seconds))
