"""The outbox table under concurrency, on each database: one row per idempotency key, and every
message claimed by exactly one of many workers at a time (SKIP LOCKED on PostgreSQL); a claim
whose lease ran out passes to another worker, and the first can then record nothing."""

from __future__ import annotations

import datetime
import threading
import time
from collections import Counter

from feedback_api import outbox
from feedback_api.storage import outbox as rows
from feedback_api.storage import transaction
from feedback_api.storage.models import OutboxMessage, as_utc, db

MINUTE = datetime.timedelta(minutes=1)


def queue(app, count: int, prefix: str = "m") -> None:
    with app.app_context(), transaction():
        for n in range(count):
            outbox.enqueue(
                "mail",
                f"{prefix}:{n}",
                {"to": f"p{n}@example.com", "subject": f"S{n}", "body": "B"},
                recipient=f"p{n}@example.com",
            )


def test_the_same_key_is_one_message(app) -> None:
    with app.app_context(), transaction():
        first = outbox.enqueue("mail", "published:7:abc", {"to": "a@example.com"})
        again = outbox.enqueue("mail", "published:7:abc", {"to": "a@example.com"})
    assert (first, again) == (True, False)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1


def test_a_message_is_written_only_inside_its_event_transaction(app) -> None:
    with app.app_context():
        try:
            outbox.enqueue("mail", "k", {})
        except RuntimeError as error:
            assert "transaction of its event" in str(error)
        else:
            raise AssertionError("outside a transaction it must refuse")
        with transaction():
            try:
                outbox.enqueue("no such kind", "k", {})
            except LookupError as error:
                assert "no such kind" in str(error)
            else:
                raise AssertionError("a kind nothing delivers must be refused")


def test_many_workers_at_once_claim_each_message_exactly_once(app) -> None:
    queue(app, 200)
    claimed: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker(name: str) -> None:
        with app.app_context():
            start.wait()
            while True:
                with transaction():
                    got = rows.claim(name, MINUTE, limit=3)
                if not got:
                    break
                with lock:
                    claimed.extend(message.id for message in got)
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    repeats = [i for i, seen in Counter(claimed).items() if seen > 1]
    assert not repeats, f"claimed by two workers: {repeats[:5]}"
    assert len(claimed) == 200
    with app.app_context():
        statuses = db.session.scalars(db.select(OutboxMessage.status)).all()
    assert set(statuses) == {"sending"}


def test_an_abandoned_claim_passes_to_another_worker_after_its_lease(app) -> None:
    queue(app, 1)
    with app.app_context():
        with transaction():
            [first] = rows.claim("dead", datetime.timedelta(seconds=0.2), limit=5)
        with transaction():
            assert rows.claim("other", MINUTE, limit=5) == [], "still leased"
        time.sleep(0.3)
        with transaction():
            [again] = rows.claim("other", MINUTE, limit=5)
        assert (again.id, again.attempts, again.claimed_by) == (first.id, 2, "other")
        with transaction():
            assert not rows.delivered(first.id, "dead"), "no longer the dead worker's"
            assert rows.delivered(first.id, "other")
        backlog = rows.backlog()
    assert (backlog["undelivered"], backlog["failed"], backlog["oldest_undelivered"]) == (
        0,
        0,
        None,
    )


def test_backlog_counts_what_waits_and_what_failed(app) -> None:
    queue(app, 3)
    with app.app_context():
        with transaction():
            [one] = rows.claim("w", MINUTE, limit=1)
            rows.given_up(one.id, "w", "PermanentFailure: the server refused the address (550)")
        backlog = rows.backlog()
        oldest = db.session.scalar(
            db.select(db.func.min(OutboxMessage.created)).where(OutboxMessage.id != one.id)
        )
        assert [m.id for m in rows.failed()] == [one.id]
    assert (backlog["undelivered"], backlog["failed"]) == (2, 1)
    assert backlog["oldest_undelivered"] == as_utc(oldest)
