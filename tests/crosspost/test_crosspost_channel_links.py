"""The channel marker on cross-posted links: each platform's post says where it was posted
(`?via=mastodon`) in its text, facets and card, the editor's own link is marked where it stands,
and markers can be renamed or switched off."""

from __future__ import annotations

import datetime

import pytest

from contract.vocabulary import PLATFORMS
from crosspost.compose import compose, rules
from platforms.values import Entry

URL = "https://engage.example.nhs.uk/blog/urgent-care-plans-vale-cross/"
PUBLISHED = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)


def entry(*, url: str = URL, text: dict[str, str] | None = None) -> Entry:
    return Entry(
        "tag:engage,2026:1",
        url,
        "Our plans for urgent care in Vale Cross",
        "We are proposing an urgent treatment centre.",
        PUBLISHED,
        ("#UrgentCare", "#ValeCross"),
        text or {},
    )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_link_says_which_platform_it_was_posted_on(platform):
    post = compose(entry(), platform, via="via")
    assert post.link == f"{URL}?via={platform}"
    if rules(platform).link_in_text:
        assert post.text.count(post.link) == 1 and URL + " " not in post.text
    if post.card:
        assert post.card["uri"] == post.link
    for facet in post.facets:
        if "uri" in facet:
            assert facet["uri"] == post.link
            shown = post.text.encode()[facet["start"] : facet["end"]].decode()
            assert shown == post.link
    assert post.length <= post.limit


def test_the_editors_own_link_is_marked_where_the_editor_put_it():
    own = f"Tell us what you think: {URL} before Friday."
    post = compose(entry(text={"mastodon": own}), "mastodon", via="via")
    assert post.text.startswith(f"Tell us what you think: {URL}?via=mastodon before Friday.")
    assert post.text.count("https://") == 1


def test_a_marked_link_keeps_its_own_query_and_fragment_and_a_marker_is_replaced():
    url = "https://engage.example.nhs.uk/consultations/x/?lang=cy&via=old#questionnaire"
    post = compose(entry(url=url), "bluesky", via="via")
    assert post.link == (
        "https://engage.example.nhs.uk/consultations/x/?lang=cy&via=bluesky#questionnaire"
    )


def test_markers_off_or_another_parameter_name():
    assert compose(entry(), "x").link == URL
    assert compose(entry(), "x", via=None).link == URL
    assert compose(entry(), "x", via="src").link == f"{URL}?src=x"
