"""Staff accounts: argon2 password hashes, sign-in checks with lock-out, optional TOTP.

All account queries live here, as comment queries live in `storage`.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from .models import ROLES, User, db, utcnow

HASHER = PasswordHasher()
MIN_PASSWORD = 12
LOCK_AFTER = 5  # failed sign-ins in a row
LOCK_MINUTES = 15


class AccountError(ValueError):
    """Something about an account cannot be done; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)).all())


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"The password must be at least {MIN_PASSWORD} characters long.")


def create(email: str, role: str, password: str, name: str = "") -> User:
    """A new account; the email must be new and the password long enough."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError(f"{email!r} is not an email address.")
    if role not in ROLES:
        raise AccountError(f"The role must be one of {', '.join(ROLES)}.")
    if find(email) is not None:
        raise AccountError(f"There is already an account for {email}.")
    check_password_rules(password)
    user = User(email=email, role=role, name=name.strip(), password_hash=HASHER.hash(password))
    db.session.add(user)
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    check_password_rules(password)
    user.password_hash = HASHER.hash(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    db.session.commit()


def set_disabled(user: User, disabled: bool) -> None:
    user.disabled = disabled
    db.session.commit()


def admins_count() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == "admin", User.disabled.is_(False))
        )
        or 0
    )


def authenticate(email: str, password: str) -> User | None:
    """The account if the password is right and the account usable; counts failures.

    After LOCK_AFTER failures in a row the account is locked for LOCK_MINUTES, whatever
    password is tried, so guessing is slow even across many client addresses.
    """
    user = find(email)
    if user is None:
        HASHER.hash(password)  # spend the same time as a real check: no account enumeration
        return None
    now = utcnow()
    if user.disabled or (user.locked_until and _aware(user.locked_until) > now):
        return None
    try:
        HASHER.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= LOCK_AFTER:
            user.locked_until = now + datetime.timedelta(minutes=LOCK_MINUTES)
            user.failed_sign_ins = 0
        db.session.commit()
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    user.failed_sign_ins = 0
    user.last_sign_in = now
    db.session.commit()
    return user


def new_totp_secret(user: User) -> str:
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    return user.totp_secret


def totp_uri(user: User) -> str:
    """The otpauth:// address authenticator apps read from a QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="Engage")


def totp_ok(user: User, code: str) -> bool:
    if not user.totp_secret:
        return True
    return pyotp.TOTP(user.totp_secret).verify(code.strip().replace(" ", ""), valid_window=1)


def new_feed_token(user: User) -> str:
    """A fresh private-feed token; the previous one stops working."""
    token = secrets.token_urlsafe(24)
    user.feed_token_hash = hashlib.sha256(token.encode()).hexdigest()
    db.session.commit()
    return token


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
