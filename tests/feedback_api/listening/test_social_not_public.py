"""What was said on social media is never published here, however staff "approve" it: an item
heard in the thread of a real page, approved in the workspace (one by one, redacted, in bulk) and
on the command line, is marked reviewed and appears in no public list, count, feed, site export
or search, and bumps no page version; a site reply to it is refused. Operators still see it in
`comments list` and the exports, formula-safe."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest

from feedback_api.listening import inbox
from feedback_api.storage import social, transaction
from feedback_api.storage.models import Comment, db
from feedback_api.storage.pages import page_state
from fixtures.moderation_helpers import get as stored
from fixtures.staff import signed_in
from platforms.listening import Heard, HeardKind

PAGE = "/consultations/urgent-care-vale-cross/"
OURS = "110000"  # our cross-posted post about PAGE, whose thread the items are in
HANDLE = "@sam@mastodon.example"
WORD = "Zanzibarish"  # in every item, in nothing on the site


@pytest.fixture
def hall_app(make_app):
    app = make_app(ENGAGE_SECURE_COOKIES=False)
    app.moderator = signed_in(app, "moderator", name="Mo")
    with app.app_context(), transaction():
        social.track(
            [
                {
                    "platform": "mastodon",
                    "remote_id": OURS,
                    "url": f"https://mastodon.example/@icb/{OURS}",
                    "entry_url": f"https://engage.example.nhs.uk{PAGE}",
                    "page": PAGE,
                    "title": "Urgent care at Vale Cross: have your say",
                    "posted": datetime.datetime.now(datetime.UTC),
                }
            ]
        )
    return app


def hear(app, text: str, remote_id: str, handle: str = HANDLE) -> int:
    """A reply in our post's thread, brought in as the listener brings it in."""
    heard = Heard(
        platform="mastodon",
        remote_id=remote_id,
        url=f"https://mastodon.example/@sam/{remote_id}",
        kind=HeardKind.REPLY,
        handle=handle,
        name="Sam Reader",
        text=text,
        created=datetime.datetime.now(datetime.UTC),
        in_reply_to=OURS,
        post_id=OURS,
    )
    with app.app_context(), transaction():
        _, [item] = inbox.take("mastodon", [heard])
        return item.id


def public_view(app) -> dict[str, object]:
    """Everything a reader (or the site build) can get about PAGE's comments."""
    client = app.test_client()
    listed = client.get("/api/comments", query_string={"page": PAGE})
    counts = client.get("/api/comments/counts", query_string={"page": PAGE}).json["counts"]
    feeds = [
        client.get("/api/feeds/comments.atom").get_data(as_text=True),
        client.get("/api/feeds/comments.atom", query_string={"page": PAGE}).get_data(as_text=True),
    ]
    search = client.get("/api/search", query_string={"q": WORD}).get_data(as_text=True)
    with app.app_context():
        version = page_state(PAGE)
    return {
        "list": listed.json,
        "etag": listed.headers["ETag"],
        "counts": counts,
        "feeds": feeds,
        "search": search,
        "version": version,
    }


def timeless(export: dict) -> dict:
    """The export without the moment its figures were computed (a second may pass between)."""
    figures = export.get("responsiveness")
    return {**export, "responsiveness": {**figures, "computed": None}} if figures else export


def site_export(app, tmp_path) -> dict:
    target = tmp_path / "comments-export.json"
    done = app.test_cli_runner().invoke(args=["comments", "export-site", str(target)])
    assert done.exit_code == 0, done.output
    return json.loads(target.read_text(encoding="utf-8"))


