"""Our reply where they asked, at most once: written by a person and previewed in the
platform's own counting (with a warning when it holds someone's details), sent by the worker
through the outbox, and never made twice, even when the worker is killed between the platform's
call and the write that records it, or the platform's answer is lost on the way back."""

from __future__ import annotations

import threading
import time

import pytest
from flask import request
from sqlalchemy import update

from contract.vocabulary import PLATFORMS
from feedback_api.storage import transaction
from feedback_api.storage.models import OutboxMessage, db, utcnow
from fixtures.fake_platforms import FakePlatform
from fixtures.outbox import WorkerProcess, deliver

pytestmark = pytest.mark.usefixtures("loopback_only")

EVERY = [str(name) for name in PLATFORMS]
ANSWER = "Thank you for asking. The new centre will be open 8am to 8pm every day."
REPLY_PATHS = {
    "mastodon": "/api/v1/statuses",
    "bluesky": "/xrpc/com.atproto.repo.createRecord",
    "x": "/2/tweets",
}


def asked(hall, platform: str) -> tuple[str, int]:
    """Someone's question under our post, brought in: its remote id and inbox id."""
    hall.cross_post()
    hall.listen()
    (post,) = hall.posted(platform)
    theirs = hall.fakes[platform].someone_replies(post, "When will it open?", handle="sam")
    assert hall.report(platform)["new"] == 1
    (item,) = [i for i in hall.items(source=platform) if not i.official]
    return theirs, item.id


def send(hall, number: int, body: str = ANSWER) -> None:
    """Preview, then send, as a moderator does."""
    moderator = hall.sign_in()
    form = {"csrf_token": moderator.token, "body": body}
    assert moderator.post(f"/admin/comments/{number}/reply", data=form).status_code == 200
    sent = moderator.post(f"/admin/comments/{number}/reply", data={**form, "previewed": body})
    assert sent.status_code == 303


class Hold:
    """Once armed and the platform has made our reply to `theirs`, hold its answer until
    released: the test kills the worker while it waits, so the reply exists but the inbox never
    hears of it. (Set up before the fake's first request, as Flask requires of its hooks.)"""

    def __init__(self, fake: FakePlatform) -> None:
        self.theirs = ""
        self.made, self.release = threading.Event(), threading.Event()

        @fake.app.after_request
        def hold(response):
            replied = self.theirs and fake.our_replies(self.theirs)
            ok = request.method == "POST" and response.status_code < 300
            if ok and replied and not self.made.is_set():
                self.made.set()
                self.release.wait(30)
            return response


def reply_state(hall, number: int) -> str | None:
    (reply,) = [i for i in hall.items() if i.parent_id == number]
    return reply.remote_state


@pytest.mark.parametrize("platform", EVERY)
def test_a_worker_killed_after_the_call_never_makes_a_second_reply(
    hall, platform, tmp_path
) -> None:
    fake = hall.fakes[platform]
    hold = Hold(fake)
    theirs, number = asked(hall, platform)
    send(hall, number)
    hold.theirs = theirs
    config = {**hall.config, "ENGAGE_OUTBOX_LEASE_SECONDS": 1}
    first = WorkerProcess(config, tmp_path / "first.log", "--poll", "0.1")
    try:
        assert hold.made.wait(60), first.text()
        first.kill()
    finally:
        hold.release.set()
    assert reply_state(hall, number) == "posting", "the intent was committed before the call"
    assert len(fake.our_replies(theirs)) == 1
    time.sleep(1.5)  # the killed worker's lease runs out
    second = WorkerProcess(config, tmp_path / "second.log", "--once")
    assert second.wait() == 0, second.text()
    assert "Delivered 1," in second.text(), second.text()
    assert len(fake.our_replies(theirs)) == 1, second.text()
    assert ANSWER in fake.our_replies(theirs)[0]
    assert reply_state(hall, number) == "posted"


@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "x"])
def test_a_lost_answer_is_looked_up_not_posted_again(hall, platform) -> None:
    theirs, number = asked(hall, platform)
    send(hall, number)
    fake = hall.fakes[platform]
    fake.lose_next(status=502, path=REPLY_PATHS[platform])
    first = deliver(hall.app)
    assert len(fake.our_replies(theirs)) == 1
    if platform == "bluesky":  # the record at our key is read back at once: it is the reply
        assert first.delivered == 1
    else:
        assert first.retrying == 1
    _make_due(hall)
    assert deliver(hall.app).delivered == (0 if platform == "bluesky" else 1)
    assert len(fake.our_replies(theirs)) == 1
    assert reply_state(hall, number) == "posted"


def _make_due(hall) -> None:
    """The retry's wait has passed."""
    with hall.app.app_context(), transaction():
        db.session.execute(update(OutboxMessage).values(due=utcnow()))


def test_nothing_is_posted_without_a_person_and_a_preview(hall) -> None:
    theirs, number = asked(hall, "mastodon")
    moderator = hall.sign_in()
    body = "Please ring our PALS team on 01632 960 123 or tell us your NHS number 943 476 5919"
    form = {"csrf_token": moderator.token, "body": body, "tag": "response"}
    preview = moderator.post(f"/admin/comments/{number}/reply", data=form)
    shown = preview.get_data(as_text=True)
    assert "Your reply contains personal details" in shown and "NHS number" in shown
    assert "@sam" in shown, "Mastodon replies name the person first, so they are told"
    assert deliver(hall.app).delivered == 0
    assert hall.fakes["mastodon"].our_replies(theirs) == []
    # The text changed after the preview: shown again, not sent.
    again = moderator.post(
        f"/admin/comments/{number}/reply", data={**form, "previewed": "something else"}
    )
    assert again.status_code == 200 and deliver(hall.app).delivered == 0
    too_long = "x" * 600
    answer = moderator.post(f"/admin/comments/{number}/reply", data={**form, "body": too_long})
    assert "Too long: shorten it." in answer.get_data(as_text=True)
