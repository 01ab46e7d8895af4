"""E-mail notices through the outbox and a real SMTP server on loopback (aiosmtpd): moderators
hear of new comments at once or in a digest, each in a message of their own; writers who asked
hear when they are published or answered; nothing is sent until the worker delivers it."""

from __future__ import annotations

from email.header import decode_header, make_header
from email.message import Message

import pytest

from feedback_api import signals
from feedback_api.accounts import service as accounts
from feedback_api.storage import comments as storage
from feedback_api.storage import outbox as rows
from feedback_api.storage import transaction
from feedback_api.storage.models import Comment, db
from fixtures.outbox import backlog, deliver
from fixtures.smtp import SMTPServer

PAGE = "/blog/winter-vaccines/"
MODERATORS = ["lead@example.nhs.uk", "mod@example.nhs.uk"]


@pytest.fixture
def mail_app(make_app, smtp_server: SMTPServer):
    def build(**settings: object):
        app = make_app(**smtp_server.settings, **settings)
        with app.app_context():
            accounts.create("mod@example.nhs.uk", "moderator", "a long password here")
            accounts.create("lead@example.nhs.uk", "admin", "a long password here")
        return app

    return build


def delivered(app, smtp_server: SMTPServer) -> list[Message]:
    deliver(app)
    return smtp_server.inbox.messages


def text(message: Message) -> str:
    return message.get_payload(decode=True).decode()


def test_moderators_hear_of_each_new_comment_each_in_their_own_message(
    mail_app, smtp_server: SMTPServer
) -> None:
    app = mail_app()
    client = app.test_client()
    client.post("/api/comments", json={"page": PAGE, "body": "Call 07700 900123", "author": "Jo"})
    client.post("/api/comments", json={"page": PAGE, "body": "spam", "website": "x"})
    assert smtp_server.inbox.messages == [], "nothing is sent from the request"
    assert backlog(app)["undelivered"] == 2
    messages = delivered(app, smtp_server)
    assert sorted(m["To"] for m in messages) == MODERATORS, "one message each, no shared To"
    assert len({m["Message-ID"] for m in messages}) == 2
    for message in messages:
        assert message["Subject"].startswith("New comment to moderate on")
        assert "From: Jo" in text(message) and "a phone number" in text(message)
        assert "/admin/" in text(message)
    assert backlog(app)["undelivered"] == 0


def test_a_comment_whose_transaction_fails_queues_no_notice(mail_app, smtp_server) -> None:
    """The notice is written with the comment: no comment, no notice."""
    app = mail_app()
    with app.app_context(), pytest.raises(RuntimeError), transaction():
        comment = storage.add_comment(
            page=PAGE,
            parent_id=None,
            author=None,
            email=None,
            notify=False,
            body="Lost",
            html="<p>Lost</p>",
            status="pending",
            held_reasons=[],
            edit_token_hash="-",
            ip_hash=None,
        )
        signals.comment_received.send(app, comment=comment)
        assert rows.backlog()["undelivered"] == 2, "written, in the comment's transaction"
        raise RuntimeError("the request fails after the notice was written")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0
    assert backlog(app)["undelivered"] == 0
    assert delivered(app, smtp_server) == []


def test_digest_collects_what_no_delivered_digest_listed(mail_app, smtp_server) -> None:
    app = mail_app(ENGAGE_DIGEST="daily")
    client = app.test_client()
    for n in range(3):
        client.post("/api/comments", json={"page": PAGE, "body": f"Comment {n}"})
    assert delivered(app, smtp_server) == [], "no mail per comment in digest mode"
    runner = app.test_cli_runner()
    queued = runner.invoke(args=["notify", "digest"]).output
    assert "Digest queued: 3 item(s), for 2 moderator(s)." in queued
    client.post("/api/comments", json={"page": PAGE, "body": "Comment 3"})
    assert "not delivered yet" in runner.invoke(args=["notify", "digest"]).output
    assert len(delivered(app, smtp_server)) == 2
    assert "Digest queued: 1 item(s)" in runner.invoke(args=["notify", "digest"]).output
    messages = delivered(app, smtp_server)
    assert "Digest queued: 0 item(s)" in runner.invoke(args=["notify", "digest"]).output
    assert [m["Subject"] for m in messages] == ["3 new comments to moderate"] * 2 + [
        "1 new comment to moderate"
    ] * 2
    assert "Comment 3" not in text(messages[0]) and "Comment 3" in text(messages[2])


