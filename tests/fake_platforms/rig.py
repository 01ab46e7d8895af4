"""The rig the cross-poster's tests run on: a loopback server per platform with a fresh fake
plugged in per test, a client made from the fake's settings, a guard that fails any test reaching
beyond 127.0.0.1, and a Composed post as the composer would hand it over.

The fixtures are imported into tests/conftest.py, so any test module can ask for them.
"""

from __future__ import annotations

import contextlib
import datetime
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from platforms import PlatformClient
from platforms.bluesky import BlueskyClient
from platforms.facebook import FacebookClient
from platforms.linkedin import LinkedInClient
from platforms.mastodon import MastodonClient
from platforms.values import Composed, Entry, PlatformError
from platforms.x import XClient

from . import FakePlatform, Loopback, loopback
from .bluesky import FakeBluesky
from .facebook import FakeFacebook
from .linkedin import FakeLinkedIn
from .mastodon import FakeMastodon
from .x import FakeX

SITE = "https://engage.example.nhs.uk/posts/urgent-care"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
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
    """A fake platform on loopback, and its platform's client class."""

    name: str
    client_class: type[PlatformClient]
    fake: FakePlatform

    def client(self, **changes: str) -> PlatformClient:
        """A client made from the settings that point at the fake, with `changes`."""
        client = self.client_class.from_environment({**self.fake.settings(), **changes})
        assert client is not None, "the fake's settings make a client"
        return client


SETUP: dict[str, tuple[type[PlatformClient], type[FakePlatform]]] = {
    "mastodon": (MastodonClient, FakeMastodon),
    "bluesky": (BlueskyClient, FakeBluesky),
    "x": (XClient, FakeX),
    "facebook": (FacebookClient, FakeFacebook),
    "linkedin": (LinkedInClient, FakeLinkedIn),
}


@pytest.fixture(scope="module")
def platform_servers() -> Iterator[dict[str, Loopback]]:
    """A loopback server per platform for the module; each test plugs in a fresh fake."""
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(loopback()) for name in SETUP}


@pytest.fixture(params=list(SETUP))
def rig(request: pytest.FixtureRequest, platform_servers: dict[str, Loopback]) -> Rig:
    """One platform's fake and client; parametrised over the five unless `one(name)` says."""
    client_class, fake_class = SETUP[request.param]
    return Rig(request.param, client_class, platform_servers[request.param].plug(fake_class()))


@pytest.fixture
def fakes(platform_servers: dict[str, Loopback]) -> dict[str, FakePlatform]:
    """All five platforms' fakes, fresh for the test, each on its own loopback port."""
    return {name: platform_servers[name].plug(cls()) for name, (_, cls) in SETUP.items()}


def one(name: str) -> pytest.MarkDecorator:
    """Run a test with only that platform's rig."""
    return pytest.mark.parametrize("rig", [name], indirect=True)


def refusal(call: object, *args: object) -> PlatformError:
    with pytest.raises(PlatformError) as caught:
        call(*args)
    return caught.value
