"""What `listen` brings in and follows, against the loopback platforms: nothing twice, few
requests when nothing is new, a rate limit that stops one platform and loses nothing, an expired
token told to staff the day it happens, edits and deletions upstream, private mentions, watched
terms, and what a platform or an API tier cannot do, said in one line."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import select

from contract.vocabulary import PLATFORMS, AuditAction
from feedback_api.listening.poll import THREADS_EVERY, poll_all
from feedback_api.storage import transaction
from feedback_api.storage.models import AuditEntry, OutboxMessage, db, utcnow

pytestmark = pytest.mark.usefixtures("loopback_only")

EVERY = [str(name) for name in PLATFORMS]
NOTIFICATIONS = {
    "mastodon": "/api/v1/notifications",
    "bluesky": "/xrpc/app.bsky.notification.listNotifications",
}


def theirs(items: list) -> list:
    return [i for i in items if i.source != "site" and not i.official]


@pytest.mark.parametrize("platform", EVERY)
def test_a_second_poll_adds_nothing_and_costs_a_few_requests(hall, platform) -> None:
    hall.cross_post()
    hall.listen()
    (post,) = hall.posted(platform)
    fake = hall.fakes[platform]
    for number in range(3):
        fake.someone_replies(post, f"Reply number {number} to the post", handle=f"r{number}")
    assert hall.report(platform)["new"] == 3
    before = len(fake.requests)
    again = hall.report(platform)
    assert again["new"] == again["edited"] == again["deleted"] == 0, again
    idle = fake.requests[before:]
    # Notifications, and (counts are due every poll here) one batched counts request: no
    # thread is read again, since none grew.
    assert len(idle) <= 3, idle
    assert len(theirs(hall.items(source=platform))) == 3


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_a_rate_limit_stops_the_platform_and_the_next_poll_loses_nothing(hall, platform) -> None:
    hall.cross_post()
    hall.listen()
    fake = hall.fakes[platform]
    fake.someone_mentions("Is the walk-in centre open on Sundays?", handle="kim")
    fake.fail_next(status=429, retry_after=120, path=NOTIFICATIONS[platform])
    stopped = hall.report(platform, status=1)
    assert stopped["stopped"] and "try again in" in stopped["stopped"], stopped
    assert "429" in stopped["stopped"]
    assert theirs(hall.items(source=platform)) == []
    assert hall.report(platform)["new"] == 1, "the cursor did not move past it"


@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "facebook", "x"])
def test_an_expired_token_shows_on_the_social_page_and_in_the_digest(
    make_hall, smtp_server, platform
) -> None:
    hall = make_hall(**smtp_server.settings, ENGAGE_DIGEST="daily")
    hall.cross_post()
    hall.listen()
    hall.fakes[platform].revoke()
    report = hall.report(platform)
    assert report["skipped"], report
    moderator = hall.sign_in()
    shown = moderator.get("/admin/social").get_data(as_text=True)
    assert f"The {platform} token was refused (expired or revoked)" in shown
    assert "Listening is not working everywhere" in shown
    digest = hall.app.test_cli_runner().invoke(args=["notify", "digest"])
    assert digest.exit_code == 0, digest.output
    with hall.app.app_context():
        subjects = [m.payload["subject"] for m in db.session.scalars(select(OutboxMessage))]
        bodies = [m.payload["body"] for m in db.session.scalars(select(OutboxMessage))]
    assert subjects and all(s.startswith("Listening stopped on social media") for s in subjects)
    assert all(f"The {platform} token was refused" in body for body in bodies)
    # Said once: the next digest does not repeat it while nothing changed.
    hall.report(platform)
    again = hall.app.test_cli_runner().invoke(args=["notify", "digest"])
    assert "Digest queued: 0 item(s)" in again.output or "not delivered yet" in again.output


@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "facebook", "linkedin", "x"])
def test_a_reply_deleted_upstream_leaves_the_inbox_and_the_audit_keeps_that(hall, platform) -> None:
    hall.cross_post()
    hall.listen()
    (post,) = hall.posted(platform)
    fake = hall.fakes[platform]
    gone = fake.someone_replies(post, "I live at 12 Mill Lane, please visit", handle="lee")
    kept = fake.someone_replies(post, "A second thought on the plans", handle="ash")
    assert hall.report(platform)["new"] == 2
    fake.delete(gone)
    assert hall.report(platform)["deleted"] == 1
    moderator = hall.sign_in()
    shown = moderator.get("/admin/", query_string={"source": platform}).get_data(as_text=True)
    assert "Mill Lane" not in shown and "A second thought" in shown
    rows = {item.remote_id: item for item in theirs(hall.items(source=platform))}
    assert rows[gone].gone is not None and rows[gone].body == "" and rows[gone].handle is None
    assert rows[kept].gone is None
    with hall.app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.SOCIAL_ITEM_DELETED)
        ).all()
    assert len(entries) == 1 and "Mill Lane" not in str(entries[0].detail)
    assert hall.report(platform)["deleted"] == 0, "once"


@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "linkedin"])
def test_an_edit_upstream_is_screened_again_and_back_in_the_queue(hall, platform) -> None:
    hall.cross_post()
    hall.listen()
    (post,) = hall.posted(platform)
    fake = hall.fakes[platform]
    said = fake.someone_replies(post, "Thanks for the update on the plans", handle="jo")
    hall.report(platform)
    (item,) = theirs(hall.items(source=platform))
    moderator = hall.sign_in()
    moderator.post(f"/admin/comments/{item.id}/approve", data={"csrf_token": moderator.token})
    assert theirs(hall.items(source=platform))[0].status == "reviewed"
    fake.edit(said, "Thanks. Ring me on 07700 900456 to talk it over")
    later = utcnow() + THREADS_EVERY + datetime.timedelta(minutes=1)
    with hall.app.app_context():
        (report,) = poll_all(hall.env, [platform], now=later)
    assert report.taken.edited == 1, report
    (item,) = theirs(hall.items(source=platform))
    assert "07700 900456" in item.body and item.status == "pending"
    assert [r["kind"] for r in item.held_reasons] == ["phone"]


def test_a_private_mention_is_marked_private_and_kept_out_of_mail(make_hall, smtp_server) -> None:
    hall = make_hall(**smtp_server.settings, ENGAGE_DIGEST="immediate")
    moderator = hall.sign_in()  # someone to tell
    hall.cross_post()
    hall.listen()
    fake = hall.fakes["mastodon"]
    fake.someone_mentions("My son's appointment letter never came", handle="pat", private=True)
    fake.someone_mentions("Public question: when is the meeting?", handle="sol")
    assert hall.report("mastodon")["new"] == 2
    private, public = sorted(theirs(hall.items(source="mastodon")), key=lambda i: not i.private)
    assert private.private and not public.private
    shown = moderator.get(f"/admin/comments/{private.id}").get_data(as_text=True)
    assert "a private mention: never quote it publicly" in shown
    with hall.app.app_context():
        bodies = [m.payload["body"] for m in db.session.scalars(select(OutboxMessage))]
    assert any("when is the meeting" in body for body in bodies)
    assert not any("appointment letter" in body for body in bodies)
    assert any("(a private mention)" in body for body in bodies)


def test_watched_terms_come_in_where_the_platform_searches(make_hall) -> None:
    hall = make_hall(ENGAGE_LISTEN_TERMS=("#ValeCrossUrgentCare", "Riverside ICB"))
    hall.cross_post()
    hall.listen()
    hall.fakes["mastodon"].someone_posts("Queued for hours again #ValeCrossUrgentCare", handle="al")
    hall.fakes["bluesky"].someone_posts("Riverside ICB should open on Sundays", handle="bo")
    hall.fakes["mastodon"].someone_posts("Nothing to do with us", handle="cy")
    heard = {r["platform"]: r for r in hall.listen()["platforms"]}
    assert heard["mastodon"]["new"] == 1 and heard["bluesky"]["new"] == 1, heard
    (mastodon,) = theirs(hall.items(source="mastodon"))
    assert mastodon.remote_kind == "term" and "#ValeCrossUrgentCare" in mastodon.body
    # Facebook and LinkedIn have no public search: one line each says so, every term.
    for name in ("facebook", "linkedin"):
        lines = [line for line in heard[name]["skipped"] if line.startswith("term:")]
        assert len(lines) == 2 and all("search" in line for line in lines), heard[name]
    assert hall.report("mastodon")["new"] == 0


def test_a_free_tier_x_app_is_skipped_with_one_clear_line(hall) -> None:
    hall.cross_post()
    hall.fakes["x"].tier = "free"
    report = hall.report("x")
    assert report["stopped"] is None
    assert report["skipped"] and all("Basic" in line for line in report["skipped"]), report
    with hall.app.app_context(), transaction():
        from feedback_api.storage import social

        assert any(row.platform == "x" for row in social.problems())


def test_a_second_listen_at_the_same_time_stops_at_once(hall) -> None:
    """The timer's poll and one started by hand would read the same cursors and race to store
    the same items: the second says so and reads nothing."""
    from feedback_api import jobs
    from feedback_api.listening.cli import LOCK_KEY

    hall.cross_post()
    before = {name: len(fake.requests) for name, fake in hall.fakes.items()}
    with hall.app.app_context(), jobs.exclusive(LOCK_KEY, "listen") as mine:
        assert mine
        done = hall.app.test_cli_runner().invoke(args=["listen"])
    assert done.exit_code == 0 and "Another listen is running" in done.output, done.output
    assert {name: len(fake.requests) for name, fake in hall.fakes.items()} == before
    assert hall.listen()["platforms"], "free again once the first has finished"


@pytest.mark.parametrize(
    ("answer", "told"),
    [
        ([{"id": "2", "type": "mention", "status": "not an object"}], True),
        ([{"id": "3", "type": "mention", "status": {"id": "9"}}], True),
        ([{"id": "1"}], False),  # no type: not a mention, passed over
        ({}, False),
    ],
)
def test_an_answer_in_a_shape_no_document_gives_is_that_platforms_problem(
    hall, answer, told
) -> None:
    """A platform (or something pretending to be it) answering nonsense stops that source only,
    with a sentence for staff where it cannot be passed over: the other platforms are polled,
    nothing is stored from it, no traceback."""
    from flask import jsonify

    hall.cross_post()
    hall.fakes["bluesky"].someone_mentions("Still heard elsewhere", handle="ed")
    fake = hall.fakes["mastodon"]
    fake.app.view_functions["notifications"] = lambda: jsonify(answer)
    heard = {r["platform"]: r for r in hall.listen()["platforms"]}
    assert heard["bluesky"]["new"] == 1
    lines = [line for line in heard["mastodon"]["skipped"] if line.startswith("notifications")]
    assert theirs(hall.items(source="mastodon")) == []
    shown = hall.sign_in().get("/admin/social").get_data(as_text=True)
    if told:
        assert len(lines) == 1 and "answered in a shape Engage does not understand" in lines[0]
        assert "does not understand" in shown
    else:
        assert lines == [] and "does not understand" not in shown
