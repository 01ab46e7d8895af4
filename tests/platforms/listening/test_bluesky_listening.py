"""The Bluesky listener against the loopback PDS and app view: notifications paged to our cursor,
threads with replies in replies, search, counts, and replies made once at their record key."""

from __future__ import annotations

import datetime
import time

import pytest
from atproto_client import models

from fixtures.fake_platforms.bluesky import FakeBluesky
from fixtures.fake_platforms.rig import compose
from platforms.listening import Counts, HeardKind, ReplyTarget, Unsupported
from platforms.listening.bluesky import BlueskyListener, _descendants
from platforms.listening.bluesky_text import facets, plain_text
from platforms.values import PlatformError

pytestmark = pytest.mark.usefixtures("loopback_only")

NOTIFICATIONS = "/xrpc/app.bsky.notification.listNotifications"
CREATE = "/xrpc/com.atproto.repo.createRecord"
WHEN = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def fake(platform_servers: dict) -> FakeBluesky:
    return platform_servers["bluesky"].plug(FakeBluesky())


@pytest.fixture
def listener(fake: FakeBluesky) -> BlueskyListener:
    made = BlueskyListener.from_environment(fake.settings())
    assert made is not None
    return made


@pytest.fixture
def post(listener: BlueskyListener) -> str:
    """Our cross-posted post's uri."""
    return listener.publish(compose("bluesky"), "entry-1").id


