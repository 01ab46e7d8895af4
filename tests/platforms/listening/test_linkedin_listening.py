"""The LinkedIn listener against the loopback Community Management API fake: organisation
notifications with a time cursor, comment threads nested one level, socialActions summaries,
the page's comments made once, and LinkedIn's refusals."""

from __future__ import annotations

import datetime

import pytest

from fixtures.fake_platforms import Loopback
from fixtures.fake_platforms.linkedin import FakeLinkedIn
from fixtures.fake_platforms.rig import compose
from platforms.listening import HeardKind, ReplyTarget, Unsupported, load
from platforms.listening.linkedin import LinkedInListener, plain
from platforms.values import PlatformError

pytestmark = pytest.mark.usefixtures("loopback_only")
WHEN = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def fake(platform_servers: dict[str, Loopback]) -> FakeLinkedIn:
    return platform_servers["linkedin"].plug(FakeLinkedIn())  # type: ignore[return-value]


@pytest.fixture
def listener(fake: FakeLinkedIn) -> LinkedInListener:
    made = LinkedInListener.from_environment(fake.settings())
    assert made is not None
    return made


@pytest.fixture
def post(listener: LinkedInListener) -> str:
    return listener.publish(compose("linkedin"), "key").id


def gets(fake: FakeLinkedIn) -> int:
    return sum(1 for method, _ in fake.requests if method == "GET")


def test_the_platform_loads_its_listener() -> None:
    assert load("linkedin") is LinkedInListener


def test_notifications_page_by_time_and_an_idle_call_costs_one_request(
    fake: FakeLinkedIn, listener: LinkedInListener, post: str
) -> None:
    old = [fake.someone_mentions(f"old {n}") for n in range(120)]
    first = listener.notifications(None)
    assert [item.remote_id for item in first.items] == old[20:]  # the newest page only
    new = [fake.someone_mentions(f"new {n}", handle="pat") for n in range(110)]
    comment = fake.someone_replies(post, "A comment on our post")
    second = listener.notifications(first.cursor)
    assert [item.remote_id for item in second.items] == [*new, comment]
    mention = second.items[0]
    assert mention.kind is HeardKind.MENTION and mention.text == "new 0"
    assert mention.handle == "urn:li:person:pat" and not mention.ours and not mention.private
    assert mention.created.tzinfo == datetime.UTC and mention.reply_to == {"object": new[0]}
    heard = second.items[-1]
    assert heard.kind is HeardKind.REPLY and heard.post_id == post and heard.in_reply_to == post
    assert heard.text == "A comment on our post"
    before = gets(fake)
    idle = listener.notifications(second.cursor)
    assert idle.items == [] and idle.cursor is None
    assert gets(fake) - before == 1


def test_notifications_without_the_community_management_scope_are_unsupported(
    fake: FakeLinkedIn, listener: LinkedInListener
) -> None:
    fake.granted.discard("r_organization_social_feed")
    with pytest.raises(Unsupported, match="r_organization_social_feed") as caught:
        listener.notifications(None)
    assert caught.value.status == 403


def test_a_throttled_call_is_transient_with_the_wait(
    fake: FakeLinkedIn, listener: LinkedInListener, post: str
) -> None:
    fake.fail_next(status=429, retry_after=300)
    with pytest.raises(PlatformError) as caught:
        listener.thread(post)
    assert caught.value.transient and caught.value.retry_after == 300
    assert caught.value.status == 429


def test_a_revoked_token_is_a_401(fake: FakeLinkedIn, listener: LinkedInListener) -> None:
    fake.revoke()
    with pytest.raises(PlatformError) as caught:
        listener.notifications("0")
    assert caught.value.status == 401 and "revoked" in str(caught.value)


def test_thread_reads_every_comment_and_nested_comment(
    fake: FakeLinkedIn, listener: LinkedInListener, post: str
) -> None:
    top = [fake.someone_replies(post, f"comment {n}") for n in range(130)]
    nested = fake.someone_replies(top[4], "a nested comment", handle="sam")
    deeper = fake.someone_replies(nested, "and on that one")
    fake.someone_replies(top[6], "<script>alert(1)</script> & <b>you</b>")
    batch = listener.thread(post)
    by_id = {item.remote_id: item for item in batch.items}
    assert len(batch.items) == 133 and set(top) <= set(by_id)
    assert by_id[top[0]].in_reply_to == post and by_id[top[0]].post_id == post
    assert by_id[nested].in_reply_to == top[4] and by_id[nested].handle == "urn:li:person:sam"
    assert by_id[deeper].in_reply_to == top[4]  # LinkedIn nests one level
    assert by_id[deeper].reply_to == {"object": post, "comment": top[4]}
    assert batch.items[-1].text == "<script>alert(1)</script> & <b>you</b>"
    assert all(item.kind is HeardKind.REPLY and not item.ours for item in batch.items)


