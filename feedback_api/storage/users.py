"""The users table: staff accounts, and the sign-in attempts counted on them; and their
sessions (staff_sessions: one row per signed-in browser, named by the sha256 of the random id
its cookie carries, so a session can be ended on the server and a copied cookie stops working).

Guessing is bounded by the database, not by the process: `claim_attempt` counts an attempt in
one conditional UPDATE that only succeeds while the account is under the limit and not locked,
and `accept_code_step` takes an authenticator code's time step only when it is later than the
last one accepted, in the same UPDATE that resets the count. The database applies concurrent
UPDATEs of one row one after the other, re-checking the WHERE, so parallel requests cannot both
pass either.
"""

from __future__ import annotations

import datetime

from sqlalchemy import and_, case, delete, func, literal, or_, select, update

from contract.vocabulary import Role
from feedback_api.storage.models import StaffSession, User, UTCDateTime, db, utcnow

ATTEMPTS = ["failed_sign_ins", "locked_until"]


def find_user(email: str) -> User | None:
    """The account with this (already normalised) address."""
    return db.session.scalar(select(User).where(User.email == email))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)).all())


def user_by_feed_token(token_hash: str) -> User | None:
    """The account whose private-feed token has this sha256."""
    return db.session.scalar(select(User).where(User.feed_token_hash == token_hash))


def active_emails() -> list[str]:
    """The address of every account that is not disabled (moderators' notices go to them)."""
    query = select(User.email).where(User.disabled.is_(False)).order_by(User.email)
    return list(db.session.scalars(query).all())


def admins_count() -> int:
    """Administrators who can still sign in."""
    query = (
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN.value, User.disabled.is_(False))
    )
    return db.session.scalar(query) or 0


def add_user(*, email: str, role: Role, name: str, password_hash: str) -> User:
    user = User(email=email, role=Role(role).value, name=name, password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    return user


# --- Sign-in attempts, counted in SQL rather than on the object: its copy of the count may be
# out of date, and an unchanged attribute would not be written. Each expires the object's copy.


def claim_attempt(user: User, *, limit: int, lock_minutes: int) -> int | None:
    """Count one attempt in one statement: the count now, or None when the account is locked or
    disabled. The UPDATE only matches while the count is under `limit` (or the last lock has
    run out, which starts the count again), and sets the lock as the count reaches the limit."""
    now = utcnow()
    lock_end = literal(now + datetime.timedelta(minutes=lock_minutes), UTCDateTime())
    expired = and_(User.locked_until.is_not(None), User.locked_until <= now)
    count = case((expired, 0), else_=User.failed_sign_ins) + 1
    claimed = db.session.scalar(
        update(User)
        .where(
            User.id == user.id,
            User.disabled.is_(False),
            or_(User.locked_until.is_(None), expired),
            or_(User.failed_sign_ins < limit, expired),
        )
        .values(
            failed_sign_ins=count,
            locked_until=case(
                (count >= limit, lock_end),
                (expired, None),
                else_=User.locked_until,
            ),
        )
        .returning(User.failed_sign_ins)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ATTEMPTS)
    return claimed


def hand_back_attempt(user: User, *, limit: int) -> None:
    """Give back one claimed attempt (a right password, when the code step claims its own)."""
    left = case((User.failed_sign_ins > 0, User.failed_sign_ins - 1), else_=0)
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(
            failed_sign_ins=left,
            locked_until=case((left < limit, None), else_=User.locked_until),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ATTEMPTS)


def clear_attempts(user: User) -> None:
    """No attempts counted and no lock."""
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_sign_ins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ATTEMPTS)


def accept_code_step(user: User, step: int) -> bool:
    """Take the authenticator time step `step` and clear the attempts, only if the step is later
    than the last one accepted; whether it was."""
    accepted = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step, failed_sign_ins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(user, [*ATTEMPTS, "totp_last_step"])
    return accepted == 1


# --- Sessions ---------------------------------------------------------------------------------


def add_session(*, id_hash: str, user_id: int, awaiting_code: bool) -> StaffSession:
    row = StaffSession(id_hash=id_hash, user_id=user_id, awaiting_code=awaiting_code)
    db.session.add(row)
    return row


def find_session(id_hash: str) -> StaffSession | None:
    return db.session.get(StaffSession, id_hash)


def delete_session(id_hash: str) -> None:
    db.session.execute(delete(StaffSession).where(StaffSession.id_hash == id_hash))


def delete_sessions_of(user_id: int) -> None:
    """Every session of one account."""
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))


def delete_idle_sessions(unused_since: datetime.datetime) -> None:
    """Sessions nobody has used since `unused_since`: they can never be used again."""
    db.session.execute(delete(StaffSession).where(StaffSession.last_seen < unused_since))
