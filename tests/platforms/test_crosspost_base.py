"""The base every platform client stands on: each platform's module states its facts once (name,
counting rules, settings, how a retry is made safe, how far back find() looks), one
from_environment serves all five, and a client that misstates them is refused when it is made."""

from __future__ import annotations

import importlib
import types
from typing import Any

import pytest

import platforms
from contract.vocabulary import PLATFORMS, Platform
from platforms import PlatformClient
from platforms.base import Idempotency, Rules
from platforms.settings import REQUIRED, Setting
from platforms.values import Composed, PostedRef

pytestmark = pytest.mark.usefixtures("loopback_only")


@pytest.mark.parametrize("name", PLATFORMS)
def test_a_platform_is_one_module(name: str) -> None:
    client = platforms.load(name)
    module = importlib.import_module(f"platforms.{name}")
    assert client is module.CLIENT and issubclass(client, PlatformClient)
    assert client.__module__ == module.__name__
    assert client.name is Platform(name)
    assert client.rules.count is module.length, "the platform's own count, in its own module"
    assert all(s.name.startswith(f"ENGAGE_{name.upper()}_") for s in client.settings)


# limit, hashtags, idempotency, look-back: what README "Cross-posting" tells staff.
FACTS = {
    "mastodon": (500, 4, Idempotency.KEY, 40),
    "bluesky": (300, 2, Idempotency.RECORD_KEY, None),
    "x": (280, 2, Idempotency.LOOK_FIRST, 20),
    "facebook": (63_206, 3, Idempotency.LOOK_FIRST, 25),
    "linkedin": (3_000, 3, Idempotency.LOOK_FIRST, 20),
}


@pytest.mark.parametrize("name", PLATFORMS)
def test_each_platforms_facts(name: str) -> None:
    client = platforms.load(name)
    facts = (client.rules.limit, client.rules.max_hashtags, client.idempotency, client.look_back)
    assert facts == FACTS[name]


def test_what_each_platform_takes_beyond_a_length() -> None:
    rules = {name: platforms.load(name).rules for name in PLATFORMS}
    assert {name for name, r in rules.items() if r.max_bytes} == {"bluesky"}
    assert rules["bluesky"].max_bytes == 3000
    assert {name for name, r in rules.items() if r.facets} == {"bluesky"}
    assert {name for name, r in rules.items() if r.little} == {"linkedin"}
    assert {name for name, r in rules.items() if not r.link_in_text} == {"facebook"}
    assert {name for name, r in rules.items() if r.card} == {"bluesky", "facebook", "linkedin"}


def test_rules_fit_by_count_by_bytes_and_by_a_servers_own_limit() -> None:
    bluesky, mastodon = platforms.load("bluesky").rules, platforms.load("mastodon").rules
    assert bluesky.fits("a" * 300) and not bluesky.fits("a" * 301)
    heavy = "e" + "\u0301" * 5  # one grapheme, 11 bytes: 300 of them are 3,300 bytes
    assert bluesky.count(heavy * 300) == 300
    assert not bluesky.fits(heavy * 300), "within 300 graphemes, over 3,000 bytes"
    assert not mastodon.fits("a" * 600)
    assert mastodon.fits("a" * 600, limit=1000), "a server that allows more"


CLIENT_SETTINGS = {
    "mastodon": {"ENGAGE_MASTODON_URL": "http://127.0.0.1:9", "ENGAGE_MASTODON_TOKEN": "t"},
    "bluesky": {"ENGAGE_BLUESKY_HANDLE": "a.example", "ENGAGE_BLUESKY_APP_PASSWORD": "p"},
    "x": {f"ENGAGE_X_{part}": "v" for part in ("API_KEY", "API_SECRET", "ACCESS_TOKEN")}
    | {"ENGAGE_X_ACCESS_SECRET": "v"},
    "facebook": {"ENGAGE_FACEBOOK_PAGE_ID": "1", "ENGAGE_FACEBOOK_TOKEN": "t"},
    "linkedin": {"ENGAGE_LINKEDIN_TOKEN": "t", "ENGAGE_LINKEDIN_AUTHOR": "urn:li:organization:1"},
}


