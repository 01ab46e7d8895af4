"""The feeds parse, and each entry carries what cross-posting needs: a stable id, title, absolute
link, summary, publication time and tags."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urldefrag

import feedparser
import pytest

SITE = "http://127.0.0.1:8000"
FEEDS = [
    "feeds/all.atom.xml",
    "feeds/all.rss.xml",
    "feeds/news.atom.xml",
    "feeds/health-advice.atom.xml",
    "feeds/have-your-say.atom.xml",
    "feeds/consultations.atom.xml",
]


@pytest.mark.parametrize("name", FEEDS)
def test_feed_entries_have_what_crossposting_needs(built_site: Path, name: str) -> None:
    feed = feedparser.parse((built_site / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries, f"{name} has no entries"
    for entry in feed.entries:
        assert entry.get("id"), entry
        assert entry.title
        # A commitment's change of status links to its row: #commitment-<id>.
        page = urldefrag(entry.link).url
        assert entry.link.startswith(f"{SITE}/") and page.endswith("/")
        assert entry.summary
        assert entry.published_parsed
        assert entry.get("tags"), f"{entry.title} has no tags (hashtags come from them)"


def test_all_feed_holds_every_post_and_consultation(built_site: Path, manifest: dict) -> None:
    feed = feedparser.parse((built_site / "feeds/all.atom.xml").read_bytes())
    published = {f"{SITE}{p['url']}" for p in manifest["pages"] if p["kind"] != "page"}
    assert {entry.link for entry in feed.entries} == published


def test_consultations_feed_holds_only_consultations(built_site: Path, manifest: dict) -> None:
    """Each consultation in the site's language, and each change in one of its commitments
    (tests/engagement/test_commitments.py); a consultation's other versions are in their
    language's feed."""
    feed = feedparser.parse((built_site / "feeds/consultations.atom.xml").read_bytes())
    site_language = manifest["site"]["language"]
    expected = {
        f"{SITE}{p['url']}"
        for p in manifest["pages"]
        if p["kind"] == "consultation" and p["lang"] == site_language
    }
    assert {urldefrag(entry.link).url for entry in feed.entries} == expected
    assert expected <= {entry.link for entry in feed.entries}


def test_entry_ids_do_not_change_between_builds(built_site: Path, make_site) -> None:
    """Cross-posting identifies entries by id: a rebuild must not mint new ones."""
    first = feedparser.parse((built_site / "feeds/all.atom.xml").read_bytes())
    from fixtures.site import ROOT, run_pelican

    again = run_pelican(ROOT / "content", built_site.parent / "again", built_site.parent / "cache2")
    assert again.returncode == 0, again.log
    second = feedparser.parse((again.output / "feeds/all.atom.xml").read_bytes())
    assert [e.id for e in first.entries] == [e.id for e in second.entries]
