"""What the cross-poster shows and refuses before anything is posted: links that only work on
the machine that built the site are never posted; a first run shows how the newest entry would
look instead of only "nothing new"; each post is shown as its readers will see it (LinkedIn's
hashtags as #UrgentCare, the link Facebook attaches)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosspost.addresses import not_public
from crosspost.ledger import Ledger
from fixtures.crosspost_feeds import run, write_feed

pytestmark = pytest.mark.usefixtures("loopback_only")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/blog/post-1/",
        "http://localhost:8000/blog/post-1/",
        "http://[::1]/x",
        "http://10.1.2.3/x",
        "http://192.168.0.5/x",
        "http://172.16.9.9/x",
        "http://169.254.1.1/x",
        "http://intranet/x",
        "http://engage.local/x",
        "https://site.internal/x",
        "https://site.test/x",
        "ftp://example.nhs.uk/x",
        "/blog/post-1/",
    ],
)
def test_addresses_people_elsewhere_cannot_open_are_not_public(url: str) -> None:
    assert not_public(url)


@pytest.mark.parametrize(
    "url", ["https://engage.example.nhs.uk/blog/x/", "https://www.nhs.uk/", "http://8.8.8.8/"]
)
def test_public_addresses_are(url: str) -> None:
    assert not_public(url) is None


def local_feed(tmp_path: Path) -> str:
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    text = Path(feed).read_text(encoding="utf-8")
    Path(feed).write_text(text.replace("https://engage.example.nhs.uk", "http://127.0.0.1:8000"))
    return feed


def test_a_development_build_is_refused_with_what_to_do(env, fakes, tmp_path, capsys) -> None:
    feed = local_feed(tmp_path)
    assert run(env, feed, "--post", "--backfill", "1") == 2
    said = capsys.readouterr().err
    assert "127.0.0.1 is not a public address" in said and "invoke publish" in said
    assert all(not fake.posts for fake in fakes.values()), "nothing posted"
    ledger = Ledger(env["DATABASE_URL"])
    try:
        assert ledger.is_empty(), "nothing recorded either: the real build posts normally"
    finally:
        ledger.close()
    assert run(env, feed, "--backfill", "1") == 0, "the preview still shows it, with the reason"
    out = capsys.readouterr().out
    assert out.startswith("Would not be posted: 127.0.0.1 is not a public address")


def test_a_first_run_preview_shows_how_the_newest_entry_would_look(env, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1, 2, 3])
    assert run(env, feed) == 0
    out = capsys.readouterr().out
    assert "First run: 3 entries already in the feed recorded as seen" in out
    assert "This is how the newest entry would be posted" in out
    assert "Nothing new to post." not in out
    assert "Post number 3 about local health services" in out
    assert "Post number 2" not in out
    assert "would post" in out


def test_a_later_run_with_nothing_new_says_so(env, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    assert run(env, feed, "--post") == 0
    capsys.readouterr()
    assert run(env, feed) == 0
    out = capsys.readouterr().out
    assert "Nothing new to post." in out and "would be posted" not in out


def test_posts_are_shown_as_readers_see_them(env, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed)
    out = capsys.readouterr().out
    facebook, linkedin = (
        out[out.index("  facebook") : out.index("  linkedin")],
        out[out.index("  linkedin") :],
    )
    assert "#UrgentCare" in linkedin and "{hashtag" not in linkedin and "\\" not in linkedin
    assert "link attached (shown as a card): https://engage.example.nhs.uk/blog/post-1/" in (
        facebook
    )
    assert "link attached" not in linkedin, "LinkedIn's link is in the text"
