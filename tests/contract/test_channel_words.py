"""The channel words: what a link's marker may say, how it is stored and named, and that no
text at all can come out of `clean` as anything but a channel's word."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract import channels

WORD = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("mastodon", "mastodon"),
        ("Mastodon", "mastodon"),
        (" poster-library ", "poster-library"),
        ("Poster Library", "poster-library"),
        ("newsletter_march.2027", "newsletter-march-2027"),
        ("qr--bus", "qr--bus"),
        ("<script>", None),
        ("javascript:alert(1)", None),
        ("é", None),
        ("", None),
        ("-", None),
        ("a" * 41, None),
        (None, None),
        (["mastodon"], None),
    ],
)
def test_clean(sent, stored):
    assert channels.clean(sent) == stored


@given(st.text(max_size=100))
def test_clean_gives_a_word_or_nothing_whatever_it_is_sent(text):
    found = channels.clean(text)
    assert found is None or WORD.fullmatch(found)


@given(st.from_regex(WORD, fullmatch=True))
def test_a_marked_link_reads_back_its_channel(word):
    url = channels.marked("https://example.nhs.uk/a/?lang=cy#top", word, "via")
    query = url.split("?", 1)[1].split("#")[0]
    assert channels.read(query, "via") == word and url.endswith("#top")


def test_read_prefers_the_setting_then_via_then_utm_source():
    assert channels.read("utm_source=mailchimp&via=poster-gp&src=event", "src") == "event"
    assert channels.read("utm_source=mailchimp&via=poster-gp", "src") == "poster-gp"
    assert channels.read("utm_source=GovDelivery", None) == "govdelivery"
    assert channels.read("via=%3Cb%3E&utm_source=newsletter", "via") == "newsletter"
    assert channels.read("", "via") is None


def test_the_setting():
    assert channels.parameter(None) == channels.parameter("") == "via"
    assert channels.parameter("src") == "src"
    assert channels.parameter("off") is channels.parameter("OFF") is None
    assert channels.marked("https://a.uk/", "x", None) == "https://a.uk/"


@pytest.mark.parametrize(
    ("channel", "label"),
    [
        ("site", "Direct to the website"),
        ("mastodon", "Mastodon"),
        ("linkedin", "LinkedIn"),
        ("poster-library", "Poster: library"),
        ("poster-vale-cross-gp", "Poster: vale cross gp"),
        ("newsletter", "Newsletter"),
        ("sms-march", "Text message: march"),
        ("mailchimp", "mailchimp"),
        (None, "Not recorded"),
    ],
)
def test_labels(channel, label):
    assert channels.label(channel) == label
