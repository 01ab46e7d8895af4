"""The outbox table: writing effects with their event, claiming them for delivery (one worker
per row, whatever the number of workers and hosts), and recording how delivery went.

Claiming is one statement: an UPDATE of the rows due, chosen by a common table expression that
on PostgreSQL is `FOR UPDATE SKIP LOCKED` (a row another worker is claiming is passed over, not
waited for); SQLite writes one statement at a time, so the same UPDATE is exclusive there.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import flag_modified

from feedback_api.storage.models import OutboxMessage, db, utcnow


class OutboxStatus(StrEnum):
    """Where a message stands: waiting (perhaps to be tried again), being delivered, delivered,
    or given up on."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


UNDELIVERED = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


def add(
    *,
    key: str,
    kind: str,
    payload: dict[str, Any],
    recipient: str | None = None,
    batch: str | None = None,
    due: datetime.datetime | None = None,
) -> bool:
    """Write a message in the current transaction, due now or at `due`; False if one with this
    key already exists (the same effect asked for twice is delivered once)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "key": key,
        "kind": kind,
        "payload": payload,
        "recipient": recipient,
        "batch": batch,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "due": due or utcnow(),
        "created": utcnow(),
    }
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxMessage.id)
    )
    return db.session.execute(statement).scalar() is not None


def _claimable(now: datetime.datetime) -> Any:
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING.value, OutboxMessage.due <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING.value, OutboxMessage.claimed_until < now),
    )


def claim(
    worker: str, lease: datetime.timedelta, limit: int, skip: tuple[str, ...] = ()
) -> list[OutboxMessage]:
    """Up to `limit` messages due (or abandoned by a worker whose lease ran out), oldest first,
    now this worker's until the lease ends; each claim counts as an attempt. Kinds in `skip`
    are left to other workers (site builds, on the host that has the content)."""
    now = utcnow()
    # A CTE, not `id IN (sub-select)`: PostgreSQL may run a sub-select more than once, each
    # time locking another row, and claim more than `limit`.
    chosen = (
        select(OutboxMessage.id)
        .where(_claimable(now), OutboxMessage.kind.notin_(skip))
        .order_by(OutboxMessage.due, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("chosen")
    )
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id == chosen.c.id, _claimable(now))
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_by=worker,
            claimed_until=now + lease,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage.id)
    )
    ids = list(db.session.scalars(statement).all())
    if not ids:
        return []
    query = select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
    return list(db.session.scalars(query.execution_options(populate_existing=True)).all())


def _settle(message_id: int, worker: str, **values: Any) -> bool:
    """Record an outcome, if the message is still this worker's (a lease that ran out may have
    passed it to another)."""
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.claimed_by == worker,
            OutboxMessage.status == OutboxStatus.SENDING.value,
        )
        .values(claimed_until=None, **values)
    )
    return db.session.execute(statement).rowcount == 1


SECRET_SENT = "(Delivered. It carried a single-use link, which is not kept.)"


def delivered(message_id: int, worker: str, payload: dict[str, Any] | None = None) -> bool:
    """Mark it sent; a payload marked `secret` (an e-mail with an account link) keeps only its
    addressee and subject from then on."""
    values: dict[str, Any] = {}
    if payload is not None and payload.get("secret"):
        values["payload"] = {**payload, "body": SECRET_SENT}
    return _settle(
        message_id,
        worker,
        status=OutboxStatus.SENT.value,
        sent=utcnow(),
        last_error=None,
        **values,
    )


def retry_later(
    message_id: int, worker: str, due: datetime.datetime, error: str, *, spent: bool = True
) -> bool:
    """Back in the queue from `due`; `spent=False` gives back the attempt the claim counted."""
    values: dict[str, Any] = {"due": due, "last_error": error[:500]}
    if not spent:
        values["attempts"] = OutboxMessage.attempts - 1
    return _settle(message_id, worker, status=OutboxStatus.PENDING.value, **values)


def given_up(message_id: int, worker: str, error: str) -> bool:
    return _settle(message_id, worker, status=OutboxStatus.FAILED.value, last_error=error[:500])


def backlog() -> dict[str, Any]:
    """How much is waiting and failed, and the oldest message not yet delivered."""
    counts = db.session.execute(
        select(
            func.count(case((OutboxMessage.status.in_(UNDELIVERED), 1))),
            func.count(case((OutboxMessage.status == OutboxStatus.FAILED.value, 1))),
            func.min(case((OutboxMessage.status.in_(UNDELIVERED), OutboxMessage.created))),
        )
    ).one()
    oldest = counts[2]
    if isinstance(oldest, str):  # SQLite hands back MIN() of a date column as text
        oldest = datetime.datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=datetime.UTC)
    return {"undelivered": counts[0], "failed": counts[1], "oldest_undelivered": oldest}


def failed(limit: int = 50) -> list[OutboxMessage]:
    """Messages given up on, newest first (the dashboard lists them with the reason)."""
    query = select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED.value)
    return list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)).all())


def get(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)


def try_again(message: OutboxMessage) -> None:
    """A failed message back in the queue, due now, with its attempts counted afresh."""
    message.status = OutboxStatus.PENDING.value
    message.attempts = 0
    message.due = utcnow()


def pending(kind: str) -> int:
    """How many messages of this kind wait to be claimed."""
    query = select(func.count()).where(
        OutboxMessage.kind == kind, OutboxMessage.status == OutboxStatus.PENDING.value
    )
    return db.session.scalar(query) or 0


def waiting(kind: str) -> OutboxMessage | None:
    """The oldest message of this kind still waiting to be claimed, locked (on PostgreSQL)
    until this transaction ends, so what is added to its payload is not lost to a worker
    claiming it meanwhile."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.status == OutboxStatus.PENDING.value)
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update()
    )
    return db.session.scalars(query).first()


def set_payload(message: OutboxMessage, payload: dict[str, Any]) -> None:
    message.payload = payload
    flag_modified(message, "payload")


def undelivered_batches(kind: str) -> list[str]:
    """Batches of this kind of which nothing is delivered yet and something is still waiting."""
    sent = func.count(case((OutboxMessage.status == OutboxStatus.SENT.value, 1)))
    waiting = func.count(case((OutboxMessage.status.in_(UNDELIVERED), 1)))
    query = (
        select(OutboxMessage.batch)
        .where(OutboxMessage.kind == kind, OutboxMessage.batch.is_not(None))
        .group_by(OutboxMessage.batch)
        .having(sent == 0, waiting > 0)
    )
    return list(db.session.scalars(query).all())


def forget_recipient(address: str) -> int:
    """Delete every message to this address that is not being delivered right now (erasure)."""
    statement = delete(OutboxMessage).where(
        func.lower(OutboxMessage.recipient) == address.lower(),
        OutboxMessage.status != OutboxStatus.SENDING.value,
    )
    return db.session.execute(statement).rowcount
