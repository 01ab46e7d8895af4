"""People's rights over what was heard on social media, through the real app and database: a
person is found by their handle (with or without "@", any case) on the people page and the
command line, their export says where each item was said, erasure removes the items and our
replies under them (the audit keeps counts only), and `purge` keeps social items no longer than
ENGAGE_RETAIN_SOCIAL_DAYS."""

from __future__ import annotations

import datetime
import json

import pytest

from feedback_api.listening import inbox
from feedback_api.privacy import service as privacy
from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from feedback_api.storage.models import AuditEntry, Comment, db
from fixtures.staff import signed_in
from platforms.listening import Heard, HeardKind

PAGE = "/consultations/urgent-care-vale-cross/"
SAM = "@Sam@Mastodon.Example"  # as the platform shows it


@pytest.fixture
def hall_app(make_app):
    app = make_app(ENGAGE_SECURE_COOKIES=False)
    app.admin = signed_in(app, "admin", name="Ade")
    return app


def hear(
    app,
    text: str,
    remote_id: str,
    *,
    platform: str = "mastodon",
    handle: str = SAM,
    days_ago: int = 0,
) -> int:
    """An item heard on a platform, brought in as the listener brings it in."""
    created = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days_ago)
    heard = Heard(
        platform=platform,
        remote_id=remote_id,
        url=f"https://{platform}.example/{remote_id}",
        kind=HeardKind.MENTION,
        handle=handle,
        name="Sam Reader",
        text=text,
        created=created,
    )
    with app.app_context(), transaction():
        _, [item] = inbox.take(platform, [heard])
        return item.id


def our_reply(app, parent_id: int, body: str, days_ago: int = 0) -> int:
    with app.app_context(), transaction():
        reply = storage.add_official_reply(
            storage.get_comment(parent_id),
            body=body,
            html=f"<p>{body}</p>",
            author="Riverside and Vale ICB",
            staff_id=None,
            tag=None,
            edit_token_hash="x" * 64,
        )
        reply.created -= datetime.timedelta(days=days_ago)
        return reply.id


def remaining(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(db.select(Comment.id)).all())


def audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        found = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)).all()
        db.session.expunge_all()
        return list(found)


def seeded(app) -> dict[str, int]:
    """Sam on two platforms, a site comment by Sam's email, and someone else on Mastodon."""
    return {
        "mastodon": hear(app, "When does the centre open?", "m1"),
        "bluesky": hear(
            app, "Is parking free?", "b1", platform="bluesky", handle="sam.bsky.social"
        ),
        "other": hear(app, "Not Sam at all", "m2", handle="@samantha@mastodon.example"),
        "site": app.test_client()
        .post("/api/comments", json={"page": PAGE, "body": "On the site", "email": "sam@x.org"})
        .json["id"],
    }


@pytest.mark.parametrize(
    "asked",
    [
        "@sam@mastodon.example",
        "sam@mastodon.example",
        "SAM@MASTODON.EXAMPLE",
        " @Sam@Mastodon.Example ",
    ],
)
def test_found_by_handle_with_or_without_at_in_any_case(hall_app, asked: str) -> None:
    ids = seeded(hall_app)
    with hall_app.app_context():
        assert [c.id for c in privacy.submitted_by(asked)] == [ids["mastodon"]]
    page = hall_app.admin.get("/admin/people", query_string={"email": asked})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "When does the centre open?" in html and f"mastodon ({SAM})" in html
    assert "Not Sam at all" not in html and "Is parking free?" not in html


def test_a_bluesky_handle_is_found_with_or_without_at(hall_app) -> None:
    ids = seeded(hall_app)
    with hall_app.app_context():
        for asked in ("sam.bsky.social", "@Sam.Bsky.Social"):
            assert [c.id for c in privacy.submitted_by(asked)] == [ids["bluesky"]]
        assert privacy.submitted_by("sam") == [], "a handle in full, not a part of one"
        assert privacy.submitted_by("  ") == []
        assert [c.id for c in privacy.submitted_by("SAM@x.org")] == [ids["site"]]


