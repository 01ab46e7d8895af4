"""The worker's promises under faults, with the real command in processes of its own and a
real SMTP server on loopback: the mail server down while readers post (every notice arrives
once it is back), a worker SIGKILLed mid-delivery (delivered by the next worker, not lost),
two workers on PostgreSQL (no message sent twice), one worker on SQLite, SIGTERM."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from feedback_api import outbox
from feedback_api.accounts import service as accounts
from feedback_api.storage import transaction
from fixtures.api import api_config
from fixtures.outbox import WorkerProcess, backlog, wait_for
from fixtures.smtp import SMTPServer

PAGE = "/blog/winter-vaccines/"
MODERATORS = ("lead@example.nhs.uk", "mod@example.nhs.uk")


@pytest.fixture
def setup(make_app, tmp_path: Path, built_site: Path, database: str, smtp_server: SMTPServer):
    """An app (for posting) and the same settings for worker processes: quick retries, a short
    lease, two moderators."""
    settings = {
        **smtp_server.settings,
        "ENGAGE_OUTBOX_RETRY_SECONDS": 0.2,
        "ENGAGE_OUTBOX_LEASE_SECONDS": 2,
    }
    app = make_app(**settings)
    with app.app_context():
        for email in MODERATORS:
            accounts.create(email, "moderator", "a long password here")
    return app, api_config(tmp_path, built_site, database, **settings)


def post(app, count: int) -> list[int]:
    client = app.test_client()
    answers = [
        client.post("/api/comments", json={"page": PAGE, "body": f"Comment {n}"})
        for n in range(count)
    ]
    assert {answer.status_code for answer in answers} == {202}
    return [answer.json["id"] for answer in answers]


def test_mail_server_down_during_posts_every_notice_arrives_once_it_is_back(
    setup, smtp_server: SMTPServer, tmp_path: Path
) -> None:
    app, config = setup
    smtp_server.stop()
    worker = WorkerProcess(config, tmp_path / "worker.log", "--poll", "0.1")
    try:
        ids = post(app, 20)
        wait_for(lambda: "Could not deliver" in worker.text(), what="a failed attempt")
        time.sleep(1)  # several rounds of retries while the server is away
        assert backlog(app)["undelivered"] == 2 * len(ids)
        smtp_server.start()
        back = time.monotonic()
        wait_for(lambda: backlog(app)["undelivered"] == 0, timeout=60, what="delivery")
        took = time.monotonic() - back
    finally:
        assert worker.stop() == 0
    inbox = smtp_server.inbox
    assert len(inbox.messages) == 2 * len(ids), "each notice once"
    assert set(inbox.ids().values()) == {1}
    assert sorted(inbox.to()) == sorted(MODERATORS * len(ids))
    assert took < 10, f"delivered {took:.1f} s after the server came back"
    assert "Traceback" not in worker.text()


def test_a_worker_killed_mid_delivery_loses_nothing(
    setup, smtp_server: SMTPServer, tmp_path: Path
) -> None:
    """Killed while the server held the conversation before the message was complete: the next
    worker delivers it once its lease has run out, and it arrives exactly once."""
    app, config = setup
    inbox = smtp_server.inbox
    inbox.at_recipient.clear()
    first = WorkerProcess(config, tmp_path / "first.log", "--poll", "0.1")
    post(app, 1)
    assert inbox.waiting.acquire(timeout=30), "the worker should be mid-delivery"
    first.kill()
    inbox.at_recipient.set()
    assert backlog(app)["undelivered"] == 2
    second = WorkerProcess(config, tmp_path / "second.log", "--poll", "0.1")
    try:
        wait_for(lambda: backlog(app)["undelivered"] == 0, timeout=30, what="redelivery")
    finally:
        second.stop()
    assert sorted(inbox.to()) == sorted(MODERATORS)
    assert set(inbox.ids().values()) == {1}
    assert "attempt 2" in second.text(), "the killed worker's claim counted as an attempt"


def test_killed_after_the_server_accepted_the_repeat_carries_the_same_message_id(
    setup, smtp_server: SMTPServer, tmp_path: Path
) -> None:
    """At least once: killed after the server took the message but before the 250 reached the
    worker, it is sent again, with the same Message-ID so the receiver can tell."""
    app, config = setup
    inbox = smtp_server.inbox
    inbox.at_data.clear()
    first = WorkerProcess(config, tmp_path / "first.log", "--poll", "0.1")
    post(app, 1)
    assert inbox.waiting.acquire(timeout=30)
    first.kill()
    inbox.at_data.set()
    second = WorkerProcess(config, tmp_path / "second.log", "--poll", "0.1")
    try:
        wait_for(lambda: backlog(app)["undelivered"] == 0, timeout=30, what="redelivery")
    finally:
        second.stop()
    counts = inbox.ids()
    assert len(counts) == 2, "one message per moderator"
    assert sorted(counts.values()) == [1, 2], "the interrupted one twice, under one Message-ID"


def test_two_workers_on_postgresql_never_send_the_same_message_twice(
    setup, smtp_server: SMTPServer, tmp_path: Path, database: str
) -> None:
    if database != "postgresql":
        pytest.skip("SQLite runs one worker")
    app, config = setup
    with app.app_context(), transaction():
        for n in range(300):
            outbox.enqueue(
                "mail", f"load:{n}", {"to": f"p{n}@example.com", "subject": f"S{n}", "body": "B"}
            )
    workers = [
        WorkerProcess(config, tmp_path / f"worker{w}.log", "--poll", "0.1") for w in range(2)
    ]
    try:
        wait_for(lambda: backlog(app)["undelivered"] == 0, timeout=120, what="delivery")
    finally:
        for worker in workers:
            worker.stop()
    inbox = smtp_server.inbox
    assert len(inbox.messages) == 300
    assert set(inbox.ids().values()) == {1}
    by_worker = [len(re.findall(r"Delivered e-mail", w.text())) for w in workers]
    assert sum(by_worker) == 300
    assert min(by_worker) > 0, f"both workers should have delivered some: {by_worker}"


def test_on_sqlite_a_second_worker_is_refused(setup, tmp_path: Path, database: str) -> None:
    if database != "sqlite":
        pytest.skip("PostgreSQL runs any number of workers")
    _, config = setup
    first = WorkerProcess(config, tmp_path / "first.log", "--poll", "0.1")
    try:
        wait_for(lambda: "delivering the outbox" in first.text(), what="the first worker")
        second = WorkerProcess(config, tmp_path / "second.log", "--once")
        assert second.wait() == 1
        assert "Another worker is delivering this SQLite database's outbox" in second.text()
    finally:
        assert first.stop() == 0, "SIGTERM ends the worker cleanly"
    assert "stopping (signal 15)" in first.text()
    assert Counter(first.text().split()).get("Traceback", 0) == 0
