"""The Facebook listener against the loopback Graph API fake: tagged posts with their time
cursor, comment threads read whole through cursor paging, counts from one multiple-id read,
the Page's replies made once, and each refusal in Graph's own form."""

from __future__ import annotations

import datetime

import pytest

from fixtures.fake_platforms import Loopback
from fixtures.fake_platforms.facebook import FakeFacebook
from fixtures.fake_platforms.rig import compose
from platforms.listening import HeardKind, ReplyTarget, Unsupported, load
from platforms.listening.facebook import FacebookListener
from platforms.values import PlatformError

pytestmark = pytest.mark.usefixtures("loopback_only")
WHEN = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def fake(platform_servers: dict[str, Loopback]) -> FakeFacebook:
    return platform_servers["facebook"].plug(FakeFacebook())  # type: ignore[return-value]


@pytest.fixture
def listener(fake: FakeFacebook) -> FacebookListener:
    made = FacebookListener.from_environment(fake.settings())
    assert made is not None
    return made


@pytest.fixture
def post(listener: FacebookListener) -> str:
    """One of our posts on the Page."""
    return listener.publish(compose("facebook"), "key").id


def gets(fake: FakeFacebook) -> int:
    return sum(1 for method, _ in fake.requests if method == "GET")


def test_the_platform_loads_its_listener() -> None:
    assert load("facebook") is FacebookListener


def test_mentions_page_by_cursor_and_an_idle_call_costs_one_request(
    fake: FakeFacebook, listener: FacebookListener
) -> None:
    old = [fake.someone_mentions(f"old {n} @Engage NHS") for n in range(150)]
    first = listener.notifications(None)
    assert [item.remote_id for item in first.items] == old[50:]  # the newest page, oldest first
    assert first.cursor is not None
    new = [fake.someone_mentions(f"new {n}", handle="pat", name="Pat Jones") for n in range(130)]
    second = listener.notifications(first.cursor)
    assert [item.remote_id for item in second.items] == new  # two pages, followed
    heard = second.items[0]
    assert heard.kind is HeardKind.MENTION and heard.text == "new 0"
    assert (heard.handle, heard.name, heard.private, heard.ours) == (
        "Pat Jones",
        "Pat Jones",
        False,
        False,
    )
    assert heard.created.tzinfo == datetime.UTC and heard.url.startswith("https://www.facebook")
    assert heard.reply_to == {"object": heard.remote_id}
    before = gets(fake)
    idle = listener.notifications(second.cursor)
    assert idle.items == [] and idle.cursor is None
    assert gets(fake) - before == 1


def test_mentions_without_the_permission_are_unsupported(
    fake: FakeFacebook, listener: FacebookListener
) -> None:
    fake.granted.discard("pages_read_user_content")
    with pytest.raises(Unsupported, match="pages_read_user_content"):
        listener.notifications(None)


def test_throttling_is_transient_with_the_wait(
    fake: FakeFacebook, listener: FacebookListener, post: str
) -> None:
    fake.fail_next(status=429, retry_after=120, path=f"/v26.0/{post}/comments")
    with pytest.raises(PlatformError) as caught:
        listener.thread(post)
    assert caught.value.transient and caught.value.retry_after == 120
    assert caught.value.status == 429


def test_a_revoked_token_is_a_401_in_the_platforms_words(
    fake: FakeFacebook, listener: FacebookListener
) -> None:
    fake.revoke()
    with pytest.raises(PlatformError) as caught:
        listener.notifications("0")
    assert caught.value.status == 401 and not caught.value.transient
    assert "session has been invalidated" in str(caught.value)


def test_thread_reads_every_comment_and_reply_across_pages(
    fake: FakeFacebook, listener: FacebookListener, post: str
) -> None:
    comments = [fake.someone_replies(post, f"comment {n}") for n in range(130)]
    reply = fake.someone_replies(comments[3], "a reply", handle="sam", name="Sam")
    deeper = fake.someone_replies(reply, "a reply to the reply")
    fake.someone_replies(comments[5], "<script>alert(1)</script> <b>bold</b> &amp; co")
    batch = listener.thread(post)
    by_id = {item.remote_id: item for item in batch.items}
    assert len(batch.items) == 133 and set(comments) <= set(by_id)
    assert by_id[comments[0]].in_reply_to == post and by_id[comments[0]].post_id == post
    assert by_id[reply].in_reply_to == comments[3] and by_id[reply].name == "Sam"
    # Facebook threads one level deep: a reply to a reply sits under the top-level comment.
    assert by_id[deeper].in_reply_to == comments[3]
    assert by_id[deeper].reply_to == {"object": comments[3]}
    hostile = batch.items[-1]
    assert hostile.text == "<script>alert(1)</script> <b>bold</b> &amp; co"  # as written
    assert all(item.kind is HeardKind.REPLY and not item.ours for item in batch.items)
    assert [item.created for item in batch.items] == sorted(item.created for item in batch.items)