def test_an_approved_social_item_is_reviewed_and_never_public(hall_app, tmp_path) -> None:
    client = hall_app.test_client()
    site = client.post("/api/comments", json={"page": PAGE, "body": "A reader's comment"})
    site_id = site.json["id"]
    moderator = hall_app.moderator
    published = moderator.post(
        f"/admin/comments/{site_id}/approve", data={"csrf_token": moderator.token}
    )
    assert published.status_code == 303
    one = hear(hall_app, f"{WORD} one: when does it open?", "201")
    two = hear(hall_app, f"{WORD} two: is there parking?", "202")
    three = hear(hall_app, f"{WORD} three: ring me on 07700 900123", "203")
    four = hear(hall_app, f"{WORD} four: and buses?", "204")
    item = stored(hall_app, one)
    assert (item.source, item.page, item.status) == ("mastodon", PAGE, "pending")
    assert item.social_post_id is not None, "in our post's thread, about a real page"

    before = public_view(hall_app)
    assert before["counts"] == {PAGE: 1} and before["list"]["count"] == 1
    exported_before = site_export(hall_app, tmp_path)

    # The workspace: approve, redact-then-approve, and approve in bulk.
    answer = moderator.post(f"/admin/comments/{one}/approve", data={"csrf_token": moderator.token})
    assert answer.status_code == 303
    assert f"Marked comment {one} by Sam Reader as reviewed." in moderator.get(
        answer.headers["Location"]
    ).get_data(as_text=True)
    answer = moderator.post(
        f"/admin/comments/{three}/redact",
        data={"csrf_token": moderator.token, "body": f"{WORD} three: ring me"},
    )
    assert answer.status_code == 303
    answer = moderator.post(
        "/admin/bulk", data={"csrf_token": moderator.token, "action": "approve", "ids": [four]}
    )
    assert answer.status_code == 303
    # The command line.
    done = hall_app.test_cli_runner().invoke(args=["comments", "approve", str(two)])
    assert done.exit_code == 0, done.output
    assert f"#{two} marked reviewed (said on mastodon: never shown here)" in done.output
    again = hall_app.test_cli_runner().invoke(args=["comments", "approve", str(two)])
    assert again.exit_code == 0 and "marked reviewed" in again.output

    for number in (one, two, three, four):
        assert stored(hall_app, number).status == "reviewed", number

    after = public_view(hall_app)
    assert after == before, "the list, its ETag, the counts, the feeds and the version as they were"
    assert [c["id"] for c in after["list"]["comments"]] == [site_id]
    for shown in (json.dumps(after["list"]), *after["feeds"]):
        assert WORD not in shown and "Sam Reader" not in shown
    for said in ("when does it open", "is there parking", "ring me", "and buses"):
        assert said not in after["search"], "the search page echoes the query, and only that"
    exported = site_export(hall_app, tmp_path)
    assert timeless(exported) == timeless(exported_before)
    assert WORD not in json.dumps(exported)
    assert [c["id"] for c in exported["pages"][PAGE]["comments"]] == [site_id]

    # A reader cannot hang a reply on it on the site.
    refused = client.post("/api/comments", json={"page": PAGE, "body": "Me too", "parent": one})
    assert refused.status_code == 400
    assert "parent" in refused.json["fields"]
    with hall_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(Comment.parent_id == one)) == 0


def test_the_approved_view_of_the_queue_leaves_reviewed_items_out(hall_app) -> None:
    item = hear(hall_app, f"{WORD}: hello", "301")
    moderator = hall_app.moderator
    moderator.post(f"/admin/comments/{item}/approve", data={"csrf_token": moderator.token})
    approved = moderator.get("/admin/", query_string={"status": "approved"})
    assert f'id="item-{item}-heading"' not in approved.get_data(as_text=True)
    reviewed = moderator.get("/admin/", query_string={"status": "reviewed"})
    assert f'id="item-{item}-heading"' in reviewed.get_data(as_text=True)


def listed(app, *args: str) -> list[dict]:
    done = app.test_cli_runner().invoke(args=["comments", "list", "--json", *args])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def test_comments_list_shows_where_social_items_came_from(hall_app) -> None:
    site = (
        hall_app.test_client()
        .post("/api/comments", json={"page": PAGE, "body": "On the site"})
        .json["id"]
    )
    item = hear(hall_app, f"{WORD}: a question?", "401")
    hall_app.test_cli_runner().invoke(args=["comments", "approve", str(item)])

    [record] = listed(hall_app, "--source", "social")
    assert record["id"] == item
    assert record["source"] == "mastodon"
    assert record["source_link"] == "https://mastodon.example/@sam/401"
    assert record["status"] == "reviewed"
    assert record["handle"] == HANDLE and record["page"] == PAGE
    assert [r["id"] for r in listed(hall_app, "--source", "mastodon")] == [item]
    assert listed(hall_app, "--source", "bluesky") == []
    assert [r["id"] for r in listed(hall_app, "--source", "site")] == [site]
    assert [r["id"] for r in listed(hall_app)] == [site, item]
    assert [r["id"] for r in listed(hall_app, "--status", "reviewed")] == [item]
    assert listed(hall_app, "--status", "approved") == []

    text = hall_app.test_cli_runner().invoke(args=["comments", "list", "--source", "social"])
    assert f"on mastodon\n    by Sam Reader ({HANDLE})" in text.output


def test_the_csv_export_makes_handles_and_formulas_safe(hall_app) -> None:
    item = hear(hall_app, '=HYPERLINK("https://evil.example", "click")', "501")
    plain = hear(hall_app, "Fine", "502", handle="sam.bsky.social")
    done = hall_app.test_cli_runner().invoke(args=["comments", "export", "--format", "csv"])
    assert done.exit_code == 0, done.output
    rows = {int(row["id"]): row for row in csv.DictReader(io.StringIO(done.output))}
    assert rows[item]["handle"] == f"'{HANDLE}"
    assert rows[item]["body"].startswith("'=HYPERLINK(")
    assert rows[item]["source"] == "mastodon"
    assert rows[item]["source_link"] == "https://mastodon.example/@sam/501"
    assert rows[plain]["handle"] == "sam.bsky.social", "only what would start a formula"
    exported = hall_app.test_cli_runner().invoke(args=["comments", "export"])
    by_id = {r["id"]: r for r in json.loads(exported.output)}
    assert by_id[item]["handle"] == HANDLE, "JSON keeps the handle as it is"
