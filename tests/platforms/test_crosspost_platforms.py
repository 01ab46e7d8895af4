"""The five platform clients against loopback fakes of their platforms: what each posts, the
reference it returns, finding a post again, retries that cannot double-post, and which failures
are worth retrying (Bluesky's own cases: test_crosspost_bluesky.py). Nothing may leave 127.0.0.1."""

from __future__ import annotations

import socket

import pytest

import platforms
from contract.vocabulary import PLATFORMS
from fixtures.fake_platforms.rig import SITE, Rig, compose, one, refusal
from platforms import PlatformClient, linkedin
from platforms.bluesky import BlueskyClient
from platforms.facebook import FacebookClient
from platforms.linkedin import LinkedInClient
from platforms.mastodon import MastodonClient
from platforms.x import XClient

pytestmark = pytest.mark.usefixtures("loopback_only")


# --- Every platform -----------------------------------------------------------------------------


def test_publish_makes_one_post_and_find_finds_it(rig: Rig) -> None:
    client = rig.client()
    assert client.name == rig.name
    assert client.find(compose(rig.name)) is None  # nothing posted yet
    ref = client.publish(compose(rig.name), "key-1")
    assert len(rig.fake.posts) == 1
    assert ref.platform == rig.name and ref.id and ref.url
    assert client.find(compose(rig.name)) == ref
    # Entry 2's address begins with entry 1's: a substring match would wrongly find it.
    assert client.find(compose(rig.name, 2)) is None


def test_rate_limit_is_transient_with_the_wait(rig: Rig) -> None:
    rig.fake.fail_next(status=429, retry_after=120, path=rig.fake.publish_path)
    error = refusal(rig.client().publish, compose(rig.name), "key-1")
    assert error.transient
    assert error.retry_after is not None and 119 <= error.retry_after <= 121, error
    assert rig.fake.posts == []


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_transient(rig: Rig, status: int) -> None:
    rig.fake.fail_next(status=status, path=rig.fake.publish_path)
    error = refusal(rig.client().publish, compose(rig.name), "key-1")
    assert error.transient, error
    assert rig.fake.posts == []


def test_unreachable_platform_is_transient(rig: Rig) -> None:
    with socket.socket() as probe:  # a port nobody listens on once this closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url_setting = next(name for name in rig.fake.settings() if name.endswith("_URL"))
    client = rig.client(**{url_setting: f"http://127.0.0.1:{port}"})
    assert refusal(client.publish, compose(rig.name), "key-1").transient


def test_wrong_credentials_are_not_transient(rig: Rig) -> None:
    client = rig.client(**{rig.fake.credential: "wrong"})
    error = refusal(client.publish, compose(rig.name), "key-1")
    assert not error.transient and error.retry_after is None, error
    assert rig.fake.posts == []


def test_bad_request_is_not_transient(rig: Rig) -> None:
    rig.fake.fail_next(status=400, path=rig.fake.publish_path)
    assert not refusal(rig.client().publish, compose(rig.name), "key-1").transient


MISSING = [
    (MastodonClient, {}, ["ENGAGE_MASTODON_URL", "ENGAGE_MASTODON_TOKEN"]),
    (MastodonClient, {"ENGAGE_MASTODON_URL": "https://m.example"}, ["ENGAGE_MASTODON_TOKEN"]),
    (BlueskyClient, {}, ["ENGAGE_BLUESKY_HANDLE", "ENGAGE_BLUESKY_APP_PASSWORD"]),
    (BlueskyClient, {"ENGAGE_BLUESKY_HANDLE": "a.example", "ENGAGE_BLUESKY_APP_PASSWORD": " "},
     ["ENGAGE_BLUESKY_APP_PASSWORD"]),
    (XClient, {"ENGAGE_X_API_KEY": "k", "ENGAGE_X_API_SECRET": "s"},
     ["ENGAGE_X_ACCESS_TOKEN", "ENGAGE_X_ACCESS_SECRET"]),
    (FacebookClient, {"ENGAGE_FACEBOOK_TOKEN": "t"}, ["ENGAGE_FACEBOOK_PAGE_ID"]),
    (LinkedInClient, {"ENGAGE_LINKEDIN_URL": "https://l.example"},
     ["ENGAGE_LINKEDIN_TOKEN", "ENGAGE_LINKEDIN_AUTHOR"]),
    (BlueskyClient, {"ENGAGE_BLUESKY_HANDLE": "a.example", "ENGAGE_BLUESKY_APP_PASSWORD": "p"},
     []),
]  # fmt: skip


