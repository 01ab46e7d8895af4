"""The X listener against the loopback API v2 fake, through tweepy: mentions by since_id and
pagination_token, conversations by recent search, quotes, public_metrics, replies made once,
and X's refusals: rate limits, a revoked token and a free-tier app."""

from __future__ import annotations

import datetime

import pytest

from fixtures.fake_platforms import Loopback
from fixtures.fake_platforms.rig import compose
from fixtures.fake_platforms.x import FakeX
from platforms.listening import HeardKind, ReplyTarget, Unsupported, load
from platforms.listening.x import XListener
from platforms.values import PlatformError

pytestmark = pytest.mark.usefixtures("loopback_only")
WHEN = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def fake(platform_servers: dict[str, Loopback]) -> FakeX:
    return platform_servers["x"].plug(FakeX())  # type: ignore[return-value]


def make(fake: FakeX) -> XListener:
    made = XListener.from_environment(fake.settings())
    assert made is not None
    return made


@pytest.fixture
def listener(fake: FakeX) -> XListener:
    return make(fake)


@pytest.fixture
def post(listener: XListener) -> str:
    return listener.publish(compose("x"), "key").id


def gets(fake: FakeX) -> int:
    return sum(1 for method, _ in fake.requests if method == "GET")


def test_the_platform_loads_its_listener() -> None:
    assert load("x") is XListener


def test_mentions_page_by_since_id_and_an_idle_call_costs_a_request_or_two(
    fake: FakeX, listener: XListener, post: str
) -> None:
    old = [fake.someone_mentions(f"old {n}") for n in range(150)]
    first = listener.notifications(None)
    assert [item.remote_id for item in first.items] == old[50:]  # the newest page only
    assert first.cursor == old[-1]
    new = [fake.someone_mentions(f"new {n}", handle="pat", name="Pat") for n in range(130)]
    reply = fake.someone_replies(post, "when does it close?")
    second = listener.notifications(first.cursor)
    assert [item.remote_id for item in second.items] == [*new, reply]
    mention = second.items[0]
    assert mention.kind is HeardKind.MENTION and mention.text == "@EngageNHS new 0"
    assert (mention.handle, mention.name, mention.private, mention.ours) == (
        "@pat",
        "Pat",
        False,
        False,
    )
    assert mention.url == f"https://x.com/pat/status/{new[0]}"
    assert mention.created.tzinfo == datetime.UTC
    answer = second.items[-1]
    assert answer.kind is HeardKind.REPLY and answer.post_id == post
    assert answer.in_reply_to == post
    before = gets(fake)
    idle = listener.notifications(second.cursor)
    assert idle.items == [] and idle.cursor is None
    assert gets(fake) - before == 1  # the account was read once, by the first call
    before = gets(fake)
    assert make(fake).notifications(second.cursor).items == []
    assert gets(fake) - before == 2  # a new listener reads the account, then the mentions


def test_a_free_tier_app_is_unsupported_for_reading(fake: FakeX, listener: XListener) -> None:
    fake.tier = "free"
    for call in (
        lambda: listener.notifications(None),
        lambda: listener.thread("1"),
        lambda: listener.search("#UrgentCare", None),
        lambda: listener.counts(["1"]),
    ):
        with pytest.raises(Unsupported, match="Basic tier") as caught:
            call()
        assert caught.value.status == 403


def test_a_rate_limit_is_transient_with_the_wait(fake: FakeX, listener: XListener) -> None:
    fake.fail_next(status=429, retry_after=120, path=f"/2/users/{fake.user['id']}/mentions")
    with pytest.raises(PlatformError) as caught:
        listener.notifications(None)
    assert caught.value.transient and caught.value.status == 429
    assert caught.value.retry_after is not None and 118 <= caught.value.retry_after <= 120


def test_a_revoked_token_is_a_401(fake: FakeX, listener: XListener) -> None:
    fake.revoke()
    with pytest.raises(PlatformError) as caught:
        listener.notifications(None)
    assert caught.value.status == 401 and "Unauthorized" in str(caught.value)


