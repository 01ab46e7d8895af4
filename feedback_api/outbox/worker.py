"""Delivering the outbox: claim one message, deliver it outside any transaction, record how it
went. At least once: a worker killed between delivering and recording leaves the message
claimed until its lease runs out, when a worker delivers it again (under the same idempotency
key). A failure is tried again after a delay that doubles each time (up to an hour) until the
message has had its attempts; then it is "failed", with the reason, on the staff dashboard.

Messages are claimed one at a time, so a slow delivery never outlives the lease of messages
that would otherwise be claimed with it and wait behind it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import fcntl
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from feedback_api import outage, storage
from feedback_api.outbox import PermanentFailure, TryLater, handler
from feedback_api.storage import outbox as rows
from feedback_api.storage import transaction
from feedback_api.storage.models import OutboxMessage, utcnow

logger = logging.getLogger(__name__)
RETRY_CAP = datetime.timedelta(hours=1)
# The outbox kinds that build or publish the site (workspace jobs, page rebuilds).
BUILD_KINDS = ("job", "rebuild")


def retry_delay(attempts: int, first: float) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failure: `first` seconds, doubling, at most an
    hour."""
    seconds = first * 2 ** max(attempts - 1, 0)
    return min(datetime.timedelta(seconds=seconds), RETRY_CAP)


@dataclasses.dataclass
class Tally:
    """What one pass over the outbox did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"Delivered {self.delivered}, to try again {self.retrying}, failed {self.failed}."


class Worker:
    """Delivers the outbox of one app; `name` tells its claims apart from other workers'."""

    def __init__(self, app: Flask, name: str | None = None) -> None:
        self.app = app
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        config = app.config
        self.lease = datetime.timedelta(seconds=config["ENGAGE_OUTBOX_LEASE_SECONDS"])
        self.attempts = config["ENGAGE_OUTBOX_ATTEMPTS"]
        self.first_retry = config["ENGAGE_OUTBOX_RETRY_SECONDS"]
        # Builds and publishing need the content and the site's folders, on one host.
        self.skip = () if config["ENGAGE_BUILD_HOST"] else BUILD_KINDS
        self.stopping = threading.Event()

    def deliver_due(self) -> Tally:
        """Deliver every message due, until none is (a message that fails in this pass is due
        again only after its wait), then return."""
        tally = Tally()
        while not self.stopping.is_set():
            with transaction():
                claimed = rows.claim(self.name, self.lease, limit=1, skip=self.skip)
            if not claimed:
                break
            for message in claimed:
                self._deliver(message, tally)
        return tally

    def run(self, poll: float) -> None:
        """Deliver as messages fall due until asked to stop (SIGTERM: the message being
        delivered is finished first). A database outage is logged once and waited out."""
        tracker = outage.current(self.app)
        while not self.stopping.is_set():
            try:
                tally = self.deliver_due()
            except SQLAlchemyError as error:
                with contextlib.suppress(SQLAlchemyError):
                    storage.rollback()
                if not outage.is_outage(error):
                    raise
                tracker.failed(error)
                tally = Tally()
            finally:
                storage.release()
            if not (tally.delivered or tally.retrying or tally.failed):
                self.stopping.wait(poll)

    def _deliver(self, message: OutboxMessage, tally: Tally) -> None:
        kind = handler(message.kind)
        what = kind.describe(message.payload) if kind else message.kind
        try:
            if kind is None:
                raise PermanentFailure(f"nothing delivers messages of kind {message.kind!r}")
            # The message's identity: its key, and when it was queued (a database restored from
            # a backup reuses comment ids, hence keys; never the moment).
            kind.deliver(message.payload, f"{message.key} {message.created.isoformat()}")
        except Exception as error:
            self._failed(message, what, error, tally)
            return
        with transaction():
            if rows.delivered(message.id, self.name, message.payload):
                if kind.after_delivery:
                    kind.after_delivery(message.payload)
                tally.delivered += 1
                logger.info(
                    "Delivered %s (message %d, attempt %d)", what, message.id, message.attempts
                )
            else:
                logger.warning(
                    "Delivered %s (message %d) after its lease ran out: another worker may "
                    "deliver it again",
                    what,
                    message.id,
                )

    def _failed(self, message: OutboxMessage, what: str, error: Exception, tally: Tally) -> None:
        reason = " ".join(f"{type(error).__name__}: {error}".split())
        if isinstance(error, TryLater):
            with transaction():
                rows.retry_later(
                    message.id,
                    self.name,
                    utcnow() + datetime.timedelta(seconds=error.seconds),
                    str(error),
                    spent=False,
                )
            tally.retrying += 1
            logger.info("%s waits: %s", what, error)
            return
        final = isinstance(error, PermanentFailure) or message.attempts >= self.attempts
        with transaction():
            if final:
                rows.given_up(message.id, self.name, reason)
                tally.failed += 1
                logger.error(
                    "Gave up on %s (message %d) after %d attempt(s): %s",
                    what,
                    message.id,
                    message.attempts,
                    reason,
                )
                return
            delay = retry_delay(message.attempts, self.first_retry)
            rows.retry_later(message.id, self.name, utcnow() + delay, reason)
            tally.retrying += 1
            logger.warning(
                "Could not deliver %s (message %d, attempt %d of %d): %s; trying again in %d s",
                what,
                message.id,
                message.attempts,
                self.attempts,
                reason,
                delay.total_seconds(),
            )


@contextlib.contextmanager
def only_worker() -> Iterator[None]:
    """On SQLite, one worker per database file: a second one is refused (SQLite has no
    `SKIP LOCKED`, and one worker is plenty for what one SQLite file serves)."""
    database = storage.sqlite_file()
    if database is None:
        yield
        return
    path = Path(f"{database}.worker-lock")
    lock: IO[str] = path.open("a")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(
                f"Another worker is delivering this SQLite database's outbox ({path}); SQLite "
                "runs one worker. Use PostgreSQL for workers on several hosts."
            ) from None
        yield
    finally:
        lock.close()


def in_background(app: Flask, poll: float = 2.0) -> threading.Thread:
    """A worker in a thread of this process, for `invoke serve` (`make run`): publishing,
    cross-posting and notices work on a laptop without a second terminal. A worker already
    delivering this SQLite database is left to it."""

    def deliver() -> None:
        with app.app_context():
            try:
                with only_worker():
                    Worker(app).run(poll)
            except RuntimeError as error:
                logger.warning("No worker in this process: %s", error)

    thread = threading.Thread(target=deliver, name="engage-worker", daemon=True)
    thread.start()
    return thread


def worker_for(app: Flask | None = None) -> Worker:
    """A worker for the current app (tests and commands)."""
    return Worker(app or current_app._get_current_object())