def test_thread_follows_edits_and_deletions(
    fake: FakeFacebook, listener: FacebookListener, post: str
) -> None:
    kept = fake.someone_replies(post, "first words")
    gone = fake.someone_replies(post, "regretted")
    under = fake.someone_replies(gone, "goes with it")
    fake.edit(kept, "second thoughts")
    fake.delete(gone)
    batch = listener.thread(post)
    assert [(item.remote_id, item.text) for item in batch.items] == [(kept, "second thoughts")]
    assert batch.items[0].edited is None  # Graph tells no time of an edit
    assert listener.existing([kept, gone, under]) == {kept}


def test_thread_of_a_deleted_post_is_empty(
    fake: FakeFacebook, listener: FacebookListener, post: str
) -> None:
    fake.someone_replies(post, "hello")
    fake.delete(post)
    assert listener.thread(post).items == []
    assert listener.counts([post]) == {}


def test_counts_in_batches_of_fifty_leaving_deleted_posts_out(
    fake: FakeFacebook, listener: FacebookListener, post: str
) -> None:
    others = [fake.someone_posts(f"post {n}") for n in range(60)]
    top = fake.someone_replies(post, "one")
    fake.someone_replies(post, "two")
    fake.someone_replies(top, "three")
    fake.react(post, likes=5, reposts=2)
    fake.delete(others[7])
    before = gets(fake)
    counts = listener.counts([post, *others])
    assert counts[post].replies == 3 and counts[post].likes == 5
    assert (counts[post].reposts, counts[post].quotes) == (2, 0)
    assert others[7] not in counts and len(counts) == 60
    assert counts[others[0]].replies == counts[others[0]].reposts == 0
    # 61 ids: two reads of at most 50, and the first again without the deleted one.
    assert gets(fake) - before == 3


def test_reply_makes_one_comment_and_find_reply_finds_it_after_a_lost_answer(
    fake: FakeFacebook, listener: FacebookListener, post: str
) -> None:
    comment = fake.someone_replies(post, "When does the survey close?")
    target = next(item for item in listener.thread(post).items if item.remote_id == comment)
    to = ReplyTarget(target.remote_id, target.handle, target.reply_to)
    assert listener.find_reply(to, "In January.") is None
    fake.lose_next(path=f"/v26.0/{comment}/comments")
    with pytest.raises(PlatformError):
        listener.reply(to, "In January.", "key-1", WHEN)
    assert fake.our_replies(comment) == ["In January."]
    found = listener.find_reply(to, "In January.")
    assert found is not None and found.platform == "facebook"
    assert listener.find_reply(to, "In February.") is None
    ours = [item for item in listener.thread(post).items if item.ours]
    assert [(item.remote_id, item.text, item.in_reply_to) for item in ours] == [
        (found.id, "In January.", comment)
    ]
    assert fake.our_replies(comment) == ["In January."]  # nothing posted twice


def test_a_reply_to_a_reply_goes_to_its_top_level_comment(
    fake: FakeFacebook, listener: FacebookListener, post: str
) -> None:
    comment = fake.someone_replies(post, "question")
    reply = fake.someone_replies(comment, "me too")
    target = next(item for item in listener.thread(post).items if item.remote_id == reply)
    ref = listener.reply(ReplyTarget(reply, reply_to=target.reply_to), "Answered", "k", WHEN)
    assert fake.our_replies(reply) == ["Answered"]
    assert fake.calls("POST", f"/v26.0/{comment}/comments") == 1
    ours = next(item for item in listener.thread(post).items if item.remote_id == ref.id)
    assert ours.ours and ours.in_reply_to == comment


def test_a_reply_to_a_tagging_post_comments_on_it(
    fake: FakeFacebook, listener: FacebookListener
) -> None:
    mention = fake.someone_mentions("Thanks @Engage NHS")
    heard = listener.notifications(None).items[0]
    listener.reply(ReplyTarget(mention, reply_to=heard.reply_to), "You're welcome", "k", WHEN)
    assert fake.our_replies(mention) == ["You're welcome"]


def test_replying_without_the_permission_is_unsupported(
    fake: FakeFacebook, listener: FacebookListener, post: str
) -> None:
    comment = fake.someone_replies(post, "hello")
    fake.granted.discard("pages_manage_engagement")
    with pytest.raises(Unsupported, match="pages_manage_engagement"):
        listener.reply(ReplyTarget(comment), "hi", "k", WHEN)
    assert fake.our_replies(comment) == []


def test_search_is_unsupported(listener: FacebookListener) -> None:
    with pytest.raises(Unsupported, match="no search"):
        listener.search("#UrgentCare", None)


def test_the_fake_has_no_private_comments_or_quotes(fake: FakeFacebook, post: str) -> None:
    with pytest.raises(NotImplementedError):
        fake.someone_quotes(post, "look")
    with pytest.raises(NotImplementedError):
        fake.someone_mentions("psst", private=True)
