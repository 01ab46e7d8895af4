"""Safeguarding through the real app, database, outbox and a loopback SMTP server: a comment or a
social item suggesting a risk of harm is stored urgent, comes first in the queue, carries the
urgent tag and callout, offers the signposting text in its reply form, and every moderator is
e-mailed at once (even on a daily digest), with an audit entry saying so."""

from __future__ import annotations

import datetime
import re
from email.message import Message

import pytest

from feedback_api.listening import inbox
from feedback_api.screening.risk import SIGNPOSTING
from feedback_api.storage import transaction
from feedback_api.storage.models import AuditEntry, Comment, QuestionnaireResponse, db
from fixtures.moderation_helpers import get as stored
from fixtures.outbox import deliver
from fixtures.smtp import SMTPServer
from fixtures.staff import signed_in
from fixtures.surveys import survey_manifest
from platforms.listening import Heard, HeardKind

PAGE = "/consultations/urgent-care-vale-cross/"
MODERATORS = ["admin@example.nhs.uk", "moderator@example.nhs.uk"]
URGENT_SUBJECT = "Urgent: a comment may suggest a risk of harm"
CRISIS = "Since the clinic closed I don\u2019t want to live any more."
URGENT_TAG = "Urgent: may suggest a risk of harm"
CALLOUT = "Urgent: this may suggest a risk of harm"


@pytest.fixture
def mail_app(make_app, smtp_server: SMTPServer):
    """Moderators on a daily digest: ordinary comments send no mail of their own."""
    app = make_app(**smtp_server.settings, ENGAGE_DIGEST="daily", ENGAGE_SECURE_COOKIES=False)
    app.moderator = signed_in(app, "moderator", name="Mo")
    app.admin = signed_in(app, "admin", name="Ade")
    return app


def post(client, body: str, **fields: object) -> int:
    answer = client.post("/api/comments", json={"page": PAGE, "body": body, **fields})
    assert answer.status_code == 202, answer.get_data(as_text=True)
    return answer.json["id"]


def urgent_alerts(app) -> list[str]:
    with app.app_context():
        query = db.select(AuditEntry.target).where(AuditEntry.action == "urgent alert sent")
        return list(db.session.scalars(query.order_by(AuditEntry.id)).all())


def delivered(app, smtp_server: SMTPServer) -> list[Message]:
    deliver(app)
    return list(smtp_server.inbox.messages)


def text(message: Message) -> str:
    return message.get_payload(decode=True).decode()


def queue_ids(client, **filters: str) -> list[int]:
    html = client.get("/admin/", query_string=filters).get_data(as_text=True)
    return [int(n) for n in re.findall(r'id="item-(\d+)-heading"', html)]


