"""Cross-posting runs end to end: the command against an Atom feed, a real ledger (SQLite, and
PostgreSQL when configured) and the five loopback fakes. First-run seeding, previews that write
nothing, at most one post per entry and platform, retries, and a crash between the platform call
and the ledger update for every platform, followed by a rerun: never a second post."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from contract.vocabulary import PLATFORMS
from crosspost.cli import main
from crosspost.ledger import Ledger
from fixtures.crosspost_feeds import SITE, entry, run, write_feed
from fixtures.fake_platforms import FakePlatform
from fixtures.site import ROOT

pytestmark = pytest.mark.usefixtures("loopback_only")


def posts(fakes: dict[str, FakePlatform]) -> dict[str, int]:
    return {name: len(fake.posts) for name, fake in fakes.items()}


def test_first_run_records_the_feed_and_posts_nothing(env, fakes, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1, 2, 3])
    assert run(env, feed, "--post") == 0
    assert "First run: 3 entries already in the feed recorded as seen" in capsys.readouterr().out
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 0)
    feed = write_feed(tmp_path / "feed.xml", [1, 2, 3, 4])
    assert run(env, feed, "--post") == 0
    output = capsys.readouterr().out
    assert "Posted 5, skipped 0, failed 0." in output
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 1)
    assert all(f"{SITE}/blog/post-4/" in str(fake.posts[0]) for fake in fakes.values())
    assert run(env, feed, "--post") == 0
    assert "Posted 0" in capsys.readouterr().out
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 1), "an entry is posted once"


def test_backfill_posts_the_newest_on_the_first_run(env, fakes, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1, 2, 3])
    assert run(env, feed, "--post", "--backfill", "2", "--platform", "mastodon") == 0
    statuses = [post["text"] for post in fakes["mastodon"].posts]
    assert [s for s in statuses if "/post-2/" in s] and [s for s in statuses if "/post-3/" in s]
    assert len(statuses) == 2 and "/post-2/" in statuses[0], "oldest first"
    assert posts(fakes)["x"] == 0, "--platform limits the run"
    assert run(env, feed, "--post") == 0
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 2), "the other platforms catch up"


def test_preview_writes_nothing_and_shows_every_platform(env, fakes, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed, "--post")
    capsys.readouterr()
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    without_x = {k: v for k, v in env.items() if not k.startswith("ENGAGE_X_")}
    assert run(without_x, feed) == 0
    output = capsys.readouterr().out
    assert output.startswith("Preview: nothing is posted.")
    assert "skipped: no credentials: set ENGAGE_X_API_KEY, ENGAGE_X_API_SECRET" in output
    assert output.count("would post") == 4
    assert run(without_x, feed, "--json") == 0
    preview = json.loads(capsys.readouterr().out)
    assert [item["platform"] for item in preview] == list(PLATFORMS)
    assert set(preview[0]) == {"entry", "url", "platform", "text", "length", "limit"}
    assert all(item["length"] <= item["limit"] for item in preview)
    assert preview[2]["limit"] == 280 and preview[1]["limit"] == 300
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 0)
    with contextlib.closing(Ledger(env["DATABASE_URL"])) as ledger:
        assert ledger.all_posts() == [], "a preview records nothing"


def test_missing_credentials_skip_with_one_line(env, fakes, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed, "--post")
    capsys.readouterr()
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    without = {k: v for k, v in env.items() if not k.startswith("ENGAGE_LINKEDIN_")}
    assert run(without, feed, "--post") == 0
    output = capsys.readouterr().out
    assert "Posted 4, skipped 1, failed 0." in output
    lines = [line for line in output.splitlines() if "skipped  linkedin" in line]
    assert lines == [
        "  skipped  linkedin  no credentials: set ENGAGE_LINKEDIN_TOKEN, ENGAGE_LINKEDIN_AUTHOR"
    ]
    assert run(env, feed, "--post") == 0
    assert posts(fakes)["linkedin"] == 0, "skipped when first seen stays skipped"


def test_max_per_run_stops_a_flood(env, fakes, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed, "--post")
    feed = write_feed(tmp_path / "feed.xml", [1, 2, 3, 4])
    assert run(env, feed, "--post", "--max-per-run", "2", "--platform", "facebook") == 0
    assert "1 entry held back for the next run" in capsys.readouterr().out
    assert [p["link"] for p in fakes["facebook"].posts] == [
        f"{SITE}/blog/post-2/?via=facebook",
        f"{SITE}/blog/post-3/?via=facebook",
    ]
    run(env, feed, "--post", "--platform", "facebook")
    assert len(fakes["facebook"].posts) == 3


def test_an_edited_entry_is_not_posted_again(env, fakes, tmp_path) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed, "--post")
    run(env, write_feed(tmp_path / "feed.xml", [1, 2]), "--post")
    edited = write_feed(tmp_path / "feed.xml", [1, 2], {2: "A new title for post 2"})
    assert run(env, edited, "--post") == 0
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 1)


def test_one_entry_by_address(env, fakes, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed, "--post")
    feed = write_feed(tmp_path / "feed.xml", [1, 2, 3])
    assert run(env, feed, "--post", "--entry", f"{SITE}/blog/post-3/") == 0
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 1)
    assert "/post-3/" in str(fakes["x"].posts[0])
    assert run(env, feed, "--entry", f"{SITE}/blog/nope/") == 2
    assert "no entry with the address" in capsys.readouterr().err


def test_rate_limits_and_server_errors_are_retried(env, fakes, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed, "--post")
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    fakes["x"].fail_next(1, 429, retry_after=1, path=fakes["x"].publish_path)
    fakes["linkedin"].fail_next(1, 503, path=fakes["linkedin"].publish_path)
    assert run(env, feed, "--post") == 0
    assert "trying again in" in capsys.readouterr().err
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 1)


def test_a_refusal_fails_the_run_and_is_not_retried(env, fakes, tmp_path, capsys) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed, "--post")
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    fakes["facebook"].fail_next(1, 400, path=fakes["facebook"].publish_path)
    assert run(env, feed, "--post") == 1
    output = capsys.readouterr().out
    assert "Posted 4, skipped 0, failed 1." in output and "FAILED   facebook" in output
    assert run(env, feed, "--post") == 0
    assert posts(fakes)["facebook"] == 0
    with contextlib.closing(Ledger(env["DATABASE_URL"])) as ledger:
        row = ledger.post(entry(2)["id"], "facebook")
    assert row.state == "failed" and row.reason
    assert run(env, feed, "--post", "--retry-failed") == 0, "after fixing the cause"
    assert posts(fakes)["facebook"] == 1


def test_a_feed_that_cannot_be_read_is_a_clear_error(env, tmp_path, capsys) -> None:
    assert run(env, str(tmp_path / "missing.xml")) == 2
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "bad.xml").write_text("not a feed at all <")
    assert run(env, str(tmp_path / "bad.xml")) == 2


def test_the_sample_site_feed_and_manifest(env, fakes, built_site, capsys) -> None:
    """The built feed with the manifest's own words for each platform, in each language (the
    five newest: the Polish post, then posts and consultations with their translations)."""
    feed, manifest = str(built_site / "feeds/all.atom.xml"), str(built_site / "engagement.json")
    assert main(["--feed", feed, "--manifest", manifest, "--backfill", "5", "--json"], env) == 0
    preview = json.loads(capsys.readouterr().out)
    bluesky = {
        item["url"].removeprefix("http://127.0.0.1:8000"): item
        for item in preview
        if item["platform"] == "bluesky"
    }
    english = bluesky["/blog/urgent-care-plans-vale-cross/"]
    assert english["text"].startswith("We're proposing a new urgent treatment centre")
    welsh = bluesky["/cy/blog/urgent-care-plans-vale-cross/"]
    assert "We're proposing" not in welsh["text"]
    assert "/pl/blog/rejestracja-u-lekarza-rodzinnego/" in bluesky


def test_the_published_feed_is_read_from_its_address(env, fakes, site_url, capsys) -> None:
    """--feed may be the published address (here the built site on loopback)."""
    feed = f"{site_url}/feeds/all.atom.xml"
    assert main(["--feed", feed, "--manifest", "", "--backfill", "1", "--json"], env) == 0
    preview = json.loads(capsys.readouterr().out)
    assert len(preview) == len(PLATFORMS)
    assert len({item["url"] for item in preview}) == 1, "the newest entry, on every platform"
    assert preview[0]["url"].startswith("http://127.0.0.1:8000/"), "the feed's own addresses"
    assert main(["--feed", f"{site_url}/feeds/nope.xml", "--manifest", ""], env) == 2
    assert "cannot read" in capsys.readouterr().err


def test_invoke_crosspost_runs_the_same_command(env, fakes, tmp_path) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "invoke",
            "crosspost",
            "--feed",
            feed,
            "--backfill",
            "1",
            "--json",
            "--platform",
            "x",
        ],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    [item] = json.loads(done.stdout)
    assert item["platform"] == "x" and item["url"] == f"{SITE}/blog/post-2/"
    assert posts(fakes)["x"] == 0


@pytest.mark.parametrize("losing", PLATFORMS)
def test_a_lost_answer_is_retried_without_a_second_post(env, fakes, tmp_path, losing) -> None:
    """The platform made the post but its answer was lost (a proxy's 502): the retry in the same
    run looks first where the platform has no idempotency feature, and finds it."""
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed, "--post")
    fakes[losing].lose_next(1, 502, path=fakes[losing].publish_path)
    assert run(env, write_feed(tmp_path / "feed.xml", [1, 2]), "--post") == 0
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 1)
    with contextlib.closing(Ledger(env["DATABASE_URL"])) as ledger:
        assert {row.state for row in ledger.all_posts()} == {"posted"}


def test_a_mastodon_retry_in_a_later_run_looks_first(env, fakes, tmp_path) -> None:
    """Mastodon keeps an Idempotency-Key for an hour only: a status whose answer was lost is
    looked for by the next run (hours later, perhaps, the key forgotten), not sent again."""
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed, "--post")
    mastodon = fakes["mastodon"]
    # Made, but answered with a rate limit for five minutes: longer than a run waits.
    mastodon.lose_next(1, 429, path=mastodon.publish_path)
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    assert run(env, feed, "--post", "--platform", "mastodon") == 1
    assert len(mastodon.posts) == 1
    mastodon.keys.clear()  # an hour on: Mastodon has forgotten the key
    assert run(env, feed, "--post", "--platform", "mastodon") == 0
    assert len(mastodon.posts) == 1, "found on the platform, not posted again"
    with contextlib.closing(Ledger(env["DATABASE_URL"])) as ledger:
        row = ledger.post(entry(2)["id"], "mastodon")
    assert (row.state, row.url) == ("posted", mastodon.posts[0]["status"]["url"])


def test_two_runs_at_once_post_once(env, fakes, tmp_path) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    run(env, feed, "--post")
    feed = write_feed(tmp_path / "feed.xml", [1, 2, 3])
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(run(env, feed, "--post"))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results == [0, 0]
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 2)


def test_a_claim_only_succeeds_for_the_row_as_it_was_read(ledger_url) -> None:
    with contextlib.closing(Ledger(ledger_url)) as ledger:
        assert ledger.plan("e", "https://x.example/e/", {"x": "text"}, {})
        assert not ledger.plan("e", "https://x.example/e/", {"x": "text"}, {}), "planned once"
        assert ledger.claim("e", "x", "text", 0)
        assert not ledger.claim("e", "x", "text", 0), "another run got there first"
        ledger.mark_posted("e", "x", "1", "https://x.com/i/web/status/1")
        assert not ledger.claim("e", "x", "text", 1), "a posted row is never claimed"
        assert ledger.record_seen([("e", "u"), ("f", "u")]) == 1


# --- A crash between the platform call and the ledger update --------------------------------


def hold_after_publish(fake: FakePlatform) -> tuple[threading.Event, threading.Event]:
    """Once the platform has made the post, hold its answer until released: the test kills the
    cross-poster while it waits, so the post exists but the ledger never hears of it."""
    made, release = threading.Event(), threading.Event()

    @fake.app.after_request
    def hold(response):
        if response.status_code < 300 and fake.posts and not made.is_set():
            made.set()
            release.wait(30)
        return response

    return made, release


@pytest.mark.parametrize("crashing", PLATFORMS)
def test_a_crash_after_the_platform_call_never_makes_a_second_post(
    env, fakes, tmp_path, crashing
) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    assert run(env, feed, "--post") == 0
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    command = [sys.executable, "-m", "crosspost", "--post", "--feed", feed, "--manifest", ""]
    made, release = hold_after_publish(fakes[crashing])
    child_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        command, env=child_env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        assert made.wait(60), child.communicate(timeout=5)[0]
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=10)
    finally:
        release.set()
    with contextlib.closing(Ledger(env["DATABASE_URL"])) as ledger:
        assert ledger.post(entry(2)["id"], crashing).state == "posting"
    assert len(fakes[crashing].posts) == 1
    rerun = subprocess.run(
        command, env=child_env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert posts(fakes) == dict.fromkeys(PLATFORMS, 1), rerun.stdout
    with contextlib.closing(Ledger(env["DATABASE_URL"])) as ledger:
        assert {row.state for row in ledger.all_posts()} == {"posted"}


def test_links_carry_the_platform_unless_markers_are_off(env, fakes, tmp_path) -> None:
    feed = write_feed(tmp_path / "feed.xml", [1])
    run({**env, "ENGAGE_CROSSPOST_VIA": "off"}, feed, "--post", "--backfill", "1")
    assert [p["link"] for p in fakes["facebook"].posts] == [f"{SITE}/blog/post-1/"]
    feed = write_feed(tmp_path / "feed.xml", [1, 2])
    run({**env, "ENGAGE_CROSSPOST_VIA": "from"}, feed, "--post", "--platform", "facebook")
    assert fakes["facebook"].posts[-1]["link"] == f"{SITE}/blog/post-2/?from=facebook"