def test_notifications_hear_replies_mentions_and_quotes(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    reply = fake.someone_replies(post, "Where is the survey?", handle="ann", name="Ann")
    mention = fake.someone_mentions("@engage.example.org when does it close?", handle="cy", name="")
    quote = fake.someone_quotes(post, "Worth a look", handle="bob.example.com")
    fake.someone_posts("Nothing to do with us")
    batch = listener.notifications(None)
    by_id = {item.remote_id: item for item in batch.items}
    assert list(by_id) == [reply, mention, quote]  # oldest first
    first = by_id[reply]
    assert first.kind is HeardKind.REPLY
    assert (first.in_reply_to, first.post_id) == (post, post)
    assert (first.handle, first.name) == ("ann.bsky.social", "Ann")
    assert first.text == "Where is the survey?"
    assert first.url == f"https://bsky.app/profile/ann.bsky.social/post/{reply.rsplit('/', 1)[1]}"
    assert first.created.tzinfo is not None and first.created.utcoffset() == datetime.timedelta(0)
    assert first.reply_to["uri"] == reply and first.reply_to["root_uri"] == post
    assert first.reply_to["cid"] and first.reply_to["root_cid"]
    assert not first.private and not first.ours and first.edited is None
    assert by_id[mention].kind is HeardKind.MENTION and by_id[mention].name == ""
    assert by_id[mention].reply_to["root_uri"] == mention
    assert (by_id[quote].kind, by_id[quote].post_id) == (HeardKind.QUOTE, post)
    assert batch.cursor is not None
    assert batch.cursor == max(fake.views[uri]["indexedAt"] for uri in (reply, mention, quote))


def test_second_call_with_the_cursor_adds_nothing_for_one_request(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    fake.someone_replies(post, "First")
    cursor = listener.notifications(None).cursor
    before = fake.calls("GET", NOTIFICATIONS)
    again = listener.notifications(cursor)
    assert again.items == [] and again.cursor is None
    assert fake.calls("GET", NOTIFICATIONS) == before + 1
    assert fake.calls("POST", "/xrpc/com.atproto.server.createSession") == 1


def test_notifications_page_back_to_the_cursor(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    old = fake.someone_replies(post, "Before we looked")
    cursor = listener.notifications(None).cursor
    new = [fake.someone_replies(post, f"Reply {number}") for number in range(250)]
    fake.someone_posts("Not for us")  # neither reply, mention nor quote
    before = fake.calls("GET", NOTIFICATIONS)
    batch = listener.notifications(cursor)
    assert [item.remote_id for item in batch.items] == new  # every one, oldest first, once
    assert old not in {item.remote_id for item in batch.items}
    assert fake.calls("GET", NOTIFICATIONS) == before + 3  # pages of 100
    assert batch.cursor == fake.views[new[-1]]["indexedAt"]
    assert listener.notifications(batch.cursor).items == []


def test_first_call_reads_the_newest_page_only(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    replies = [fake.someone_replies(post, f"Reply {number}") for number in range(130)]
    batch = listener.notifications(None)
    assert [item.remote_id for item in batch.items] == replies[-100:]
    assert fake.calls("GET", NOTIFICATIONS) == 1


def test_rate_limit_waits_until_the_reset(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    fake.fail_next(status=429, retry_after=120, path=NOTIFICATIONS)
    with pytest.raises(PlatformError) as caught:
        listener.notifications(None)
    assert caught.value.transient and caught.value.status == 429
    assert caught.value.retry_after is not None and 110 <= caught.value.retry_after <= 121


@pytest.mark.parametrize("call", ["notifications", "thread", "counts", "search"])
def test_revoked_password_is_a_401(
    fake: FakeBluesky, listener: BlueskyListener, post: str, call: str
) -> None:
    fake.revoke()
    args = {
        "notifications": (None,),
        "thread": (post,),
        "counts": ([post],),
        "search": ("#a", None),
    }
    with pytest.raises(PlatformError) as caught:
        getattr(listener, call)(*args[call])
    assert caught.value.status == 401 and not caught.value.transient
    assert "revoked" in str(caught.value)
    assert not isinstance(caught.value, Unsupported)


def test_a_new_client_cannot_sign_in_after_revoke(fake: FakeBluesky) -> None:
    fake.revoke()
    fresh = BlueskyListener.from_environment(fake.settings())
    assert fresh is not None
    with pytest.raises(PlatformError) as caught:
        fresh.notifications(None)
    assert caught.value.status == 401


def test_thread_has_replies_in_replies_and_ours_marked(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    first = fake.someone_replies(post, "Is it online?", handle="ann")
    second = fake.someone_replies(first, "It is, I did it", handle="bob")
    third = fake.someone_replies(second, "Thanks!", handle="ann")
    heard = listener.notifications(None).items
    target = next(item for item in heard if item.remote_id == first)
    ours = listener.reply(
        ReplyTarget(target.remote_id, target.handle, target.reply_to),
        "Yes: see the link",
        "k1",
        WHEN,
    )
    batch = listener.thread(post)
    by_id = {item.remote_id: item for item in batch.items}
    assert set(by_id) == {first, second, third, ours.id}
    assert by_id[second].in_reply_to == first and by_id[third].in_reply_to == second
    assert all(item.post_id == post and item.kind is HeardKind.REPLY for item in batch.items)
    assert by_id[ours.id].ours and not any(by_id[uri].ours for uri in (first, second, third))
    assert by_id[ours.id].in_reply_to == first
    assert by_id[third].reply_to["root_uri"] == post and by_id[third].reply_to["uri"] == third
    assert fake.our_replies(first) == ["Yes: see the link"]


def test_deleted_items_are_gone_everywhere(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    kept = fake.someone_replies(post, "Stays")
    gone = fake.someone_replies(post, "Goes")
    under = fake.someone_replies(gone, "Under the deleted one")
    mention = fake.someone_mentions("@engage.example.org hello")
    fake.delete(gone)
    fake.delete(mention)
    assert {item.remote_id for item in listener.thread(post).items} == {kept}
    assert listener.existing([kept, gone, mention]) == {kept}
    assert listener.counts([post])[post].replies == 1
    # A reply under a deleted one is still there, but no longer in the thread (#notFoundPost
    # carries no replies): existing() tells it apart from a deleted one.
    assert under in {item.remote_id for item in listener.notifications(None).items}
    assert listener.existing([under]) == {under}
    fake.delete(post)
    assert listener.thread(post).items == [] and listener.counts([post]) == {}


def test_edited_items_come_back_with_new_text_and_edited(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    reply = fake.someone_replies(post, "Fisrt thought")
    [before] = listener.thread(post).items
    assert before.edited is None
    fake.edit(reply, "First thought")
    [after] = listener.thread(post).items
    assert after.text == "First thought" and after.edited is not None
    assert after.edited > after.created and after.edited.utcoffset() == datetime.timedelta(0)


def test_bluesky_has_no_private_mentions(fake: FakeBluesky, listener: BlueskyListener) -> None:
    fake.someone_mentions("@engage.example.org just between us", private=True)
    [item] = listener.notifications(None).items
    assert item.kind is HeardKind.MENTION and item.private is False


def test_counts_follow_reactions_replies_and_quotes(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    assert listener.counts([post]) == {post: Counts()}
    fake.react(post, likes=3, reposts=2)
    fake.someone_replies(post, "One")
    reply = fake.someone_replies(post, "Two")
    fake.someone_replies(reply, "Nested: not a direct reply")
    fake.someone_quotes(post, "Quoted")
    assert listener.counts([post]) == {post: Counts(replies=2, reposts=2, likes=3, quotes=1)}


def test_counts_ask_25_posts_a_call(fake: FakeBluesky, listener: BlueskyListener) -> None:
    posts = [fake.someone_posts(f"Post {number}") for number in range(60)]
    found = listener.counts([*posts, "at://did:plc:nobody/app.bsky.feed.post/3aaaaaaaaaaaa"])
    assert set(found) == set(posts)
    assert fake.calls("GET", "/xrpc/app.bsky.feed.getPosts") == 3


def test_reply_is_made_once_and_found_after_a_lost_answer(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    reply = fake.someone_replies(post, "A question")
    [heard] = listener.notifications(None).items
    target = ReplyTarget(heard.remote_id, heard.handle, heard.reply_to)
    fake.lose_next(path=CREATE)  # the PDS wrote it, the answer was lost: the retry reads it back
    made = listener.reply(target, "Our answer #UrgentCare", "reply-7", WHEN)
    assert fake.our_replies(reply) == ["Our answer #UrgentCare"]
    fake.lose_next(path=CREATE)
    fake.fail_next(status=503, path="/xrpc/com.atproto.repo.getRecord")
    with pytest.raises(PlatformError) as caught:  # nor can it be read back: try again later
        listener.reply(target, "Our answer #UrgentCare", "reply-7", WHEN)
    assert caught.value.transient
    found = listener.find_reply(target, "Our answer #UrgentCare")
    assert found == made and found.id.startswith(f"at://{fake.did}/app.bsky.feed.post/")
    assert listener.reply(target, "Our answer #UrgentCare", "reply-7", WHEN) == found
    assert fake.our_replies(reply) == ["Our answer #UrgentCare"]
    assert listener.find_reply(target, "Another answer") is None
    record = fake.views[found.id]["record"]
    parent, root = record["reply"]["parent"], record["reply"]["root"]
    assert (parent["uri"], parent["cid"]) == (reply, heard.reply_to["cid"])
    assert (root["uri"], root["cid"]) == (post, heard.reply_to["root_cid"])
    assert record["langs"] == ["en"] and record["createdAt"].startswith("2026-12-01T10:00:00")


def test_a_different_key_is_a_second_reply(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    reply = fake.someone_replies(post, "A question")
    target = ReplyTarget(reply, "reader.bsky.social")  # no reply_to: read from the post
    first = listener.reply(target, "One", "key-1", WHEN)
    second = listener.reply(target, "Two", "key-2", WHEN)
    assert first != second and fake.our_replies(reply) == ["One", "Two"]
    assert fake.views[first.id]["record"]["reply"]["root"]["uri"] == post


def test_a_record_at_the_key_answering_another_post_is_refused(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    one = fake.someone_replies(post, "One")
    other = fake.someone_replies(post, "Other")
    listener.reply(ReplyTarget(one), "Answer", "same-key", WHEN)
    with pytest.raises(PlatformError, match="another reply"):
        listener.reply(ReplyTarget(other), "Answer", "same-key", WHEN)
    assert fake.our_replies(other) == []


def test_reply_facets_count_utf8_bytes(fake: FakeBluesky, listener: BlueskyListener) -> None:
    mention = fake.someone_mentions("@engage.example.org hi")
    text = "Merci \u2013 voir https://engage.example.nhs.uk/posts/urgent-care #UrgentCare."
    listener.reply(ReplyTarget(mention), text, "k", WHEN)
    [uri] = [uri for uri in fake.children[mention]]
    record = fake.views[uri]["record"]
    data = text.encode()
    spans = {
        data[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode(): facet["features"][0]
        for facet in record["facets"]
    }
    assert spans == {
        "https://engage.example.nhs.uk/posts/urgent-care": {
            "$type": "app.bsky.richtext.facet#link",
            "uri": "https://engage.example.nhs.uk/posts/urgent-care",
        },
        "#UrgentCare": {"$type": "app.bsky.richtext.facet#tag", "tag": "UrgentCare"},
    }


def test_facet_finder_leaves_out_fragments_numbers_and_bare_hashes() -> None:
    text = "#1 then https://a.example.com/x#part and # alone, #ok!"
    found = facets(text)
    texts = [text.encode()[facet.index.byte_start : facet.index.byte_end] for facet in found]
    assert texts == [b"https://a.example.com/x#part", b"#ok"]


def test_search_finds_the_term_and_pages_to_the_cursor(
    fake: FakeBluesky, listener: BlueskyListener
) -> None:
    old = fake.someone_posts("Seen already #UrgentCare")
    fake.someone_posts("#UrgentCareer is another tag")
    first = listener.search("#UrgentCare", None)
    assert [item.remote_id for item in first.items] == [old]
    assert first.items[0].kind is HeardKind.TERM and first.items[0].term == "#UrgentCare"
    new = [fake.someone_posts(f"Post {number} #urgentcare") for number in range(150)]
    before = fake.calls("GET", "/xrpc/app.bsky.feed.searchPosts")
    batch = listener.search("#UrgentCare", first.cursor)
    assert [item.remote_id for item in batch.items] == new
    assert fake.calls("GET", "/xrpc/app.bsky.feed.searchPosts") == before + 2
    idle = listener.search("#UrgentCare", batch.cursor)
    assert idle.items == [] and idle.cursor is None


def test_search_a_pds_does_not_offer_is_unsupported(
    fake: FakeBluesky, listener: BlueskyListener
) -> None:
    fake.fail_next(status=501, path="/xrpc/app.bsky.feed.searchPosts")
    with pytest.raises(Unsupported, match="searchPosts"):
        listener.search("#UrgentCare", None)


def test_hostile_text_comes_back_as_the_plain_text_it_is(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    text = "<script>alert('x')</script> &amp; <b>bold</b>"
    fake.someone_replies(post, text)
    [item] = listener.thread(post).items
    assert item.text == text  # Bluesky text is never HTML: nothing to decode, nothing to run


def test_shortened_links_are_written_out_in_full(
    fake: FakeBluesky, listener: BlueskyListener, post: str
) -> None:
    shown = "see engage.example.nhs.uk/posts/ur... now"
    start = shown.encode().index(b"engage")
    uri = "https://engage.example.nhs.uk/posts/urgent-care"
    facet = {
        "index": {"byteStart": start, "byteEnd": start + len("engage.example.nhs.uk/posts/ur...")},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}],
    }
    record = {"text": shown, "facets": [facet]}
    reply = fake.someone_replies(post, shown)
    fake.views[reply]["record"] = {**fake.views[reply]["record"], **record}
    [item] = listener.thread(post).items
    assert item.text == f"see {uri} now"


def test_plain_text_skips_facets_outside_the_text() -> None:
    link = models.AppBskyRichtextFacet.Link(uri="https://x.example.com")
    index = models.AppBskyRichtextFacet.ByteSlice(byte_start=2, byte_end=99)
    facet = models.AppBskyRichtextFacet.Main(index=index, features=[link])
    record = models.AppBskyFeedPost.Record(
        text="hello", created_at="2026-12-01T10:00:00Z", facets=[facet]
    )
    assert plain_text(record) == "hello"


def test_our_own_posts_found_are_ours(fake: FakeBluesky, listener: BlueskyListener) -> None:
    ref = listener.publish(compose("bluesky"), "entry-1")
    batch = listener.search("#UrgentCare", None)
    assert [item.remote_id for item in batch.items] == [ref.id] and batch.items[0].ours


def test_many_replies_answer_fast(fake: FakeBluesky, listener: BlueskyListener, post: str) -> None:
    for number in range(2000):
        fake.someone_replies(post, f"Reply {number}")
    started = time.monotonic()
    assert len(listener.thread(post).items) == 2000
    assert listener.counts([post])[post].replies == 2000
    assert time.monotonic() - started < 10


def test_blocked_and_not_found_entries_are_passed_over() -> None:
    class Node:
        def __init__(self, post: str | None, replies: list | None = None) -> None:
            self.post, self.replies = post, replies

    blocked = models.AppBskyFeedDefs.BlockedPost(
        uri="at://did:plc:b/app.bsky.feed.post/3b",
        blocked=True,
        author=models.AppBskyFeedDefs.BlockedAuthor(did="did:plc:b"),
    )
    missing = models.AppBskyFeedDefs.NotFoundPost(
        uri="at://x/app.bsky.feed.post/3c", not_found=True
    )
    tree = Node("root", [blocked, Node("a", [missing, Node("a1")]), Node("b")])
    assert [node.post for node in _descendants(tree)] == ["a", "a1", "b"]


def test_reply_text_is_the_text(listener: BlueskyListener) -> None:
    target = ReplyTarget("at://did:plc:x/app.bsky.feed.post/3a", "ann.bsky.social")
    assert listener.reply_text(target, "Thank you") == "Thank you"  # no handle put first