def test_thread_reads_the_conversation_and_quotes(
    fake: FakeX, listener: XListener, post: str
) -> None:
    replies = [fake.someone_replies(post, f"reply {n}") for n in range(130)]
    deeper = fake.someone_replies(replies[2], "a reply to a reply", handle="sam", name="Sam")
    hostile = fake.someone_replies(post, "<script>alert(1)</script> & <b>x</b> &amp;")
    quote = fake.someone_quotes(post, "Worth a look", handle="quoter")
    batch = listener.thread(post)
    by_id = {item.remote_id: item for item in batch.items}
    assert len(batch.items) == 133 and set(replies) <= set(by_id)
    assert by_id[replies[0]].in_reply_to == post and by_id[replies[0]].post_id == post
    assert by_id[deeper].in_reply_to == replies[2] and by_id[deeper].handle == "@sam"
    assert by_id[hostile].text == "@EngageNHS <script>alert(1)</script> & <b>x</b> &amp;"
    assert by_id[quote].kind is HeardKind.QUOTE and by_id[quote].post_id == post
    assert post not in by_id and not any(item.ours for item in batch.items)


def test_edits_and_deletions(fake: FakeX, listener: XListener, post: str) -> None:
    kept = fake.someone_replies(post, "first words")
    gone = fake.someone_replies(post, "regretted")
    fake.edit(kept, "second thoughts")
    fake.delete(gone)
    batch = listener.thread(post)
    assert [(item.remote_id, item.text) for item in batch.items] == [
        (kept, "@EngageNHS second thoughts")
    ]
    edited = batch.items[0]
    assert edited.edited is not None and edited.reply_to["id"] != kept  # the new version
    assert listener.existing([kept, gone, post]) == {kept, post}
    assert gone not in listener.counts([gone])


def test_search_finds_posts_with_the_term_by_cursor(fake: FakeX, listener: XListener) -> None:
    fake.someone_posts("nothing to see")
    first_one = fake.someone_posts("Waiting times #UrgentCare")
    first = listener.search("#UrgentCare", None)
    assert [item.remote_id for item in first.items] == [first_one]
    assert first.items[0].kind is HeardKind.TERM and first.items[0].term == "#UrgentCare"
    later = [fake.someone_posts(f"#UrgentCare {n}") for n in range(120)]
    second = listener.search("#UrgentCare", first.cursor)
    assert [item.remote_id for item in second.items] == later
    assert listener.search("#UrgentCare", second.cursor).items == []


def test_counts_from_public_metrics(fake: FakeX, listener: XListener, post: str) -> None:
    top = fake.someone_replies(post, "one")
    fake.someone_replies(post, "two")
    fake.someone_replies(top, "not a direct reply")
    fake.someone_quotes(post, "quoted")
    fake.react(post, likes=7, reposts=3)
    counts = listener.counts([post])
    assert counts[post].replies == 2 and counts[post].likes == 7
    assert (counts[post].reposts, counts[post].quotes) == (3, 1)


def test_reply_is_made_once_and_shows_as_ours(fake: FakeX, listener: XListener, post: str) -> None:
    question = fake.someone_replies(post, "when?")
    heard = next(item for item in listener.thread(post).items if item.remote_id == question)
    to = ReplyTarget(heard.remote_id, heard.handle, heard.reply_to)
    assert listener.find_reply(to, "In January: https://example.nhs.uk/survey") is None
    fake.lose_next(path="/2/tweets")
    with pytest.raises(PlatformError):
        listener.reply(to, "In January: https://example.nhs.uk/survey", "k", WHEN)
    found = listener.find_reply(to, "In January: https://example.nhs.uk/survey")
    assert found is not None
    again = listener.reply(to, "In January: https://example.nhs.uk/survey", "k", WHEN)
    assert again == found  # X refused the repeat; the first reply stands
    assert fake.our_replies(question) == ["In January: https://example.nhs.uk/survey"]
    ours = [item for item in listener.thread(post).items if item.ours]
    assert [(item.remote_id, item.in_reply_to, item.text) for item in ours] == [
        (found.id, question, "In January: https://example.nhs.uk/survey")  # t.co written out
    ]


def test_a_quote_that_mentions_us_is_a_quote_notification(
    fake: FakeX, listener: XListener, post: str
) -> None:
    quote = fake.someone_quotes(post, "Look at this @EngageNHS")
    heard = listener.notifications(None).items
    assert [(item.remote_id, item.kind) for item in heard] == [(quote, HeardKind.QUOTE)]


def test_the_fake_has_no_private_mentions(fake: FakeX) -> None:
    with pytest.raises(NotImplementedError):
        fake.someone_mentions("psst", private=True)
