"""The organisation's reply carries the language it is written in where the caller knows it
(Mastodon's ISO 639 `language`, Bluesky's BCP 47 `langs`), else English, as before; the other
platforms take no language, but every listener accepts one."""

from __future__ import annotations

import datetime
import inspect

import pytest

from contract.vocabulary import PLATFORMS
from fixtures.fake_platforms.bluesky import FakeBluesky
from fixtures.fake_platforms.mastodon import FakeMastodon
from fixtures.fake_platforms.rig import compose
from platforms.listening import ReplyTarget, load
from platforms.listening.bluesky import BlueskyListener
from platforms.listening.mastodon import MastodonListener

pytestmark = pytest.mark.usefixtures("loopback_only")

WHEN = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_listener_takes_the_replys_language_by_name(platform: str) -> None:
    parameter = inspect.signature(load(platform).reply).parameters["language"]
    assert parameter.kind is parameter.KEYWORD_ONLY and parameter.default is None


def test_a_mastodon_reply_is_in_the_language_it_is_written_in(platform_servers) -> None:
    fake = platform_servers["mastodon"].plug(FakeMastodon())
    assert isinstance(fake, FakeMastodon)
    listener = MastodonListener.from_environment(fake.settings())
    assert listener is not None
    ours = listener.publish(compose("mastodon"), "key-1").id
    question = fake.someone_replies(ours, "Ble mae'r arolwg?", handle="darllenydd@other.example")
    target = ReplyTarget(question, "@darllenydd@other.example", {"visibility": "public"})
    listener.reply(target, "Mae'r ddolen uchod.", "reply-1", WHEN, language="cy-GB")
    listener.reply(target, "It is linked above.", "reply-2", WHEN)
    listener.reply(target, "Hostile.", "reply-3", WHEN, language="<b>cy</b>")
    sent = [(post["form"].get("language"), post["status"]["language"]) for post in fake.posts]
    assert sent[1:] == [("cy", "cy"), ("en", "en"), ("en", "en")]


def test_a_bluesky_reply_is_in_the_language_it_is_written_in(platform_servers) -> None:
    fake = platform_servers["bluesky"].plug(FakeBluesky())
    assert isinstance(fake, FakeBluesky)
    listener = BlueskyListener.from_environment(fake.settings())
    assert listener is not None
    ours = listener.publish(compose("bluesky"), "entry-1").id
    question = fake.someone_replies(ours, "Gdzie jest ankieta?", handle="czytelnik")
    heard = next(i for i in listener.notifications(None).items if i.remote_id == question)
    target = ReplyTarget(heard.remote_id, heard.handle, heard.reply_to)
    listener.reply(target, "Link jest powyżej.", "reply-1", WHEN, language="pl")
    listener.reply(target, "It is linked above.", "reply-2", WHEN + datetime.timedelta(1))
    assert [post["langs"] for post in fake.posts] == [["en"], ["pl"], ["en"]]
