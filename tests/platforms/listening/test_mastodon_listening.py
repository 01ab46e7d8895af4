"""The Mastodon listener against the loopback Mastodon: notifications paged by min_id, threads
from context, hashtag and phrase search, counts and what is still there, replies made once and
found again, and the refusals staff are told about. Nothing may leave 127.0.0.1."""

from __future__ import annotations

import datetime

import pytest

from fixtures.fake_platforms import Loopback
from fixtures.fake_platforms.mastodon import FakeMastodon
from fixtures.fake_platforms.rig import compose
from platforms.listening import HeardKind, ReplyTarget, Unsupported, load
from platforms.listening.mastodon import MastodonListener
from platforms.mastodon import MastodonClient
from platforms.values import PlatformError

pytestmark = pytest.mark.usefixtures("loopback_only")

NOTES = "/api/v1/notifications"
WHEN = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def fake(platform_servers: dict[str, Loopback]) -> FakeMastodon:
    fake = platform_servers["mastodon"].plug(FakeMastodon())
    assert isinstance(fake, FakeMastodon)
    return fake


@pytest.fixture
def listener(fake: FakeMastodon) -> MastodonListener:
    made = MastodonListener.from_environment(fake.settings())
    assert made is not None
    return made


def post(listener: MastodonListener, number: int = 1) -> str:
    """One of our cross-posts (it carries #UrgentCare), its status id."""
    return listener.publish(compose("mastodon", number), f"key-{number}").id


def calls(fake: FakeMastodon, method: str = "GET", path: str | None = None) -> int:
    return sum(1 for m, p in fake.requests if m == method and (path is None or p == path))