def test_thread_follows_edits_and_deletions(
    fake: FakeLinkedIn, listener: LinkedInListener, post: str
) -> None:
    kept = fake.someone_replies(post, "first words")
    gone = fake.someone_replies(post, "regretted")
    under = fake.someone_replies(gone, "goes with it")
    mention = fake.someone_mentions("hello page")
    fake.edit(kept, "second thoughts")
    fake.delete(gone)
    batch = listener.thread(post)
    assert [(item.remote_id, item.text) for item in batch.items] == [(kept, "second thoughts")]
    assert batch.items[0].edited is not None and batch.items[0].edited > batch.items[0].created
    assert listener.existing([kept, gone, under, mention]) == {kept, mention}
    fake.delete(mention)
    assert listener.existing([mention]) == set()


def test_counts_leave_deleted_posts_out(
    fake: FakeLinkedIn, listener: LinkedInListener, post: str
) -> None:
    others = [fake.someone_posts(f"post {n}") for n in range(55)]
    top = fake.someone_replies(post, "one")
    fake.someone_replies(post, "two")
    fake.someone_replies(top, "three")
    fake.react(post, likes=4)
    fake.delete(others[3])
    before = gets(fake)
    counts = listener.counts([post, *others])
    assert (counts[post].replies, counts[post].likes, counts[post].reposts) == (3, 4, 0)
    assert others[3] not in counts and len(counts) == 55
    assert gets(fake) - before == 2  # 56 keys, 50 a call
    fake.delete(post)
    assert listener.counts([post]) == {} and listener.thread(post).items == []


def test_reply_makes_one_nested_comment_and_find_reply_finds_it(
    fake: FakeLinkedIn, listener: LinkedInListener, post: str
) -> None:
    comment = fake.someone_replies(post, "When does it close?")
    heard = next(item for item in listener.thread(post).items if item.remote_id == comment)
    to = ReplyTarget(heard.remote_id, heard.handle, heard.reply_to)
    assert listener.find_reply(to, "In January.") is None
    fake.lose_next(status=504)
    with pytest.raises(PlatformError):
        listener.reply(to, "In January.", "key-1", WHEN)
    assert fake.our_replies(comment) == ["In January."]
    found = listener.find_reply(to, "In January.")
    assert found is not None and found.id.startswith("urn:li:comment:(")
    ours = [item for item in listener.thread(post).items if item.ours]
    assert [(item.remote_id, item.in_reply_to) for item in ours] == [(found.id, comment)]
    assert fake.our_replies(comment) == ["In January."]


def test_reply_to_a_nested_comment_and_to_a_mention(
    fake: FakeLinkedIn, listener: LinkedInListener, post: str
) -> None:
    comment = fake.someone_replies(post, "question")
    nested = fake.someone_replies(comment, "me too")
    heard = next(item for item in listener.thread(post).items if item.remote_id == nested)
    ref = listener.reply(ReplyTarget(nested, reply_to=heard.reply_to), "Answered", "k", WHEN)
    assert fake.our_replies(nested) == ["Answered"] and ref.url.startswith("https://www.linkedin")
    mention = fake.someone_mentions("Thanks page")
    target = listener.notifications(None).items[-1]
    assert target.remote_id == mention
    listener.reply(ReplyTarget(mention, reply_to=target.reply_to), "Welcome", "k2", WHEN)
    assert fake.our_replies(mention) == ["Welcome"]


def test_replying_without_the_write_scope_is_unsupported(
    fake: FakeLinkedIn, listener: LinkedInListener, post: str
) -> None:
    comment = fake.someone_replies(post, "hello")
    fake.granted.discard("w_organization_social")
    with pytest.raises(Unsupported, match="w_organization_social"):
        listener.reply(ReplyTarget(comment, reply_to={"object": post}), "hi", "k", WHEN)
    assert fake.our_replies(comment) == []


def test_mentions_in_little_text_come_back_plain(
    fake: FakeLinkedIn, listener: LinkedInListener
) -> None:
    fake.someone_mentions(
        r"Thanks @[Engage NHS](urn:li:organization:5515715) {hashtag|\#|UrgentCare} \(soon\)"
    )
    heard = listener.notifications(None).items[0]
    assert heard.text == "Thanks Engage NHS #UrgentCare (soon)"
    assert plain(r"a\_b \\ c") == "a_b \\ c"


def test_search_is_unsupported_and_the_fake_has_no_quotes(
    fake: FakeLinkedIn, listener: LinkedInListener, post: str
) -> None:
    with pytest.raises(Unsupported, match="no search"):
        listener.search("#UrgentCare", None)
    with pytest.raises(NotImplementedError):
        fake.someone_quotes(post, "look")
