"""The whole round trip per platform, through the real pieces: the cross-poster posts to the
loopback platform, someone replies there with a phone number, `listen` brings the reply into
the queue held for it, a moderator removes the number and replies with a tag, the worker posts
the reply once in the thread, and the Social page counts it."""

from __future__ import annotations

import re

import pytest

from contract.vocabulary import PLATFORMS
from fixtures.outbox import deliver

pytestmark = pytest.mark.usefixtures("loopback_only")

LISTENING = [str(name) for name in PLATFORMS]
PHONE = "07700 900123"


def queue(client, **filters) -> str:
    answer = client.get("/admin/", query_string=filters)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def item_id(shown: str) -> int:
    return int(re.search(r'id="item-(\d+)-heading"', shown).group(1))


@pytest.mark.parametrize("platform", LISTENING)
def test_a_reply_comes_in_held_is_answered_once_and_counted(hall, platform) -> None:
    hall.cross_post()
    fake = hall.fakes[platform]
    first = hall.listen()
    assert first["posts_added"] == 5, first
    (post,) = hall.posted(platform)
    said = f"Can someone call me back on {PHONE} about the new centre?"
    theirs = fake.someone_replies(post, said, handle="sam", name="Sam Reader")

    heard = hall.listen("--platform", platform)
    (report,) = heard["platforms"]
    assert report["new"] == 1, heard

    moderator = hall.sign_in()
    shown = queue(moderator, source=platform)
    assert "Held for:</strong> phone number" in shown
    # LinkedIn does not give other members' names to an organisation's token: its URN shows.
    assert ("urn:li:person:" if platform == "linkedin" else "Sam Reader") in shown
    assert "Question: needs a response" in shown
    assert queue(moderator, source="site").count('id="item-') == 0
    number = item_id(shown)

    removed = moderator.post(
        f"/admin/comments/{number}/remove-highlighted", data={"csrf_token": moderator.token}
    )
    assert removed.status_code == 303
    page = moderator.get(f"/admin/comments/{number}").get_data(as_text=True)
    assert PHONE not in page and "[phone number removed]" in page

    answer = "Thank you, Sam. Our team will be in touch through the hospital's PALS service."
    form = {"csrf_token": moderator.token, "body": answer, "tag": "response"}
    previewed = moderator.post(f"/admin/comments/{number}/reply", data=form)
    assert previewed.status_code == 200
    preview = previewed.get_data(as_text=True)
    assert "This is what will be posted" in preview and "characters, as" in preview
    assert fake.our_replies(theirs) == [], "nothing is posted before the preview is sent"
    sent = moderator.post(f"/admin/comments/{number}/reply", data={**form, "previewed": answer})
    assert sent.status_code == 303
    assert deliver(hall.app).delivered == 1
    replies = fake.our_replies(theirs)
    assert len(replies) == 1 and answer in replies[0]
    assert deliver(hall.app).delivered == 0
    assert len(fake.our_replies(theirs)) == 1, "at most once"

    page = moderator.get(f"/admin/comments/{number}").get_data(as_text=True)
    assert "(posted" in page

    again = hall.report(platform)  # our own reply is heard in the thread, and left out
    assert again["new"] == 0 and again["edited"] == 0, again
    kept = moderator.get(f"/admin/comments/{number}").get_data(as_text=True)
    assert PHONE not in kept, "the next poll does not undo the moderator's redaction"
    social = moderator.get("/admin/social").get_data(as_text=True)
    assert "1 item; 1 answered by us there" in social
    assert len(fake.our_replies(theirs)) == 1
