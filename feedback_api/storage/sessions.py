"""The staff_sessions table: one row per signed-in browser, named by the sha256 of the random id
its cookie carries, so a session can be ended on the server and a copied cookie stops working."""

from __future__ import annotations

import datetime

from sqlalchemy import delete

from feedback_api.storage.models import StaffSession, db


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