def test_writer_who_asked_hears_when_published_and_answered(mail_app, smtp_server) -> None:
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
    with app.app_context(), transaction():
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
    messages = delivered(app, smtp_server)
    assert [(m["To"], m["Subject"]) for m in messages] == [
        ("sam@example.com", "Your comment has been published"),
        ("sam@example.com", "NHS Riverside and Vale Integrated Care Board replied to your comment"),
    ]
    assert "In March." in text(messages[1])


def test_the_same_notice_asked_for_twice_is_sent_once(mail_app, smtp_server) -> None:
    """Approved, withdrawn and approved again: the writer hears once (the idempotency key)."""
    app = mail_app(ENGAGE_DIGEST="off")
    client = app.test_client()
    asked = client.post(
        "/api/comments",
        json={"page": PAGE, "body": "Hi", "email": "sam@example.com", "notify": True},
    ).json["id"]
    runner = app.test_cli_runner()
    for command in (["approve"], ["reject", "--reason", "off topic"], ["approve"]):
        result = runner.invoke(args=["comments", command[0], str(asked), *command[1:]])
        assert result.exit_code == 0, result.output
    assert [m["Subject"] for m in delivered(app, smtp_server)] == [
        "Your comment has been published"
    ]


def test_no_smtp_host_means_no_mail_and_no_error(make_app) -> None:
    app = make_app()
    answer = app.test_client().post("/api/comments", json={"page": PAGE, "body": "Hi"})
    assert answer.status_code == 202
    assert not app.extensions["engage_mailer"].enabled
    assert backlog(app)["undelivered"] == 0


def test_a_broken_mail_server_does_not_break_posting(make_app) -> None:
    app = make_app(ENGAGE_SMTP_HOST="127.0.0.1", ENGAGE_SMTP_PORT=9)  # nothing listens
    with app.app_context():
        accounts.create("mod@example.nhs.uk", "moderator", "a long password here")
    answer = app.test_client().post("/api/comments", json={"page": PAGE, "body": "Hi"})
    assert answer.status_code == 202
    tally = deliver(app)
    assert (tally.delivered, tally.retrying) == (0, 1), "kept to try again"
    assert backlog(app)["undelivered"] == 1


def test_a_welsh_writer_hears_in_welsh(mail_app, smtp_server) -> None:
    """The e-mails to a reader are in the language of the page they commented on."""
    app = mail_app(ENGAGE_DIGEST="off")
    client = app.test_client()
    asked = client.post(
        "/api/comments",
        json={
            "page": "/cy/blog/winter-vaccines/",
            "body": "Pryd?",
            "email": "sam@example.com",
            "notify": True,
        },
    ).json["id"]
    app.test_cli_runner().invoke(args=["comments", "approve", str(asked)])
    with app.app_context(), transaction():
        parent = storage.get_comment(asked)
        reply = storage.add_official_reply(
            parent,
            body="Ym mis Mawrth.",
            html="<p>Ym mis Mawrth.</p>",
            author="BGI",
            staff_id=None,
            tag=None,
            edit_token_hash="-",
        )
        signals.official_reply_posted.send(app, reply=reply, parent=parent)
    published, replied = delivered(app, smtp_server)

    def subject(message: Message) -> str:
        return str(make_header(decode_header(message["Subject"])))

    assert subject(published) == "Mae eich sylw wedi’i gyhoeddi"  # noqa: RUF001
    assert "Diolch. Mae eich sylw ar" in text(published)
    assert "/cy/blog/winter-vaccines/#comment-" in text(published)
    assert subject(replied).endswith("wedi ymateb i’ch sylw")  # noqa: RUF001
    assert "Ym mis Mawrth." in text(replied) and "We have replied" not in text(replied)