def test_the_export_says_where_each_item_was_said(hall_app) -> None:
    ids = seeded(hall_app)
    admin = hall_app.admin
    answer = admin.get("/admin/people/export.json", query_string={"email": "sam@mastodon.example"})
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    [item] = json.loads(answer.data)["comments"]
    assert item["id"] == ids["mastodon"]
    assert item["source"] == "mastodon"
    assert item["handle"] == SAM
    assert item["link"] == "https://mastodon.example/m1"
    assert item["body"] == "When does the centre open?" and item["page"] is None
    assert [e.target for e in audit(hall_app, "personal data exported")] == ["(email withheld)"]

    printed = hall_app.test_cli_runner().invoke(args=["people", "export", "sam.bsky.social"])
    assert printed.exit_code == 0, printed.output
    [item] = json.loads(printed.output)["comments"]
    assert (item["source"], item["handle"], item["link"]) == (
        "bluesky",
        "sam.bsky.social",
        "https://bluesky.example/b1",
    )


def test_erasure_removes_the_items_and_our_replies_under_them(hall_app) -> None:
    ids = seeded(hall_app)
    second = hear(hall_app, "And is there a bus?", "m3", handle="@sam@mastodon.example")
    ours = our_reply(hall_app, ids["mastodon"], "It opens in March, Sam.")
    theirs = our_reply(hall_app, ids["other"], "Thanks for asking.")
    admin = hall_app.admin
    erased = admin.post(
        "/admin/people/erase",
        data={"email": "sam@mastodon.example", "confirm": "yes", "csrf_token": admin.token},
        follow_redirects=True,
    )
    assert "Erased 2 comment(s)" in erased.get_data(as_text=True)
    assert remaining(hall_app) == {ids["bluesky"], ids["other"], ids["site"], theirs}
    assert {ids["mastodon"], second, ours}.isdisjoint(remaining(hall_app))

    [entry] = audit(hall_app, "personal data erased")
    assert entry.detail == "2 comment(s) erased at the person's request"
    recorded = json.dumps([entry.target, entry.before, entry.after, entry.detail]).lower()
    for said in ("sam", "mastodon", "centre", "march"):
        assert said not in recorded, f"{said!r} in the audit entry"

    done = hall_app.test_cli_runner().invoke(args=["people", "erase", "@sam.bsky.social", "--yes"])
    assert done.exit_code == 0 and "Erased 1 comment(s)." in done.output
    assert remaining(hall_app) == {ids["other"], ids["site"], theirs}
    again = hall_app.test_cli_runner().invoke(args=["people", "erase", "sam.bsky.social", "--yes"])
    assert again.exit_code != 0 and "Nothing is stored with sam.bsky.social." in again.output


def purge(app, *args: str) -> str:
    done = app.test_cli_runner().invoke(args=["purge", *args])
    assert done.exit_code == 0, done.output
    return done.output


def test_purge_removes_social_items_older_than_the_setting(make_app) -> None:
    app = make_app(ENGAGE_RETAIN_SOCIAL_DAYS=30)
    old = hear(app, "Said long ago", "m1", days_ago=45)
    old_reply = our_reply(app, old, "Answered long ago", days_ago=44)
    edge = hear(app, "Said just inside the limit", "m2", days_ago=29)
    new = hear(app, "Said today", "b1", platform="bluesky", handle="kim.bsky.social")
    new_reply = our_reply(app, new, "Answered today")
    site = (
        app.test_client()
        .post("/api/comments", json={"page": PAGE, "body": "An old site comment"})
        .json["id"]
    )
    with app.app_context(), transaction():  # site comments follow their own rules, not this one
        storage.get_comment(site).created -= datetime.timedelta(days=100)

    counted = purge(app, "--dry-run")
    assert "Would remove: 2 social media items deleted" in counted
    assert remaining(app) == {old, old_reply, edge, new, new_reply, site}, "nothing changed"
    assert audit(app, "purge") == []

    assert "Removed: 2 social media items deleted" in purge(app)
    assert remaining(app) == {edge, new, new_reply, site}
    [entry] = audit(app, "purge")
    assert entry.after["social media items deleted"] == 2
    assert "Removed: 0 social media items deleted" in purge(app)


def test_purge_keeps_social_items_for_a_year_by_default(app) -> None:
    kept = hear(app, "Said 300 days ago", "m1", days_ago=300)
    gone = hear(app, "Said 400 days ago", "m2", days_ago=400)
    assert "Would remove: 1 social media items deleted" in purge(app, "--dry-run")
    purge(app)
    assert remaining(app) == {kept}
    assert gone not in remaining(app)