def error_of(call: object, *args: object) -> PlatformError:
    with pytest.raises(PlatformError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


def test_the_platform_loads_its_listener() -> None:
    assert load("mastodon") is MastodonListener
    assert issubclass(MastodonListener, MastodonClient)


# --- Notifications -------------------------------------------------------------------------


def test_notifications_tell_replies_mentions_and_quotes_apart(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    ours = post(listener)
    reply = fake.someone_replies(ours, "When does it close?", handle="reader@other.example")
    mention = fake.someone_mentions("@engage is the survey open?", name="Ann")
    secret = fake.someone_mentions("@engage my GP said no", private=True)
    quoted = fake.someone_quotes(ours, "Worth filling in")
    fake.react(ours, likes=2, reposts=1)  # notified too, but not what Engage listens to
    batch = listener.notifications(None)
    by_id = {item.remote_id: item for item in batch.items}
    assert list(by_id) == [reply, mention, secret, quoted]  # oldest first
    assert by_id[reply].kind is HeardKind.REPLY and by_id[reply].in_reply_to == ours
    assert by_id[reply].handle == "@reader@other.example" and by_id[reply].name == "A Reader"
    assert by_id[reply].text == "When does it close?"
    assert by_id[mention].kind is HeardKind.MENTION and by_id[mention].name == "Ann"
    assert by_id[mention].handle == "@reader" and by_id[mention].in_reply_to is None
    assert by_id[secret].private and not by_id[mention].private
    assert by_id[quoted].kind is HeardKind.QUOTE and by_id[quoted].post_id == ours
    for item in batch.items:
        assert item.created.tzinfo is datetime.UTC and item.url.startswith(("http", "https"))
        assert not item.ours and item.platform == "mastodon"
    newest = max(i for i, note in fake.notes.items() if note["type"] == "quote")
    assert batch.cursor == str(newest)  # the newest notification of the kinds asked for


def test_the_first_call_reads_the_newest_page_and_later_calls_page_forward(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    texts = [f"@engage question {n}" for n in range(100)]
    for text in texts:
        fake.someone_mentions(text)
    first = listener.notifications(None)
    assert [item.text for item in first.items] == texts[20:]  # the newest 80, oldest first
    assert calls(fake, path=NOTES) == 1
    more = [f"@engage later {n}" for n in range(170)]
    for text in more:
        fake.someone_mentions(text)
    second = listener.notifications(first.cursor)
    assert [item.text for item in second.items] == more  # nothing lost, nothing twice
    assert calls(fake, path=NOTES) == 1 + 3  # 80 + 80 + 10
    assert second.cursor == fake.notes[fake.note_ids[-1]]["id"]
    idle_from = len(fake.requests)
    idle = listener.notifications(second.cursor)
    assert idle.items == [] and idle.cursor is None  # the old cursor stands
    assert fake.requests[idle_from:] == [("GET", NOTES)]  # an idle call costs one request


def test_a_quote_that_also_mentions_us_is_one_quote(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    ours = post(listener)
    quoted = fake.someone_quotes(ours, "@engage see this")
    with fake.lock:  # Mastodon also notifies the mention in it
        fake._notify("mention", fake.statuses[quoted]["account"], fake.statuses[quoted])
    items = listener.notifications(None).items
    assert [(item.remote_id, item.kind) for item in items] == [(quoted, HeardKind.QUOTE)]


def test_a_deleted_mention_is_gone_and_an_edit_is_read_back(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    kept = fake.someone_mentions("@engage first")
    gone = fake.someone_mentions("@engage second")
    fake.delete(gone)
    fake.edit(kept, "@engage first, edited")
    items = listener.notifications(None).items
    assert [item.remote_id for item in items] == [kept]
    assert items[0].text == "@engage first, edited" and items[0].edited is not None
    assert listener.existing([kept, gone]) == {kept}


def test_a_rate_limit_is_transient_with_the_reset_wait(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    fake.fail_next(status=429, retry_after=120, path=NOTES)
    error = error_of(listener.notifications, None)
    assert error.transient and error.status == 429
    assert error.retry_after is not None and 119 <= error.retry_after <= 121, error


def test_a_revoked_token_is_a_401_with_mastodons_words(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    ours = post(listener)
    fake.revoke()
    for call, args in [
        (listener.notifications, (None,)),
        (listener.thread, (ours,)),
        (listener.counts, ([ours],)),
        (listener.search, ("#UrgentCare", None)),
    ]:
        error = error_of(call, *args)
        assert error.status == 401 and not error.transient
        assert "revoked" in str(error), error


def test_a_token_without_the_scope_is_unsupported(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    fake.fail_next(status=403, path=NOTES)
    error = error_of(listener.notifications, None)
    assert isinstance(error, Unsupported) and error.status == 403
    assert "read:notifications" in str(error)


# --- Threads -------------------------------------------------------------------------------


def test_a_thread_holds_replies_to_replies_ours_edits_and_not_deletions(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    ours = post(listener)
    first = fake.someone_replies(ours, "Is it anonymous?")
    deeper = fake.someone_replies(first, "I wondered too", handle="second", name="Sam")
    gone = fake.someone_replies(ours, "Spam")
    answer = listener.reply(ReplyTarget(first, "@reader"), "Yes, it is.", "reply-1", WHEN)
    fake.delete(gone)
    fake.edit(deeper, "I wondered too. Thanks!")
    batch = listener.thread(ours)
    by_id = {item.remote_id: item for item in batch.items}
    assert set(by_id) == {first, deeper, answer.id}
    assert all(item.post_id == ours and item.kind is HeardKind.REPLY for item in batch.items)
    assert by_id[first].in_reply_to == ours and by_id[deeper].in_reply_to == first
    assert by_id[answer.id].in_reply_to == first and by_id[answer.id].ours
    assert by_id[answer.id].text == "@reader Yes, it is."
    assert not by_id[first].ours and not by_id[deeper].ours
    assert by_id[deeper].text == "I wondered too. Thanks!" and by_id[deeper].edited
    assert by_id[first].edited is None and batch.cursor is None
    listener.thread(ours)
    assert calls(fake, path="/api/v1/accounts/verify_credentials") == 1  # asked once


def test_the_thread_of_a_deleted_post_is_empty(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    ours = post(listener)
    fake.someone_replies(ours, "Hello")
    fake.delete(ours)
    assert listener.thread(ours).items == []


def test_hostile_text_comes_back_as_plain_text(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    ours = post(listener)
    typed = fake.someone_replies(ours, 'Hi <script>alert("x")</script> & <b>bye</b>')
    sent = fake.someone_replies(ours, "raw")
    with fake.lock:  # another server's HTML, sanitised less than Mastodon's own
        fake.statuses[sent]["content"] = (
            '<p>Hi<script>alert("x")</script> <b>there</b> <a href="https://evil.example/a/'
            'long/path?q=1">evil.example/a/long\u2026</a><img src="x" onerror="alert(1)"></p>'
            '<p><a href="https://nhs.example/info">read this</a><br/>&lt;i&gt;ok&lt;/i&gt;</p>'
        )
    items = {item.remote_id: item for item in listener.thread(ours).items}
    assert items[typed].text == 'Hi <script>alert("x")</script> & <b>bye</b>'  # as typed
    assert items[sent].text == (
        "Hi there https://evil.example/a/long/path?q=1\n\nread this (https://nhs.example/info)"
        "\n<i>ok</i>"
    )


def test_links_are_written_out_and_mentions_and_tags_kept_as_written(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    long = "https://engage.example.nhs.uk/posts/urgent-care-in-the-county-survey"
    fake.someone_mentions(f"@engage see {long} #UrgentCare")
    (item,) = listener.notifications(None).items
    assert item.text == f"@engage see {long} #UrgentCare"


# --- Search --------------------------------------------------------------------------------


def test_a_hashtag_is_read_from_its_timeline_paged_forward(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    ours = post(listener)  # our cross-post carries #UrgentCare: marked ours
    first = listener.search("#UrgentCare", None)
    assert [(item.remote_id, item.ours) for item in first.items] == [(ours, True)]
    texts = [f"Waited hours #urgentcare {n}" for n in range(90)]
    for text in texts:
        fake.someone_posts(text)
    fake.someone_posts("Nothing to see #Elsewhere")
    before = calls(fake, path="/api/v1/timelines/tag/UrgentCare")
    second = listener.search("#UrgentCare", first.cursor)
    assert [item.text for item in second.items] == texts
    assert all(item.kind is HeardKind.TERM and item.term == "#UrgentCare" for item in second.items)
    assert calls(fake, path="/api/v1/timelines/tag/UrgentCare") - before == 3  # 40 + 40 + 10
    idle = listener.search("#UrgentCare", second.cursor)
    assert idle.items == [] and idle.cursor is None


def test_a_phrase_is_searched_back_down_to_the_cursor(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    fake.someone_posts("the waiting list is long")
    first = listener.search("waiting list", None)
    assert len(first.items) == 1 and first.cursor == first.items[0].remote_id
    texts = [f"Our waiting list, day {n}" for n in range(90)]
    for text in texts:
        fake.someone_posts(text)
    second = listener.search("waiting list", first.cursor)
    # Search answers the newest matches above min_id first: paging forward would skip 50.
    assert [item.text for item in second.items] == texts
    assert calls(fake, path="/api/v2/search") == 1 + 3
    assert second.cursor == second.items[-1].remote_id
    assert listener.search("waiting list", second.cursor).items == []
    assert set(fake.searched) == {'"waiting list"'}  # an exact phrase, not either word


# --- Counts and what is still there ----------------------------------------------------------


def test_counts_follow_reactions_replies_quotes_and_deletion(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    one, two = post(listener, 1), post(listener, 2)
    fake.react(one, likes=3, reposts=2)
    reply = fake.someone_replies(one, "Thanks")
    fake.someone_replies(reply, "Agreed")  # a reply to a reply: not one of the post's own
    fake.someone_quotes(one, "Look")
    fake.delete(two)
    counts = listener.counts([one, two])
    assert set(counts) == {one}
    assert (counts[one].likes, counts[one].reposts) == (3, 2)
    assert (counts[one].replies, counts[one].quotes) == (1, 1)


def test_many_ids_are_asked_twenty_at_a_time(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    ours = [fake.someone_posts(f"post {n}") for n in range(45)]
    fake.delete(ours[7])
    assert listener.existing(ours) == set(ours) - {ours[7]}
    assert calls(fake, path="/api/v1/statuses") == 3  # 20 + 20 + 5


def test_a_server_without_the_multiple_form_is_asked_one_by_one(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    fake.multiple = False  # before Mastodon 4.3
    one, two = post(listener, 1), post(listener, 2)
    fake.react(two, likes=1)
    fake.delete(one)
    assert listener.counts([one, two]) == {two: listener.counts([two])[two]}
    assert listener.counts([two])[two].likes == 1
    assert calls(fake, path="/api/v1/statuses") == 1  # tried once, then remembered


# --- Replying ------------------------------------------------------------------------------


def test_reply_text_names_the_author_once() -> None:
    listener = MastodonListener("https://mastodon.example", "token")
    target = ReplyTarget("1", "@reader@other.example")
    assert listener.reply_text(target, "Thank you") == "@reader@other.example Thank you"
    assert listener.reply_text(target, "Thanks @Reader@other.example!") == (
        "Thanks @Reader@other.example!"
    )
    local = ReplyTarget("1", "reader")
    assert listener.reply_text(local, "Hi @reader@other.example") == (
        "@reader Hi @reader@other.example"
    )
    assert listener.reply_text(ReplyTarget("1"), "Hi") == "Hi"


def test_the_reply_is_counted_as_mastodon_counts_it() -> None:
    listener = MastodonListener("https://mastodon.example", "token")
    target = ReplyTarget("1", "@reader@a-very-long-server-name.example")
    text = listener.reply_text(target, "x" * 492)
    # The mention counts without its domain (@reader, 7) and a space: 500, Mastodon's limit.
    assert listener.rules.count(text) == 500 and listener.rules.fits(text)
    assert not listener.rules.fits(listener.reply_text(target, "x" * 493))


def test_a_reply_is_made_once_in_the_thread_and_found_after_a_lost_answer(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    ours = post(listener)
    question = fake.someone_replies(ours, "Where is the survey?", handle="reader@other.example")
    target = ReplyTarget(question, "@reader@other.example", {"visibility": "public"})
    assert listener.find_reply(target, "It is linked above.") is None
    fake.lose_next(path="/api/v1/statuses")
    assert error_of(listener.reply, target, "It is linked above.", "reply-9", WHEN).transient
    found = listener.find_reply(target, "It is linked above.")
    assert found is not None
    again = listener.reply(target, "It is linked above.", "reply-9", WHEN)  # same key
    assert again == found
    assert fake.our_replies(question) == ["@reader@other.example It is linked above."]
    assert fake.posts[-1]["form"]["visibility"] == "public"
    assert fake.posts[-1]["form"]["in_reply_to_id"] == question
    assert listener.find_reply(target, "Something else") is None


def test_a_private_mention_is_answered_privately(
    fake: FakeMastodon, listener: MastodonListener
) -> None:
    secret = fake.someone_mentions("@engage my GP said no", private=True)
    (heard,) = listener.notifications(None).items
    listener.reply(ReplyTarget(secret, heard.handle, heard.reply_to), "Sorry", "r-1", WHEN)
    # Without the visibility kept, the listener reads it rather than answer in public.
    listener.reply(ReplyTarget(secret, heard.handle), "Sorry again", "r-2", WHEN)
    assert [p["form"]["visibility"] for p in fake.posts] == ["direct", "direct"]
    assert fake.our_replies(secret) == ["@reader Sorry", "@reader Sorry again"]