def reply_box(html: str) -> str:
    """The text the reply form's textarea starts with."""
    found = re.search(r'<textarea[^>]*id="reply-body"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "the page has a reply form"
    return found.group(1).strip()


def hear(app, text: str, remote_id: str = "109", **fields: object) -> int:
    """An item heard on Mastodon, brought in as the listener brings it in."""
    heard = Heard(
        platform="mastodon",
        remote_id=remote_id,
        url=f"https://mastodon.example/@sam/{remote_id}",
        kind=HeardKind.MENTION,
        handle="@sam@mastodon.example",
        name="Sam Reader",
        text=text,
        created=datetime.datetime.now(datetime.UTC),
        **fields,
    )
    with app.app_context(), transaction():
        _, [item] = inbox.take("mastodon", [heard])
        return item.id


def test_a_site_comment_suggesting_self_harm_is_urgent_first_and_mailed_at_once(
    mail_app, smtp_server
) -> None:
    client = mail_app.test_client()
    older = [post(client, "Please keep the walk-in centre open."), post(client, "Buses?")]
    with mail_app.app_context(), transaction():  # waiting far longer than the urgent one
        for n, number in enumerate(older):
            db.session.get(Comment, number).created -= datetime.timedelta(hours=5 - n)
    urgent = post(client, CRISIS, author="Alex")
    ordinary = post(client, "The stroke services and heart health clinics are good.")

    comment = stored(mail_app, urgent)
    assert comment.urgent and comment.status == "pending"
    assert [(r["kind"], r["match"]) for r in comment.held_reasons] == [
        ("risk", "don\u2019t want to live")
    ]
    assert not stored(mail_app, ordinary).urgent and not stored(mail_app, older[0]).urgent

    # First in the queue though three others waited longer or as long; the tag on it alone.
    moderator = mail_app.moderator
    assert queue_ids(moderator) == [urgent, *older, ordinary]
    html = moderator.get("/admin/").get_data(as_text=True)
    assert html.count(URGENT_TAG) == 1
    tag = html.index(URGENT_TAG)
    assert html.rindex('id="select-', 0, tag) == html.index(f'id="select-{urgent}"')
    assert "Held for:</strong> risk of harm" in html
    assert queue_ids(moderator, kind="risk") == [urgent]

    # Every moderator at once, each in their own message; the ordinary ones wait for the digest.
    messages = delivered(mail_app, smtp_server)
    assert sorted(m["To"] for m in messages) == MODERATORS
    for message in messages:
        assert message["Subject"] == URGENT_SUBJECT
        body = text(message)
        assert CRISIS in body and "From: Alex" in body
        assert "words suggesting a risk of harm" in body
        assert f"/admin/comments/{urgent}" in body
    assert urgent_alerts(mail_app) == [f"comment {urgent}"]
    assert delivered(mail_app, smtp_server) == messages, "sent once"

    # The callout on its page; once published, the reply form offers the signposting text.
    page = moderator.get(f"/admin/comments/{urgent}").get_data(as_text=True)
    assert CALLOUT in page and "safeguarding procedure" in page
    approved = moderator.post(
        f"/admin/comments/{urgent}/approve", data={"csrf_token": moderator.token}
    )
    assert approved.status_code == 303
    page = moderator.get(f"/admin/comments/{urgent}").get_data(as_text=True)
    offered = reply_box(page)
    assert offered == str(SIGNPOSTING).replace("'", "&#39;")
    for number in ("999", "NHS 111", "111.nhs.uk", "Samaritans", "116 123"):
        assert number in offered

    # An ordinary comment's page has neither.
    moderator.post(f"/admin/comments/{ordinary}/approve", data={"csrf_token": moderator.token})
    plain = moderator.get(f"/admin/comments/{ordinary}").get_data(as_text=True)
    assert CALLOUT not in plain and reply_box(plain) == ""


def test_a_comment_edited_to_suggest_risk_becomes_urgent_and_is_alerted(
    mail_app, smtp_server
) -> None:
    client = mail_app.test_client()
    first = post(client, "Nothing to worry about here.")
    sent = client.post("/api/comments", json={"page": PAGE, "body": "A quiet note."})
    later, token = sent.json["id"], sent.json["edit_token"]
    assert queue_ids(mail_app.moderator) == [first, later]
    changed = client.patch(
        f"/api/comments/{later}",
        json={"edit_token": token, "body": "My partner hits me and I am scared."},
    )
    assert changed.status_code == 200
    assert stored(mail_app, later).urgent
    assert queue_ids(mail_app.moderator) == [later, first]
    messages = delivered(mail_app, smtp_server)
    assert sorted(m["To"] for m in messages) == MODERATORS
    assert {m["Subject"] for m in messages} == {URGENT_SUBJECT}
    assert "hits me" in text(messages[0])
    assert urgent_alerts(mail_app) == [f"comment {later}"]
    # Edited again, still urgent: nobody is told twice.
    client.patch(f"/api/comments/{later}", json={"edit_token": token, "body": "He hits me. Help."})
    assert delivered(mail_app, smtp_server) == messages
    assert stored(mail_app, later).urgent


def test_a_honeypot_catch_is_not_alerted(mail_app, smtp_server) -> None:
    """A bot's post with the words in it goes to spam: nobody is woken for it."""
    client = mail_app.test_client()
    caught = post(client, "I want to kill myself", website="http://spam.example")
    assert stored(mail_app, caught).status == "spam"
    assert delivered(mail_app, smtp_server) == []
    assert urgent_alerts(mail_app) == []


def test_with_the_lists_emptied_nothing_is_urgent(make_app, smtp_server) -> None:
    """The lists are the settings: a team that empties them gets no urgent items."""
    app = make_app(
        **smtp_server.settings,
        ENGAGE_DIGEST="daily",
        ENGAGE_SAFEGUARDING_SELF_HARM=(),
        ENGAGE_SAFEGUARDING_ABUSE=(),
        ENGAGE_SAFEGUARDING_EMERGENCY=("the red button",),
    )
    signed_in(app, "moderator")
    client = app.test_client()
    quiet = post(client, CRISIS)
    loud = post(client, "Someone press THE RED BUTTON please")
    assert not stored(app, quiet).urgent and stored(app, loud).urgent
    assert [m["To"] for m in delivered(app, smtp_server)] == ["moderator@example.nhs.uk"]
    assert urgent_alerts(app) == [f"comment {loud}"]


def test_an_urgent_social_item_is_first_tagged_signposted_and_mailed(mail_app, smtp_server):
    client = mail_app.test_client()
    site = post(client, "An ordinary comment that waited longest.")
    calm = hear(mail_app, "When does the new centre open?", remote_id="108")
    urgent = hear(mail_app, "@icb my dad has chest pain and 111 is not answering", remote_id="109")

    item = stored(mail_app, urgent)
    assert item.urgent and item.source == "mastodon" and item.status == "pending"
    assert not stored(mail_app, calm).urgent
    moderator = mail_app.moderator
    assert queue_ids(moderator) == [urgent, site, calm]
    assert queue_ids(moderator, source="social") == [urgent, calm]
    html = moderator.get("/admin/", query_string={"source": "social"}).get_data(as_text=True)
    assert html.count(URGENT_TAG) == 1

    messages = delivered(mail_app, smtp_server)
    assert sorted(m["To"] for m in messages) == MODERATORS
    for message in messages:
        assert message["Subject"] == URGENT_SUBJECT
        body = text(message)
        assert "On mastodon" in body and "https://mastodon.example/@sam/109" in body
        assert "Sam Reader (@sam@mastodon.example)" in body and "chest pain" in body
        assert f"/admin/comments/{urgent}" in body
    assert urgent_alerts(mail_app) == [f"comment {urgent}"]

    page = moderator.get(f"/admin/comments/{urgent}").get_data(as_text=True)
    assert CALLOUT in page
    assert reply_box(page) == str(SIGNPOSTING).replace("'", "&#39;")
    calm_page = moderator.get(f"/admin/comments/{calm}").get_data(as_text=True)
    assert CALLOUT not in calm_page and reply_box(calm_page) == ""


def test_a_private_urgent_mention_is_alerted_without_its_words(mail_app, smtp_server) -> None:
    urgent = hear(mail_app, "I am going to kill myself tonight", private=True)
    assert stored(mail_app, urgent).urgent
    messages = delivered(mail_app, smtp_server)
    assert len(messages) == 2
    for message in messages:
        body = text(message)
        assert "kill myself" not in body and "(a private mention)" in body
        assert f"/admin/comments/{urgent}" in body


def test_a_social_item_edited_upstream_to_suggest_risk_becomes_urgent(mail_app) -> None:
    first = hear(mail_app, "Good news about the centre", remote_id="201")
    hear(mail_app, "Fine", remote_id="200")
    heard = Heard(
        platform="mastodon",
        remote_id="201",
        url="https://mastodon.example/@sam/201",
        kind=HeardKind.MENTION,
        handle="@sam@mastodon.example",
        name="Sam Reader",
        text="I have been self-harming since they closed it",
        created=datetime.datetime.now(datetime.UTC),
    )
    with mail_app.app_context(), transaction():
        taken, _ = inbox.take("mastodon", [heard])
    assert taken.edited == 1
    assert stored(mail_app, first).urgent
    assert queue_ids(mail_app.moderator)[0] == first


def test_a_questionnaire_answer_suggesting_risk_is_flagged(tmp_path, built_site, make_app):
    app = make_app(
        ENGAGE_MANIFEST=survey_manifest(tmp_path, built_site),
        ENGAGE_RATELIMIT_RESPONSES="1000/minute",
    )
    answers = {"experience": "good", "travel": "car", "why": "Honestly, I want to die."}
    sent = app.test_client().post(
        "/api/responses", json={"questionnaire": "test-survey", "answers": answers}
    )
    assert sent.status_code == 201
    with app.app_context():
        [response] = db.session.scalars(db.select(QuestionnaireResponse)).all()
        assert [(r["kind"], r["match"]) for r in response.held_reasons["why"]] == [
            ("risk", "want to die")
        ]
