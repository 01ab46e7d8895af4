"""The worker in process, against a real SMTP server on loopback: retries that wait longer each
time, then a failed state with its reason on the dashboard, which an administrator can send
again; an address the server refuses fails at once without holding up the others; site
rebuilds run the configured command, once for several changes, and report why a build failed."""

from __future__ import annotations

import datetime
import re
import sys
import time
from pathlib import Path

import pytest

from feedback_api.outbox.worker import retry_delay
from feedback_api.storage.models import OutboxMessage, db
from fixtures.outbox import backlog, deliver
from fixtures.smtp import SMTPServer

PAGE = "/blog/winter-vaccines/"


@pytest.fixture
def staff_app(make_app, smtp_server: SMTPServer):
    """The `staff` fixture's app, with mail on and quick retries: three attempts in all."""
    return make_app(
        ENGAGE_SECURE_COOKIES=False,
        ENGAGE_OUTBOX_RETRY_SECONDS=0.2,
        ENGAGE_OUTBOX_ATTEMPTS=3,
        **smtp_server.settings,
    )


def messages(app) -> list[OutboxMessage]:
    with app.app_context():
        db.session.remove()
        return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_wait_doubles_from_the_first_up_to_an_hour() -> None:
    waits = [retry_delay(n, 60).total_seconds() for n in range(1, 9)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_retries_wait_longer_each_time_then_fail_visibly_and_can_be_sent_again(
    staff, staff_app, smtp_server: SMTPServer
) -> None:
    admin = staff("admin")
    smtp_server.stop()
    staff_app.test_client().post("/api/comments", json={"page": PAGE, "body": "Hello"})
    tried = []
    for attempt in range(1, 4):
        before = datetime.datetime.now(datetime.UTC)
        tally = deliver(staff_app)
        [message] = messages(staff_app)
        assert message.attempts == attempt
        assert "ConnectionRefusedError" in message.last_error
        tried.append((tally.retrying, tally.failed, message.status))
        if message.status == "pending":
            wait = (message.due - before).total_seconds()
            assert 0.2 * 2 ** (attempt - 1) <= wait < 0.2 * 2 ** (attempt - 1) + 1
            assert deliver(staff_app).retrying == 0, "not due again before its wait"
            time.sleep(wait)
    assert tried == [(1, 0, "pending"), (1, 0, "pending"), (0, 1, "failed")]
    assert backlog(staff_app)["failed"] == 1

    page = admin.get("/admin/dashboard").get_data(as_text=True)
    assert "Could not be sent" in page
    assert "e-mail ‘New comment to moderate on" in page  # noqa: RUF001
    assert "admin@example.nhs.uk" in page and "ConnectionRefusedError" in page
    moderator_page = staff("moderator").get("/admin/dashboard").get_data(as_text=True)
    assert "Could not be sent" in moderator_page and "(shown to administrators)" in moderator_page
    assert "Try again" not in moderator_page

    smtp_server.start()
    [message] = messages(staff_app)
    answer = admin.post(f"/admin/outbox/{message.id}/retry", data={"csrf_token": admin.token})
    assert answer.status_code == 303
    assert "will be tried again" in admin.get("/admin/dashboard").get_data(as_text=True)
    assert deliver(staff_app).delivered == 1
    assert [m["To"] for m in smtp_server.inbox.messages] == ["admin@example.nhs.uk"]
    assert "Could not be sent" not in admin.get("/admin/dashboard").get_data(as_text=True)


def test_only_administrators_send_failed_messages_again(staff, staff_app) -> None:
    moderator = staff("moderator")
    answer = moderator.post("/admin/outbox/1/retry", data={"csrf_token": moderator.token})
    assert answer.status_code == 403


def test_a_refused_address_fails_at_once_and_the_others_are_delivered(
    staff, staff_app, smtp_server: SMTPServer
) -> None:
    staff("admin"), staff("moderator")
    smtp_server.inbox.refused = {"moderator@example.nhs.uk"}
    staff_app.test_client().post("/api/comments", json={"page": PAGE, "body": "Hello"})
    tally = deliver(staff_app)
    assert (tally.delivered, tally.retrying, tally.failed) == (1, 0, 1)
    failed = [m for m in messages(staff_app) if m.status == "failed"]
    assert [(m.recipient, m.attempts) for m in failed] == [("moderator@example.nhs.uk", 1)]
    assert "refused the address (550)" in failed[0].last_error
    assert smtp_server.inbox.to() == ["admin@example.nhs.uk"]


def test_outbox_commands_show_and_requeue_what_failed(staff, staff_app, smtp_server) -> None:
    staff("admin")
    smtp_server.inbox.refused = {"admin@example.nhs.uk"}
    staff_app.test_client().post("/api/comments", json={"page": PAGE, "body": "Hello"})
    runner = staff_app.test_cli_runner()
    assert (
        "Delivered 0, to try again 0, failed 1." in runner.invoke(args=["worker", "--once"]).output
    )
    status = runner.invoke(args=["outbox", "status"]).output
    assert "Waiting: 0; failed: 1." in status
    assert re.search(r"#\d+ mail to admin@example.nhs.uk, 1 attempt\(s\): PermanentFailure", status)
    assert (
        "There is no failed message #999." in runner.invoke(args=["outbox", "retry", "999"]).output
    )
    smtp_server.inbox.refused = set()
    assert (
        "1 message(s) queued again."
        in runner.invoke(args=["outbox", "retry", "--all-failed"]).output
    )
    assert "Delivered 1," in runner.invoke(args=["worker", "--once"]).output


def test_erasing_a_person_takes_their_queued_notices_too(staff, staff_app, smtp_server) -> None:
    smtp_server.stop()
    client = staff_app.test_client()
    asked = client.post(
        "/api/comments",
        json={"page": PAGE, "body": "Hi", "email": "sam@example.com", "notify": True},
    ).json["id"]
    staff_app.test_cli_runner().invoke(args=["comments", "approve", str(asked)])
    assert [m.recipient for m in messages(staff_app)] == ["sam@example.com"]
    result = staff_app.test_cli_runner().invoke(
        args=["people", "erase", "sam@example.com", "--yes"]
    )
    assert "Erased 1 comment(s)." in result.output
    assert messages(staff_app) == []


def python_command(code: str) -> str:
    return f'{sys.executable} -c "{code}"'


def test_changes_readers_see_rebuild_the_site_once_for_several(make_app, tmp_path: Path) -> None:
    built = tmp_path / "built.txt"
    app = make_app(
        ENGAGE_REBUILD_DELAY_SECONDS=0.5,
        ENGAGE_REBUILD_COMMAND=python_command(
            f"import pathlib; p = pathlib.Path(r'{built}'); "
            "p.write_text(p.read_text() + 'x' if p.exists() else 'x')"
        ),
    )
    client = app.test_client()
    ids = [
        client.post("/api/comments", json={"page": PAGE, "body": f"C{n}"}).json["id"]
        for n in range(3)
    ]
    assert messages(app) == [], "a pending comment changes nothing readers see"
    runner = app.test_cli_runner()
    for comment_id in ids:
        runner.invoke(args=["comments", "approve", str(comment_id)])
    assert [m.kind for m in messages(app)] == ["rebuild"], "one rebuild for the three"
    assert deliver(app).delivered == 0, "it waits a moment, for more approvals to share it"
    time.sleep(0.6)
    assert deliver(app).delivered == 1
    assert built.read_text() == "x"
    rejected = runner.invoke(args=["comments", "reject", str(ids[0]), "--reason", "off topic"])
    assert rejected.exit_code == 0, rejected.output
    time.sleep(0.6)
    assert deliver(app).delivered == 1
    assert built.read_text() == "xx"


def test_a_failed_build_is_tried_again_with_its_reason(make_app) -> None:
    app = make_app(
        ENGAGE_REBUILD_DELAY_SECONDS=0,
        ENGAGE_REBUILD_COMMAND=python_command(
            "import sys; print('CRITICAL: no template article.html', file=sys.stderr); sys.exit(3)"
        ),
    )
    comment = app.test_client().post("/api/comments", json={"page": PAGE, "body": "C"}).json
    app.test_cli_runner().invoke(args=["comments", "approve", str(comment["id"])])
    assert deliver(app).retrying == 1
    [message] = messages(app)
    assert "the build exited with status 3" in message.last_error
    assert "no template article.html" in message.last_error


def test_health_reports_the_backlog_and_its_oldest(staff_app, smtp_server, staff) -> None:
    staff("admin")
    smtp_server.stop()
    client = staff_app.test_client()
    client.post("/api/comments", json={"page": PAGE, "body": "Hello"})
    time.sleep(1.1)
    client.post("/api/comments", json={"page": PAGE, "body": "Again"})
    deliver(staff_app)
    outbox = client.get("/api/health").json["outbox"]
    assert (outbox["waiting"], outbox["failed"]) == (2, 0)
    assert 1 <= outbox["oldest_waiting_seconds"] < 30
    smtp_server.start()
    time.sleep(0.3)  # the first retry falls due
    deliver(staff_app)
    assert client.get("/api/health").json["outbox"] == {
        "waiting": 0,
        "failed": 0,
        "oldest_waiting_seconds": None,
    }


@pytest.mark.parametrize(
    "payload",
    [
        {"to": "a@example.com\r\nBcc: everyone@example.com", "subject": "S", "body": "B"},
        {"to": "a@example.com", "subject": "Line\nbreak", "body": "B"},
        {"subject": "no address", "body": "B"},
        {"to": ["a list"], "subject": 5, "body": None},
    ],
)
def test_a_message_that_cannot_be_written_fails_at_once(
    staff_app, smtp_server: SMTPServer, payload: dict
) -> None:
    """A row written by hand, or by a future bug, never reaches the server as something else
    (no header injection) and is not retried for hours."""
    from feedback_api import outbox
    from feedback_api.storage import transaction

    with staff_app.app_context(), transaction():
        outbox.enqueue("mail", "hand-written", payload)
    tally = deliver(staff_app)
    assert (tally.delivered, tally.retrying, tally.failed) == (0, 0, 1)
    [message] = messages(staff_app)
    assert message.attempts == 1 and "not a message that can be sent" in message.last_error
    assert smtp_server.inbox.messages == []