@pytest.mark.parametrize(("client", "env", "expected"), MISSING)
def test_missing_settings_are_named(
    client: type[PlatformClient], env: dict, expected: list
) -> None:
    assert client.missing(env) == expected
    # Settings with defaults (Bluesky's PDS) need not be set; making a client calls nobody.
    assert (client.from_environment(env) is None) == bool(expected)


@pytest.mark.parametrize("name", PLATFORMS)
def test_each_platform_loads_by_name(name: str) -> None:
    client = platforms.load(name)
    assert client.name == name
    assert {s.name.split("_")[1] for s in client.settings} == {name.upper()}
    assert client.missing({}) == [s.name for s in client.settings if s.default is None]


# --- Mastodon -----------------------------------------------------------------------------------


@one("mastodon")
def test_mastodon_status(rig: Rig) -> None:
    ref = rig.client().publish(compose("mastodon"), "entry-1-mastodon")
    [post] = rig.fake.posts
    assert post["text"] == compose("mastodon").text
    assert post["key"] == "entry-1-mastodon"
    assert (post["form"]["visibility"], post["form"]["language"]) == ("public", "en")
    status = post["status"]
    assert (ref.id, ref.url) == (status["id"], f"{rig.fake.url}/@engage/{status['id']}")


@one("mastodon")
def test_mastodon_same_key_makes_one_status(rig: Rig) -> None:
    # The first answer is lost after the server acted; the retry with the same key gets the
    # status that was made, not a second one.
    rig.fake.lose_next(status=502, path=rig.fake.publish_path)
    client = rig.client()
    assert refusal(client.publish, compose("mastodon"), "entry-1-mastodon").transient
    first = client.publish(compose("mastodon"), "entry-1-mastodon")
    assert client.publish(compose("mastodon"), "entry-1-mastodon") == first
    assert len(rig.fake.posts) == 1
    client.publish(compose("mastodon"), "another-key")
    assert len(rig.fake.posts) == 2


@one("mastodon")
def test_mastodon_max_characters(rig: Rig) -> None:
    rig.fake.max_characters = 1000
    assert rig.client().max_characters() == 1000
    rig.fake.fail_next(status=503)
    assert rig.client().max_characters() is None


@one("mastodon")
def test_mastodon_too_long_is_not_transient(rig: Rig) -> None:
    rig.fake.max_characters = 20
    error = refusal(rig.client().publish, compose("mastodon"), "k")
    assert not error.transient and "character limit" in str(error)


# --- X ------------------------------------------------------------------------------------------


@one("x")
def test_x_post(rig: Rig) -> None:
    ref = rig.client().publish(compose("x"), "unused")
    [post] = rig.fake.posts
    assert post["sent"] == compose("x").text
    assert SITE not in post["post"]["text"]  # X shows t.co; find() must use expanded_url
    assert (ref.id, ref.url) == (post["post"]["id"], f"https://x.com/i/web/status/{ref.id}")


@one("x")
def test_x_repeated_text_returns_the_earlier_post(rig: Rig) -> None:
    first = rig.client().publish(compose("x"), "k")
    assert rig.client().publish(compose("x"), "k") == first
    assert len(rig.fake.posts) == 1


# --- Facebook -----------------------------------------------------------------------------------


@one("facebook")
def test_facebook_post(rig: Rig) -> None:
    ref = rig.client().publish(compose("facebook"), "unused")
    [post] = rig.fake.posts
    assert (post["message"], post["link"]) == (compose("facebook").text, SITE)
    assert ref.id == post["id"] and ref.id.startswith(f"{rig.fake.page_id}_")
    assert ref.url == f"https://www.facebook.com/{ref.id}"


# --- LinkedIn -----------------------------------------------------------------------------------


@one("linkedin")
def test_linkedin_post(rig: Rig) -> None:
    composed = compose("linkedin")
    ref = rig.client().publish(composed, "unused")
    [post] = rig.fake.posts
    assert post == {
        "id": ref.id,
        "author": rig.fake.author,
        "commentary": composed.text,
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "content": {"article": {"source": SITE, "title": composed.card["title"],
                                "description": composed.card["description"]}},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }  # fmt: skip
    assert ref.id.startswith("urn:li:share:")
    assert ref.url == f"https://www.linkedin.com/feed/update/{ref.id}/"
    [headers] = rig.fake.headers
    assert (headers["Linkedin-Version"], headers["X-Restli-Protocol-Version"]) == (
        linkedin.VERSION,
        "2.0.0",
    )


@one("linkedin")
def test_linkedin_sunset_version_is_not_transient(rig: Rig) -> None:
    client = rig.client(ENGAGE_LINKEDIN_VERSION="202401")
    error = refusal(client.publish, compose("linkedin"), "k")
    assert not error.transient and "NONEXISTENT_VERSION" in str(error)
