"""E-mail notices through a real SMTP server on loopback (aiosmtpd): moderators hear of new
comments at once or in a digest; writers who asked hear when they are published or answered."""

from __future__ import annotations

import email
import socket
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from feedback_api import signals
from feedback_api.accounts import service as accounts
from feedback_api.storage import comments as storage
from feedback_api.storage import transaction

PAGE = "/blog/winter-vaccines/"


class Inbox:
    """Collects every message the server receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def inbox() -> object:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port
    yield box
    controller.stop()


@pytest.fixture
def mail_app(make_app, inbox):
    def build(**settings: object):
        app = make_app(
            ENGAGE_SMTP_HOST="127.0.0.1",
            ENGAGE_SMTP_PORT=inbox.port,
            ENGAGE_MAIL_FROM="Engage <engage@example.nhs.uk>",
            **settings,
        )
        with app.app_context():
            accounts.create("mod@example.nhs.uk", "moderator", "a long password here")
            accounts.create("lead@example.nhs.uk", "admin", "a long password here")
        return app

    return build


def delivered(app, inbox) -> list[Message]:
    with app.app_context():
        app.extensions["engage_mailer"].flush()
    return inbox.messages


def test_moderators_hear_of_each_new_comment_at_once(mail_app, inbox) -> None:
    app = mail_app()
    client = app.test_client()
    client.post("/api/comments", json={"page": PAGE, "body": "Call 07700 900123", "author": "Jo"})
    client.post("/api/comments", json={"page": PAGE, "body": "spam", "website": "x"})
    [message] = delivered(app, inbox)
    assert message["To"] == "lead@example.nhs.uk, mod@example.nhs.uk"
    assert message["Subject"].startswith("New comment to moderate on")
    text = message.get_payload(decode=True).decode()
    assert "From: Jo" in text and "a phone number" in text and "/admin/" in text


def test_digest_collects_what_came_since_the_last(mail_app, inbox) -> None:
    app = mail_app(ENGAGE_DIGEST="daily")
    client = app.test_client()
    for n in range(3):
        client.post("/api/comments", json={"page": PAGE, "body": f"Comment {n}"})
    assert delivered(app, inbox) == [], "no mail per comment in digest mode"
    runner = app.test_cli_runner()
    assert "Digest sent: 3 item(s)." in runner.invoke(args=["notify", "digest"]).output
    client.post("/api/comments", json={"page": PAGE, "body": "Comment 3"})
    assert "Digest sent: 1 item(s)." in runner.invoke(args=["notify", "digest"]).output
    subjects = [m["Subject"] for m in delivered(app, inbox)]
    assert subjects == ["3 new comments to moderate", "1 new comment to moderate"]


def test_writer_who_asked_hears_when_published_and_answered(mail_app, inbox) -> None:
    app = mail_app(ENGAGE_DIGEST="off")
    client = app.test_client()
    asked = client.post(
        "/api/comments",
        json={"page": PAGE, "body": "When?", "email": "sam@example.com", "notify": True},
    ).json["id"]
    silent = client.post(
        "/api/comments", json={"page": PAGE, "body": "Thanks", "email": "kim@example.com"}
    ).json["id"]
    runner = app.test_cli_runner()
    runner.invoke(args=["comments", "approve", str(asked)])
    runner.invoke(args=["comments", "approve", str(silent)])
    with app.app_context():
        with transaction():
            parent = storage.get_comment(asked)
            reply = storage.add_official_reply(
                parent,
                body="In March.",
                html="<p>In March.</p>",
                author="ICB",
                staff_id=None,
                tag=None,
                edit_token_hash="-",
            )
        signals.official_reply_posted.send(app, reply=reply, parent=parent)
    messages = delivered(app, inbox)
    assert [(m["To"], m["Subject"]) for m in messages] == [
        ("sam@example.com", "Your comment has been published"),
        ("sam@example.com", "NHS Riverside and Vale Integrated Care Board replied to your comment"),
    ]
    assert "In March." in messages[1].get_payload(decode=True).decode()


def test_no_smtp_host_means_no_mail_and_no_error(make_app) -> None:
    app = make_app()
    answer = app.test_client().post("/api/comments", json={"page": PAGE, "body": "Hi"})
    assert answer.status_code == 202
    assert not app.extensions["engage_mailer"].enabled


def test_a_broken_mail_server_does_not_break_posting(make_app) -> None:
    app = make_app(ENGAGE_SMTP_HOST="127.0.0.1", ENGAGE_SMTP_PORT=9)  # nothing listens
    with app.app_context():
        accounts.create("mod@example.nhs.uk", "moderator", "a long password here")
    answer = app.test_client().post("/api/comments", json={"page": PAGE, "body": "Hi"})
    assert answer.status_code == 202
    with app.app_context():
        app.extensions["engage_mailer"].flush()  # the failure is logged, not raised
