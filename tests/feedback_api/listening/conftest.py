"""The listening tests' set-up: the five loopback platforms with their credentials in the
worker's environment (as an operator sets them), a served site whose feed has entries for real
pages of the sample site, the cross-poster run for real (in this process) so the ledger knows
our posts, and `listen` run through the Flask command line as the timer runs it."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from feedgen.feed import FeedGenerator
from flask import Flask
from flask.testing import FlaskClient

from crosspost.cli import main as crosspost
from fixtures.api import api_config
from fixtures.fake_platforms import FakePlatform
from fixtures.staff import signed_in

SITE = "https://engage.example.nhs.uk"
# Real pages of the sample site (the manifest's), so our posts' threads belong to them.
PAGES = ["/consultations/urgent-care-vale-cross/", "/blog/winter-vaccines/"]


def write_feed(path: Path, pages: list[str]) -> str:
    """An Atom feed as the site writes it, one entry per page, newest last in the list."""
    feed = FeedGenerator()
    feed.id(f"{SITE}/")
    feed.title("Riverside and Vale ICB")
    feed.link(href=f"{SITE}/", rel="alternate")
    feed.updated(datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC))
    for number, page in enumerate(pages, start=1):
        added = feed.add_entry()
        added.id(f"tag:engage.example.nhs.uk,2026-11-{number:02d}:{page}")
        added.title(f"Entry {number}: have your say")
        added.link(href=f"{SITE}{page}")
        added.summary(f"<p>What entry {number} says.</p>", type="html")
        moment = datetime.datetime(2026, 11, number, 9, 0, tzinfo=datetime.UTC)
        added.published(moment)
        added.updated(moment)
    feed.atom_file(str(path))
    return str(path)


@dataclass
class Hall:
    """One test's app, served site, platforms and their credentials."""

    app: Flask
    site: Path
    fakes: dict[str, FakePlatform]
    env: dict[str, str]
    config: dict  # the app's settings, for a worker or listener in a process of its own

    def cross_post(self, pages: list[str] = PAGES[:1]) -> None:
        """Post every entry of a feed of `pages` to every platform (the first run, backfilled)."""
        feed = write_feed(self.site / "feeds" / "all.atom.xml", pages)
        env = {
            **self.env,
            "DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"],
            "ENGAGE_INSTANCE_PATH": self.app.instance_path,
        }
        args = ["--feed", feed, "--manifest", "", "--post", "--backfill", str(len(pages))]
        assert crosspost(args, env) == 0

    def listen(self, *args: str, status: int = 0) -> dict:
        """`flask --app feedback_api listen --json`, as the timer runs it: what it did."""
        done = self.app.test_cli_runner().invoke(args=["listen", "--json", *args])
        assert done.exit_code == status, done.output
        return json.loads(done.output[done.output.index("{") :])

    def report(self, platform: str, *args: str, status: int = 0) -> dict:
        """One platform's part of a `listen --platform` run."""
        (found,) = self.listen("--platform", platform, *args, status=status)["platforms"]
        return found

    def items(self, **filters: str) -> list:
        """The inbox's rows (social items and site comments), oldest first."""
        from feedback_api.storage.comments import find_comments

        with self.app.app_context():
            return list(find_comments(**filters))

    def posted(self, platform: str) -> list[str]:
        """Our posts' ids on a platform, from the ledger, as the listener follows them."""
        from feedback_api.storage import social

        with self.app.app_context():
            return [post.remote_id for post in social.posts_of(platform)]

    def sign_in(self, role: str = "moderator") -> FlaskClient:
        return signed_in(self.app, role, name=f"A {role}")


@pytest.fixture
def make_hall(
    tmp_path, built_site, database, make_app, fakes, ledger_url, monkeypatch
) -> Callable[..., Hall]:
    """A Hall with these API settings over the defaults (ledger_url empties the ledger's tables
    on PostgreSQL). Counts (and the threads they show have grown) are read every poll:
    Facebook tells of a comment on our post no other way."""
    env: dict[str, str] = {}
    for fake in fakes.values():
        env.update(fake.settings())
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    site = tmp_path / "site"
    (site / "feeds").mkdir(parents=True)

    def made(**config: object) -> Hall:
        settings = {
            "ENGAGE_SECURE_COOKIES": False,
            "ENGAGE_SITE_DIR": str(site),
            "ENGAGE_LISTEN_COUNTS_MINUTES": 0,
            **config,
        }
        config = api_config(tmp_path, built_site, database, **settings)
        return Hall(make_app(**settings), site, fakes, env, config)

    return made


@pytest.fixture
def hall(make_hall) -> Hall:
    return make_hall()
