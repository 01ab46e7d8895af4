"""The machine-readable views the workspace page reads: `--report` (the preview with the run's
notes, each post as sent and as read, counted against its limit) and `--history` (the ledger,
newest first, with the posts' addresses and why a post failed), against the loopback fakes."""

from __future__ import annotations

import contextlib
import json

import pytest

from contract.vocabulary import PLATFORMS
from crosspost.ledger import Ledger
from fixtures.crosspost_feeds import SITE, run, write_feed

pytestmark = pytest.mark.usefixtures("loopback_only")


def report(env, feed, capsys, *args: str) -> dict:
    assert run(env, feed, "--report", *args) == 0
    return json.loads(capsys.readouterr().out)


def history(env, feed, capsys, *args: str) -> list[dict]:
    assert run(env, feed, "--history", "--json", *args) == 0
    return json.loads(capsys.readouterr().out)


def test_a_first_run_report_shows_the_newest_entry_as_an_example(env, fakes, tmp_path, capsys):
    feed = write_feed(tmp_path / "feed.xml", [1, 2, 3])
    found = report(env, feed, capsys)
    assert found["first_run"] is True and found["seen"] == 3
    assert found["entries"] == [] and found["refused"] is None
    [example] = found["example"]
    assert example["url"] == f"{SITE}/blog/post-3/" and example["not_public"] is None
    assert [post["platform"] for post in example["posts"]] == list(PLATFORMS)
    with contextlib.closing(Ledger(env["DATABASE_URL"])) as ledger:
        assert ledger.is_empty(), "a report writes nothing"


def test_the_report_has_each_post_as_read_with_its_count_and_why_it_is_skipped(
    env, fakes, tmp_path, capsys
):
    run(env, write_feed(tmp_path / "feed.xml", [1]), "--post")
    capsys.readouterr()
    title = "Urgent care &lt;b&gt;now&lt;/b&gt; &amp; later"  # the title's text has "<b>" in it
    feed = write_feed(tmp_path / "feed.xml", [1, 2], {2: title})
    without_x = {k: v for k, v in env.items() if not k.startswith("ENGAGE_X_")}
    found = report(without_x, feed, capsys)
    assert found["first_run"] is False and found["example"] == []
    [item] = found["entries"]
    assert item["title"] == "Urgent care <b>now</b> & later"
    posts = {post["platform"]: post for post in item["posts"]}
    assert posts["x"]["action"] == "skip"
    assert posts["x"]["detail"].startswith("no credentials: set ENGAGE_X_API_KEY")
    assert posts["mastodon"]["action"] == "post" and posts["mastodon"]["limit"] == 500
    assert posts["x"]["limit"] == 280 and posts["bluesky"]["limit"] == 300
    assert all(post["length"] <= post["limit"] for post in posts.values())
    assert all(post["link"] == f"{SITE}/blog/post-2/?via={name}" for name, post in posts.items())
    assert posts["facebook"]["link_attached"] and not posts["mastodon"]["link_attached"]
    # LinkedIn is sent its "little" format; the report shows what its readers will read.
    assert "{hashtag|\\#|UrgentCare}" in posts["linkedin"]["text"]
    assert "\\<b\\>" in posts["linkedin"]["text"]
    assert posts["linkedin"]["shown"].endswith("\n\n#UrgentCare")
    assert posts["linkedin"]["shown"].startswith("Urgent care <b>now</b> & later\n")
    assert sum(len(fake.posts) for fake in fakes.values()) == 0, "a report posts nothing"


def test_a_feed_with_local_links_is_refused_in_the_report(env, fakes, tmp_path, capsys):
    run(env, write_feed(tmp_path / "feed.xml", [1]), "--post")
    capsys.readouterr()
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    local = (tmp_path / "feed.xml").read_text().replace(SITE, "http://127.0.0.1:8000")
    (tmp_path / "feed.xml").write_text(local)
    found = report(env, feed, capsys)
    assert found["refused"].startswith("Would not be posted: 127.0.0.1 is not a public address")
    assert "publishconf.py" in found["refused"]
    assert found["entries"][0]["not_public"] == "127.0.0.1 is not a public address"


def test_history_lists_posts_newest_first_with_their_addresses_and_failures(
    env, fakes, tmp_path, capsys
):
    run(env, write_feed(tmp_path / "feed.xml", [1]), "--post")
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    fakes["facebook"].fail_next(1, 400, path=fakes["facebook"].publish_path)
    assert run(env, feed, "--post") == 1
    capsys.readouterr()
    items = history(env, feed, capsys)
    assert len(items) == len(PLATFORMS)
    by_platform = {item["platform"]: item for item in items}
    assert by_platform["facebook"]["status"] == "failed"
    assert by_platform["facebook"]["reason"] and not by_platform["facebook"]["retrying"]
    assert by_platform["mastodon"]["status"] == "posted"
    assert by_platform["mastodon"]["post_url"].startswith("http")
    assert by_platform["mastodon"]["title"] == "Post number 2 about local health services"
    assert by_platform["mastodon"]["url"] == f"{SITE}/blog/post-2/"
    assert items[0]["updated"] >= items[-1]["updated"], "newest first"

    assert run(env, feed, "--history") == 0
    table = capsys.readouterr().out
    assert "failed   facebook" in table and by_platform["mastodon"]["post_url"] in table

    # Retry for one entry on one platform posts that one, once.
    args = ("--post", "--retry-failed", "--entry", f"{SITE}/blog/post-2/")
    assert run(env, feed, *args, "--platform", "facebook") == 0
    assert len(fakes["facebook"].posts) == 1
    assert run(env, feed, *args, "--platform", "facebook") == 0
    assert len(fakes["facebook"].posts) == 1
    capsys.readouterr()
    statuses = {item["status"] for item in history(env, feed, capsys)}
    assert statuses == {"posted"}


def test_history_without_a_feed_still_lists_the_ledger(env, fakes, tmp_path, capsys):
    assert run(env, str(tmp_path / "missing.xml"), "--history") == 0
    out, err = capsys.readouterr()
    assert "Nothing posted yet" in out and "cannot read" in err


def test_report_and_history_only_show(env, tmp_path, capsys):
    feed = write_feed(tmp_path / "feed.xml", [1])
    assert run(env, feed, "--post", "--report") == 2
    assert "leave out --post" in capsys.readouterr().err
