"""The five platform clients against loopback fakes of their platforms: what each posts, the
reference it returns, finding a post again, retries that cannot double-post, and which failures
are worth retrying. Nothing may leave 127.0.0.1."""

from __future__ import annotations

import contextlib
import datetime
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType

import pytest
from fake_platforms import FakePlatform, Loopback, loopback
from fake_platforms.bluesky import FakeBluesky
from fake_platforms.facebook import FakeFacebook
from fake_platforms.linkedin import FakeLinkedIn
from fake_platforms.mastodon import FakeMastodon
from fake_platforms.x import FakeX

from crosspost import platforms
from crosspost.model import PLATFORMS, Composed, Entry, PlatformError
from crosspost.platforms import bluesky, facebook, linkedin, mastodon, x

SITE = "https://engage.example.nhs.uk/posts/urgent-care"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse, and fail the test for, any lookup or connection beyond loopback (an SDK that
    resolved a handle or fetched a profile would show up here)."""
    foreign: list[object] = []
    real_connect, real_lookup = socket.socket.connect, socket.getaddrinfo

    def connect(sock: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            foreign.append(address)
            raise OSError("test: only loopback may be reached")
        real_connect(sock, address)

    def lookup(host: object, *args: object, **kwargs: object) -> object:
        if host not in LOOPBACK:
            foreign.append(host)
            raise OSError("test: only loopback may be resolved")
        return real_lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    yield
    assert foreign == []


def compose(platform: str, number: int = 1, link: str | None = None) -> Composed:
    """What the composer would hand over: a non-ASCII dash before the link, so Bluesky's facet
    byte offsets differ from character offsets. Entry 2's address extends entry 1's."""
    url = SITE if number == 1 else f"{SITE}-{number}"
    entry = Entry(
        id=f"tag:engage.example.nhs.uk,2026-11-0{number}:/posts/urgent-care-{number}",
        url=url,
        title="Have your say on urgent care",
        summary="Our survey on urgent care in the county is open until January.",
        published=datetime.datetime(2026, 11, number, 9, 30, 15, 123456, tzinfo=datetime.UTC),
        hashtags=("#UrgentCare",),
    )
    link = link or url
    text = f"Have your say on urgent care \u2013 the survey is open: {link} #UrgentCare"
    facets = ()
    if platform == "bluesky":
        start = text.encode().index(link.encode())
        facets = ({"start": start, "end": start + len(link.encode()), "uri": link},)
    card = {"uri": link, "title": entry.title, "description": entry.summary}
    return Composed(entry, platform, text, len(text), 500, link, facets, card)


@dataclass
class Rig:
    """A fake platform on loopback, and its platform's client module."""

    name: str
    module: ModuleType
    fake: FakePlatform

    def client(self, **changes: str) -> object:
        """A client made from the settings that point at the fake, with `changes`."""
        return self.module.from_environment({**self.fake.settings(), **changes})


SETUP = {
    "mastodon": (mastodon, FakeMastodon),
    "bluesky": (bluesky, FakeBluesky),
    "x": (x, FakeX),
    "facebook": (facebook, FakeFacebook),
    "linkedin": (linkedin, FakeLinkedIn),
}


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, Loopback]]:
    """A loopback server per platform for the module; each test plugs in a fresh fake."""
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(loopback()) for name in SETUP}


@pytest.fixture(params=list(SETUP))
def rig(request: pytest.FixtureRequest, servers: dict[str, Loopback]) -> Rig:
    module, fake_class = SETUP[request.param]
    return Rig(request.param, module, servers[request.param].plug(fake_class()))


def one(name: str) -> pytest.MarkDecorator:
    """Run a test with only that platform's rig."""
    return pytest.mark.parametrize("rig", [name], indirect=True)


def refusal(call: object, *args: object) -> PlatformError:
    with pytest.raises(PlatformError) as caught:
        call(*args)
    return caught.value


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
    (mastodon, {}, ["ENGAGE_MASTODON_URL", "ENGAGE_MASTODON_TOKEN"]),
    (mastodon, {"ENGAGE_MASTODON_URL": "https://m.example"}, ["ENGAGE_MASTODON_TOKEN"]),
    (bluesky, {}, ["ENGAGE_BLUESKY_HANDLE", "ENGAGE_BLUESKY_APP_PASSWORD"]),
    (bluesky, {"ENGAGE_BLUESKY_HANDLE": "a.example", "ENGAGE_BLUESKY_APP_PASSWORD": " "},
     ["ENGAGE_BLUESKY_APP_PASSWORD"]),
    (x, {"ENGAGE_X_API_KEY": "k", "ENGAGE_X_API_SECRET": "s"},
     ["ENGAGE_X_ACCESS_TOKEN", "ENGAGE_X_ACCESS_SECRET"]),
    (facebook, {"ENGAGE_FACEBOOK_TOKEN": "t"}, ["ENGAGE_FACEBOOK_PAGE_ID"]),
    (linkedin, {"ENGAGE_LINKEDIN_URL": "https://l.example"},
     ["ENGAGE_LINKEDIN_TOKEN", "ENGAGE_LINKEDIN_AUTHOR"]),
    (bluesky, {"ENGAGE_BLUESKY_HANDLE": "a.example", "ENGAGE_BLUESKY_APP_PASSWORD": "p"}, []),
]  # fmt: skip


@pytest.mark.parametrize(("module", "env", "expected"), MISSING)
def test_missing_settings_are_named(module: ModuleType, env: dict, expected: list) -> None:
    assert module.missing(env) == expected
    # Settings with defaults (Bluesky's PDS) need not be set; making a client calls nobody.
    assert (module.from_environment(env) is None) == bool(expected)


@pytest.mark.parametrize("name", PLATFORMS)
def test_each_platform_loads_by_name(name: str) -> None:
    module = platforms.load(name)
    assert {s.name.split("_")[1] for s in module.SETTINGS} == {name.upper()}
    assert module.missing({}) == [s.name for s in module.SETTINGS if s.default is None]


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


# --- Bluesky ------------------------------------------------------------------------------------


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
