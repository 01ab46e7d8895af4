"""The durable outbox: every effect that leaves the service (e-mail notices and digests, site
rebuilds, and later replies sent to social platforms) is written as a row in the transaction of
the event that causes it, and delivered by the worker (`flask --app feedback_api worker`).

So an effect is committed with its event or not at all; a mail server or build that is down, or
a worker killed mid-delivery, delays it but never loses it. Each kind of effect has a handler
(`register`), which the worker calls with the message's payload: it returns when the effect is
done, raises `PermanentFailure` when trying again cannot help, and raises anything else to be
tried again later.

Why not a task-queue library: Celery, RQ, Dramatiq and Huey keep their queue in a broker (Redis,
RabbitMQ, their own SQLite file), outside the transaction of the comment that causes the mail,
so a crash between the two commits loses or invents an effect; the PostgreSQL-only queues
(procrastinate, pgqueuer) would leave SQLite, the embedded default, without one. A table in our
own database, claimed with `FOR UPDATE SKIP LOCKED`, is the transactional-outbox pattern in
about two hundred lines.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from feedback_api.storage import in_transaction
from feedback_api.storage import outbox as rows

EXTENSION = "engage_outbox_handlers"


class PermanentFailure(Exception):
    """Delivery cannot succeed however often it is tried (an address the server refuses)."""


class TryLater(Exception):
    """Not now, and not a failure: the message waits `seconds` without spending an attempt (a
    build waiting for the one already running)."""

    def __init__(self, reason: str, seconds: float = 5.0) -> None:
        super().__init__(reason)
        self.seconds = seconds


@dataclasses.dataclass(frozen=True)
class Handler:
    """How one kind of message is delivered (`deliver(payload, identity)`: the identity is the
    same at every attempt, for the receiver to recognise a repeat), and what to record once it
    is (in the same transaction as the message's "sent": the digest marks its items then)."""

    deliver: Callable[[dict[str, Any], str], None]
    describe: Callable[[dict[str, Any]], str]
    after_delivery: Callable[[dict[str, Any]], None] | None = None


def register(app: Flask, kind: str, handler: Handler) -> None:
    app.extensions.setdefault(EXTENSION, {})[kind] = handler


def handler(kind: str) -> Handler | None:
    return current_app.extensions.get(EXTENSION, {}).get(kind)


def enqueue(
    kind: str,
    key: str,
    payload: dict[str, Any],
    *,
    recipient: str | None = None,
    batch: str | None = None,
    due: datetime.datetime | None = None,
) -> bool:
    """Write one message in the transaction that is open (the event's own), to deliver now or
    from `due`; False when a message with this idempotency key exists already."""
    if not in_transaction():
        raise RuntimeError("An outbox message is written in the transaction of its event.")
    if handler(kind) is None:
        raise LookupError(f"No handler delivers outbox messages of kind {kind!r}.")
    return rows.add(key=key, kind=kind, payload=payload, recipient=recipient, batch=batch, due=due)