@pytest.mark.parametrize("name", PLATFORMS)
def test_a_repeat_is_safe_only_where_the_platform_makes_it_so(name: str) -> None:
    """Bluesky's record key always; Mastodon's Idempotency-Key for the hour it lasts, so within
    a run but not after an earlier one; X, Facebook and LinkedIn never (find() looks first)."""
    client = platforms.load(name).from_environment(CLIENT_SETTINGS[name])
    assert client is not None
    expected = {"mastodon": (True, False), "bluesky": (True, True)}.get(name, (False, False))
    assert (client.repeat_is_safe(same_run=True), client.repeat_is_safe(same_run=False)) == (
        expected
    )


def test_load_refuses_an_unknown_platform() -> None:
    with pytest.raises(KeyError, match="no such platform: 'myspace'"):
        platforms.load("myspace")


# --- A client of our own making -------------------------------------------------------------


class Made(PlatformClient):
    """What from_environment hands to a constructor."""

    name = Platform.X
    rules = Rules(limit=10, count=len, max_hashtags=1)
    settings = (
        Setting("ENGAGE_X_URL", "https://x.example", "address"),
        Setting("ENGAGE_X_API_KEY", REQUIRED, "key"),
    )
    idempotency = Idempotency.LOOK_FIRST
    look_back = 5

    def __init__(self, url: str, api_key: str, *, timeout: float = 1.0) -> None:
        self.url, self.api_key = url, api_key

    def publish(self, composed: Composed, key: str) -> PostedRef:
        raise NotImplementedError

    def find(self, composed: Composed) -> PostedRef | None:
        return None


def test_from_environment_hands_each_setting_to_its_keyword() -> None:
    assert Made.argument(Made.settings[1]) == "api_key"
    assert Made.missing({}) == ["ENGAGE_X_API_KEY"]
    assert Made.from_environment({}) is None
    assert Made.from_environment({"ENGAGE_X_API_KEY": "  "}) is None, "blank is unset"
    made = Made.from_environment({"ENGAGE_X_API_KEY": " k "})
    assert made is not None and (made.url, made.api_key) == ("https://x.example", "k")
    made = Made.from_environment({"ENGAGE_X_API_KEY": "k", "ENGAGE_X_URL": "http://127.0.0.1:1"})
    assert made is not None and made.url == "http://127.0.0.1:1"
    assert made.max_characters() is None, "no platform limit of its own unless it says"


def broken(**changes: Any) -> type[PlatformClient]:
    """A subclass of Made's facts with `changes` (None deletes an attribute)."""
    body = {key: value for key, value in vars(Made).items() if not key.startswith("__")}
    body["__init__"] = Made.__init__
    body.update(changes)
    body = {key: value for key, value in body.items() if value is not None}
    return types.new_class("Broken", (PlatformClient,), exec_body=lambda ns: ns.update(body))


def needs_handle(self: object, url: str, api_key: str, handle: str) -> None:
    pass


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "myspace"}, "'myspace' is not a platform"),
        (
            {"settings": (Setting("ENGAGE_MASTODON_TOKEN", REQUIRED, "token"),)},
            "ENGAGE_MASTODON_TOKEN does not start ENGAGE_X_",
        ),
        (
            {"settings": (*Made.settings, Setting("ENGAGE_X_SECRET", REQUIRED, "secret"))},
            "takes no 'secret' for ENGAGE_X_SECRET",
        ),
        ({"__init__": needs_handle}, "needs handle, which no setting gives"),
        ({"look_back": None}, "does not say its look_back"),
        ({"idempotency": None}, "does not say its idempotency"),
    ],
)
def test_a_client_that_misstates_its_platform_is_refused_when_made(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        broken(**changes)


def test_a_client_must_publish_and_find() -> None:
    without = broken(publish=None)
    with pytest.raises(TypeError, match="publish"):
        without.from_environment({"ENGAGE_X_API_KEY": "k"})
