"""Comment feeds (public and the private queue feed), retention purge and people's rights."""

from __future__ import annotations

import datetime

import feedparser
from sqlalchemy import update

from feedback_api.accounts import service as accounts
from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from feedback_api.storage.models import AuditEntry, Comment, db

PAGE = "/blog/winter-vaccines/"


def post(client, body: str, **fields: object) -> int:
    return client.post("/api/comments", json={"page": PAGE, "body": body, **fields}).json["id"]


def approve(app, comment_id: int) -> None:
    with app.app_context(), transaction():
        storage.set_status(storage.get_comment(comment_id), "approved")


def test_public_feeds_carry_approved_comments_only(app, client) -> None:
    shown = post(client, "Very *helpful*, thank you", author="Ann")
    post(client, "Still waiting")
    approve(app, shown)
    for url in ("/api/feeds/comments.atom", f"/api/feeds/comments.atom?page={PAGE}"):
        answer = client.get(url)
        assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
        feed = feedparser.parse(answer.data)
        assert not feed.bozo
        assert [e.author for e in feed.entries] == ["Ann"]
        assert "<em>helpful</em>" in feed.entries[0].content[0].value
        assert feed.entries[0].link.endswith(f"{PAGE}#comment-{shown}")
    assert client.get("/api/feeds/comments.atom?page=/nope/").status_code == 404


def test_private_queue_feed_needs_a_current_token(app, client) -> None:
    post(client, "Waiting for a moderator")
    with app.app_context():
        user = accounts.create("mod@example.nhs.uk", "moderator", "a long password here")
        first = accounts.new_feed_token(user)
    feed = feedparser.parse(client.get(f"/api/feeds/pending.atom?token={first}").data)
    title = "Anonymous on \u2018Winter vaccines: who can get them and where\u2019"
    assert [e.title for e in feed.entries] == [title]
    assert client.get("/api/feeds/pending.atom").status_code == 401
    assert client.get("/api/feeds/pending.atom?token=guess").status_code == 401
    with app.app_context():
        accounts.new_feed_token(accounts.find("mod@example.nhs.uk"))  # revokes the first
    assert client.get(f"/api/feeds/pending.atom?token={first}").status_code == 401


def age(app, days: int) -> None:
    """Make every comment look `days` old."""
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)
    with app.app_context():
        db.session.execute(update(Comment).values(created=past, updated=past))
        db.session.commit()


def test_purge_follows_the_retention_settings(app, client, runner) -> None:
    kept = post(client, "Published", email="a@example.com")
    approve(app, kept)
    rejected = post(client, "Rejected")
    with app.app_context(), transaction():
        storage.set_status(storage.get_comment(rejected), "rejected", "abuse")
    post(client, "Bot", website="http://spam.example")
    age(app, 400)
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "Would remove: 2 rejected or spam comments deleted" in dry.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 3
    done = runner.invoke(args=["purge"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        left = db.session.scalars(db.select(Comment)).all()
        assert [(c.id, c.email, c.ip_hash) for c in left] == [(kept, None, None)]
        assert db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.action == "purge"))
    assert client.get(f"/api/comments?page={PAGE}").json["count"] == 1


def test_recent_items_are_kept_by_purge(app, client, runner) -> None:
    post(client, "Fresh spam", website="x")
    runner.invoke(args=["purge"])
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 1


def test_people_export_and_erase(app, client, runner) -> None:
    mine = post(client, "My first", email="Sam@Example.com", notify=True)
    approve(app, mine)
    post(client, "My second", email="sam@example.com")
    post(client, "Someone else", email="other@example.com")
    exported = runner.invoke(args=["people", "export", "SAM@example.com"])
    assert '"body": "My first"' in exported.output and "My second" in exported.output
    assert "Someone else" not in exported.output
    erased = runner.invoke(args=["people", "erase", "sam@example.com", "--yes"])
    assert "Erased 2 comment(s)" in erased.output
    with app.app_context():
        assert [c.body for c in db.session.scalars(db.select(Comment))] == ["Someone else"]
        entry = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "personal data erased")
        )
        assert "sam@" not in (entry.target + entry.detail)
    assert client.get(f"/api/comments?page={PAGE}").json["count"] == 0
    nothing = runner.invoke(args=["people", "erase", "sam@example.com", "--yes"])
    assert nothing.exit_code != 0 and "Nothing is stored" in nothing.output
