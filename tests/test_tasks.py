"""The invoke tasks as an operator runs them: production preview, publishing with rsync, and the
server's own 404 page."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from fixtures.site import ROOT

INVOKE = [sys.executable, "-m", "invoke"]


def run_task(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*INVOKE, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200", **environment},
    )


def test_publish_builds_for_production_and_copies_with_rsync(tmp_path: Path) -> None:
    output, target = tmp_path / "output", tmp_path / "www"
    target.mkdir()
    environment = {
        "ENGAGE_OUTPUT": str(output),
        "ENGAGE_SITE_URL": "https://engage.example.nhs.uk",
        "ENGAGE_PUBLISH_TARGET": f"{target}/",
    }
    dry = run_task("publish", "--dry-run", **environment)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert list(target.iterdir()) == [], "a dry run changes nothing"
    assert "index.html" in dry.stdout
    done = run_task("publish", **environment)
    assert done.returncode == 0, done.stdout + done.stderr
    home = (target / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://engage.example.nhs.uk/">' in home
    assert (target / "engagement.json").is_file()
    assert (target / "theme/css/main.css").is_file()


def test_the_daily_publish_reads_the_content_as_published_from_the_workspace(
    tmp_path: Path,
) -> None:
    """With ENGAGE_PUBLISHED_CONTENT (the deploy kit's), `invoke publish` builds that copy, not
    content/ as editors have it; a folder that is not there yet means content/."""
    import shutil

    published = tmp_path / "published-content"
    shutil.copytree(ROOT / "content", published)
    post = published / "posts" / "winter-vaccines.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOnly in the published copy.\n")
    output, target = tmp_path / "output", tmp_path / "www"
    environment = {
        "ENGAGE_OUTPUT": str(output),
        "ENGAGE_SITE_URL": "https://engage.example.nhs.uk",
        "ENGAGE_PUBLISH_TARGET": f"{target}/",
        "ENGAGE_PUBLISHED_CONTENT": str(published),
    }
    done = run_task("publish", **environment)
    assert done.returncode == 0, done.stdout + done.stderr
    page = target / "blog" / "winter-vaccines" / "index.html"
    assert "Only in the published copy." in page.read_text(encoding="utf-8")
    shutil.rmtree(published)
    again = run_task("publish", **environment)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Only in the published copy." not in page.read_text(encoding="utf-8")


def test_publish_then_crosspost_reads_the_feed_just_published(tmp_path: Path) -> None:
    """One command for comms staff: build, publish, cross-post (here a first run, which only
    records the feed's entries as seen, and no platform has credentials)."""
    target = tmp_path / "www"
    target.mkdir()
    environment = {
        "ENGAGE_OUTPUT": str(tmp_path / "output"),
        "ENGAGE_SITE_URL": "https://engage.example.nhs.uk",
        "ENGAGE_PUBLISH_TARGET": f"{target}/",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'engage.db'}",
    }
    done = run_task("publish", "--crosspost", **environment)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (target / "index.html").is_file()
    # Every language's posts and consultations: 12 in English, their 12 Welsh versions, the
    # Urdu consultation and the Polish post.
    assert "First run: 26 entries already in the feed recorded as seen" in done.stdout
    from crosspost.ledger import Ledger

    ledger = Ledger(environment["DATABASE_URL"])
    assert any(e.startswith("tag:engage.example.nhs.uk,") for e in ledger.known())
    ledger.close()


def test_listen_polls_the_platforms_with_credentials_into_the_apis_database(
    tmp_path: Path, built_site: Path
) -> None:
    """`invoke listen` by hand, as the timer runs `flask --app feedback_api listen`: the
    credentials and the database from the environment, one poll, the mention in the inbox; the
    next poll finds nothing new. Without credentials it says so and succeeds."""
    import json
    import sqlite3

    from fixtures.fake_platforms.mastodon import FakeMastodon

    environment = {
        "ENGAGE_OUTPUT": str(tmp_path / "output"),
        "ENGAGE_MANIFEST": str(built_site / "engagement.json"),
        "ENGAGE_SITE_DIR": str(built_site),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'engage.db'}",
        "ENGAGE_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    migrated = run_task("migrate", **environment)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    alone = run_task("listen", **environment)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert "No platform has credentials set: nothing to listen to." in alone.stdout
    fake = FakeMastodon()
    with fake.serve():
        said = "@engage is the walk-in centre open on Sundays?"
        fake.someone_mentions(said, handle="sam", name="Sam Reader")
        done = run_task("listen", "--platform", "mastodon", **environment, **fake.settings())
        assert done.returncode == 0, done.stdout + done.stderr
        assert "mastodon: 1 new, 0 edited" in done.stdout, done.stdout
        again = run_task("listen", "--json", **environment, **fake.settings())
        assert again.returncode == 0, again.stdout + again.stderr
    report = json.loads(again.stdout[again.stdout.index("{") :])
    assert [(p["platform"], p["new"]) for p in report["platforms"]] == [("mastodon", 0)]
    with sqlite3.connect(tmp_path / "engage.db") as database:
        heard = database.execute("SELECT source, author, body FROM comments").fetchall()
    assert heard == [("mastodon", "Sam Reader", said)]


def test_publish_without_a_target_says_what_to_set(tmp_path: Path) -> None:
    done = run_task("publish", ENGAGE_OUTPUT=str(tmp_path), ENGAGE_PUBLISH_TARGET="")
    assert done.returncode == 2
    assert "set ENGAGE_PUBLISH_TARGET" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_the_server_answers_missing_pages_with_the_404_page(site_url: str) -> None:
    try:
        urllib.request.urlopen(f"{site_url}/no-such-page/")
        raise AssertionError("a missing page must answer 404")
    except urllib.error.HTTPError as error:
        assert error.code == 404
        assert "Page not found" in error.read().decode("utf-8")
    with urllib.request.urlopen(f"{site_url}/blog/") as answer:
        assert answer.status == 200
