"""Bluesky's client against its loopback fake: the record with its link and hashtag facets and
card, a record key fixed by the entry so a retry cannot post twice (for each answer a PDS gives to
a taken key), and answers lost after the PDS acted."""

from __future__ import annotations

import datetime

import pytest

from fixtures.fake_platforms.rig import SITE, Rig, compose, one, refusal
from platforms import bluesky
from platforms.values import Composed, Entry

pytestmark = pytest.mark.usefixtures("loopback_only")


@one("bluesky")
def test_bluesky_record(rig: Rig) -> None:
    composed = compose("bluesky")
    ref = rig.client().publish(composed, "unused")
    [record] = rig.fake.posts
    rkey = bluesky.record_key(composed.entry)
    assert ref.id == f"at://{rig.fake.did}/app.bsky.feed.post/{rkey}"
    assert ref.url == f"https://bsky.app/profile/{rig.fake.handle}/post/{rkey}"
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == composed.text and record["langs"] == ["en"]
    [facet] = record["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert composed.text.encode()[start:end].decode() == SITE
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": SITE}]
    assert record["embed"]["$type"] == "app.bsky.embed.external"
    external = record["embed"]["external"]
    assert (external["uri"], external["title"], external["description"]) == (
        SITE,
        composed.card["title"],
        composed.card["description"],
    )


@one("bluesky")
def test_bluesky_hashtags_are_tag_facets(rig: Rig) -> None:
    plain = compose("bluesky")
    start = plain.text.encode().index(b"#UrgentCare")
    tag = {"start": start, "end": start + len("#UrgentCare"), "tag": "UrgentCare"}
    composed = Composed(**{**vars(plain), "facets": (*plain.facets, tag)})
    rig.client().publish(composed, "unused")
    [record] = rig.fake.posts
    features = [facet["features"] for facet in record["facets"]]
    assert features[1] == [{"$type": "app.bsky.richtext.facet#tag", "tag": "UrgentCare"}]


DUPLICATE_ANSWERS = [
    (500, "InternalServerError", "Internal Server Error"),  # the reference PDS today
    (400, "RecordAlreadyExists", "Record already exists"),
    (409, "RecordAlreadyExists", "Record already exists"),
]


@one("bluesky")
@pytest.mark.parametrize("duplicate", DUPLICATE_ANSWERS)
def test_bluesky_same_entry_makes_one_record(rig: Rig, duplicate: tuple) -> None:
    rig.fake.duplicate = duplicate
    first = rig.client().publish(compose("bluesky"), "try-1")
    again = rig.client().publish(compose("bluesky"), "try-2")  # a later run, a new session
    assert again == first
    assert len(rig.fake.posts) == 1
    assert rig.fake.calls("POST", rig.fake.publish_path) == 2


@one("bluesky")
def test_bluesky_lost_answer_is_settled_by_the_record(rig: Rig) -> None:
    rig.fake.lose_next(status=502, path=rig.fake.publish_path)
    client = rig.client()
    ref = client.publish(compose("bluesky"), "k")
    assert ref.id.endswith(bluesky.record_key(compose("bluesky").entry))
    assert len(rig.fake.posts) == 1
    assert rig.fake.calls("POST", "/xrpc/com.atproto.server.createSession") == 1


@one("bluesky")
def test_bluesky_key_holding_another_post_is_an_error(rig: Rig) -> None:
    rig.client().publish(compose("bluesky", link="https://elsewhere.example/"), "k")
    error = refusal(rig.client().publish, compose("bluesky"), "k")
    assert not error.transient and "another link" in str(error)


@one("bluesky")
def test_bluesky_unreadable_after_a_failed_create_is_transient(rig: Rig) -> None:
    rig.fake.fail_next(status=400, path=rig.fake.publish_path)
    rig.fake.fail_next(status=503, path="/xrpc/com.atproto.repo.getRecord")
    assert refusal(rig.client().publish, compose("bluesky"), "k").transient


def test_record_key_is_a_tid_fixed_by_the_entry() -> None:
    first, second = compose("bluesky", 1).entry, compose("bluesky", 2).entry
    key = bluesky.record_key(first)
    assert len(key) == 13 and key[0] in "234567abcdefghij"
    assert set(key) <= set(bluesky.TID_ALPHABET)
    assert bluesky.record_key(first) == key
    assert bluesky.record_key(second) > key  # later entries sort later, as TIDs must
    value = 0
    for char in key:
        value = value * 32 + bluesky.TID_ALPHABET.index(char)
    micros = (first.published - bluesky.EPOCH) // datetime.timedelta(microseconds=1)
    assert value >> 10 == micros
    same_time = Entry("tag:other", first.url, first.title, "", first.published)
    assert bluesky.record_key(same_time)[:11] == key[:11]


@one("bluesky")
def test_bluesky_tag_too_long_for_a_facet_stays_text(rig: Rig) -> None:
    """app.bsky.richtext.facet#tag names at most 64 graphemes: a longer hashtag is posted as
    plain text, not refused with the whole post."""
    plain = compose("bluesky")
    facets = list(plain.facets)
    text = plain.text
    for name in ("A" * bluesky.TAG_MAX_GRAPHEMES, "B" * (bluesky.TAG_MAX_GRAPHEMES + 1)):
        text += " "
        start = len(text.encode())
        text += "#" + name
        facets.append({"start": start, "end": len(text.encode()), "tag": name})
    composed = Composed(**{**vars(plain), "text": text, "facets": tuple(facets)})
    rig.client().publish(composed, "unused")
    [record] = rig.fake.posts
    assert record["text"] == text
    tags = [f["features"][0].get("tag") for f in record["facets"] if "tag" in f["features"][0]]
    assert tags == ["A" * bluesky.TAG_MAX_GRAPHEMES]
