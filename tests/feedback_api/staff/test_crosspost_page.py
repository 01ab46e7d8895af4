"""Cross-posting from the workspace: the page's jobs run the real cross-poster as a process of its
own, in the worker, on the served site's feed, with its ledger in the API's database (SQLite, and
PostgreSQL when configured), posting to the five loopback fakes. What it would post is shown per
entry and platform with its count; Post now posts once, however often it is asked; a failure
says why and Retry posts it once; links that are not public are refused, nothing posted."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from contract.vocabulary import PLATFORMS
from fixtures.crosspost_feeds import SITE, write_feed
from fixtures.fake_platforms import FakePlatform
from fixtures.nu import nu_errors
from fixtures.outbox import deliver
from fixtures.staff import signed_in

pytestmark = pytest.mark.usefixtures("loopback_only")


@dataclass
class Desk:
    """One test's site folder, app and platform fakes."""

    app: Flask
    site: Path
    fakes: dict[str, FakePlatform]

    def feed(self, numbers: list[int], titles: dict[int, str] | None = None) -> None:
        write_feed(self.site / "feeds" / "all.atom.xml", numbers, titles)

    def sign_in(self, role: str = "publisher") -> FlaskClient:
        return signed_in(self.app, role, name=f"A {role}")

    def posts(self) -> dict[str, int]:
        return {name: len(fake.posts) for name, fake in self.fakes.items()}


@pytest.fixture
def desk(tmp_path, make_app, fakes, ledger_url, monkeypatch) -> Desk:
    """The fakes' credentials in the worker's environment, as an operator sets them; the
    served site folder holds the feed (ledger_url empties the ledger's tables on PostgreSQL)."""
    for fake in fakes.values():
        for name, value in fake.settings().items():
            monkeypatch.setenv(name, value)
    site = tmp_path / "site"
    (site / "feeds").mkdir(parents=True)
    app = make_app(ENGAGE_SECURE_COOKIES=False, ENGAGE_SITE_DIR=str(site))
    return Desk(app, site, fakes)


def page(client: FlaskClient, path: str = "/admin/crosspost") -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def buttons(shown: str, label: str) -> int:
    return len(re.findall(rf">\s*{re.escape(label)}\s*</button>", shown))


def posted(shown: str) -> str:
    """The table of what has been posted."""
    found = re.search(r'<table class="nhsuk-table" id="posted">.*?</table>', shown, re.S)
    return found.group(0) if found else ""


def ask(client: FlaskClient, what: str, **form: str):
    answer = client.post(f"/admin/crosspost/{what}", data={"csrf_token": client.token, **form})
    assert answer.status_code == 303, answer.status_code
    return answer


def start_cross_posting(here: Desk, client: FlaskClient) -> None:
    """The first run: every entry already on the site recorded as seen, none posted."""
    ask(client, "post")
    assert deliver(here.app).delivered == 1
    assert here.posts() == dict.fromkeys(PLATFORMS, 0)


def test_only_publishers_and_administrators_cross_post(desk) -> None:
    moderator = desk.sign_in("moderator")
    assert moderator.get("/admin/crosspost").status_code == 403
    refused = moderator.post("/admin/crosspost/post", data={"csrf_token": moderator.token})
    assert refused.status_code == 403
    assert desk.app.test_client().get("/admin/crosspost").status_code == 302
    assert "Cross-post</a>" not in page(moderator, "/admin/")
    publisher = desk.sign_in("publisher")
    assert "Cross-post</a>" in page(publisher, "/admin/")
    # A forged form without the session's token is refused.
    assert publisher.post("/admin/crosspost/post", data={}).status_code == 400
    assert deliver(desk.app).delivered == 0


def test_the_preview_shows_each_entry_per_platform_with_its_count(desk, monkeypatch) -> None:
    desk.feed([1, 2])
    client = desk.sign_in("publisher")
    assert "Preview what would be posted" in page(client)
    ask(client, "preview")
    waiting = page(client)
    assert "Waiting for the worker" in waiting
    job = re.search(r'data-engage-refresh="/admin/crosspost/jobs/(\d+)"', waiting).group(1)
    assert client.get(f"/admin/crosspost/jobs/{job}?format=json").get_json()["status"] == "queued"
    assert deliver(desk.app).delivered == 1
    assert client.get(f"/admin/crosspost/jobs/{job}?format=json").get_json()["status"] == "done"
    first = page(client)
    assert "Nothing has been cross-posted yet" in first
    assert "Post number 2 about local health services" in first, "the newest, as an example"
    assert "Post this entry now" in first

    start_cross_posting(desk, client)
    for name in ("ENGAGE_X_API_KEY", "ENGAGE_X_API_SECRET"):
        monkeypatch.delenv(name)
    title = "Clinic &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"  # "<script>" as text
    desk.feed([1, 2, 3, 4], {4: title})
    ask(client, "preview")
    deliver(desk.app)
    shown = page(client)
    assert "Refresh the preview" in shown
    assert "Post number 3 about local health services" in shown
    assert "Clinic &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in shown
    assert "<script>alert(1)" not in shown
    assert buttons(shown, "Post now") == 2 and "Post all new entries" in shown
    assert "of 500 characters" in shown and "of 300 characters" in shown
    assert "of 280 characters" in shown and "of 3,000 characters" in shown
    assert "no credentials: set ENGAGE_X_API_KEY, ENGAGE_X_API_SECRET" in shown
    assert f'<a href="{SITE}/blog/post-3/">' in shown
    assert f"The link is attached, shown as a card: {SITE}/blog/post-3/" in shown  # Facebook
    # LinkedIn's text as its readers see it: "#UrgentCare", not {hashtag|\#|UrgentCare}.
    assert "{hashtag|" not in shown and "#UrgentCare" in shown
    assert desk.posts() == dict.fromkeys(PLATFORMS, 0), "a preview posts nothing"
    assert nu_errors(page(client)) == []  # (the flashed messages were shown above)


def test_post_now_posts_an_entry_once_and_the_history_links_to_it(desk) -> None:
    desk.feed([1])
    client = desk.sign_in("publisher")
    start_cross_posting(desk, client)
    desk.feed([1, 2, 3])
    entry = f"{SITE}/blog/post-2/"
    ask(client, "post", entry=entry)
    ask(client, "post", entry=entry)  # a second click while the first waits
    assert "is not finished yet: wait for it." in page(client)
    assert deliver(desk.app).delivered == 1
    assert deliver(desk.app).delivered == 0, "a job is run once"
    assert desk.posts() == dict.fromkeys(PLATFORMS, 1)
    assert all(entry in str(fake.posts) for fake in desk.fakes.values())

    ask(client, "post", entry=entry)  # clicked again later: the ledger says it is posted
    deliver(desk.app)
    assert desk.posts() == dict.fromkeys(PLATFORMS, 1)
    assert desk.fakes["mastodon"].calls("POST", "/api/v1/statuses") == 1

    shown = page(client)
    assert posted(shown).count(">Posted</strong>") == len(PLATFORMS)
    assert re.search(r'<a href="https://bsky\.app/profile/[^"]+/post/[^"]+">See the post', shown)
    assert re.search(r'<a href="https://x\.com/i/web/status/\d+">See the post', shown)
    # Mastodon's fake answers with an http:// address: shown, never made a link.
    assert not re.search(r'<a href="http://127\.0\.0\.1:\d+/@engage', shown)
    assert "Post number 3 about local health services" in shown, "still to post"
    assert buttons(shown, "Post now") == 1

    audit = page(desk.sign_in("admin"), "/admin/audit")
    assert "cross-posted" in audit and "posted 5, skipped 0, failed 0" in audit


def test_a_failed_post_says_why_and_retry_posts_it_once(desk) -> None:
    desk.feed([1])
    client = desk.sign_in("publisher")
    start_cross_posting(desk, client)
    desk.feed([1, 2])
    facebook = desk.fakes["facebook"]
    facebook.fail_next(1, 400, path=facebook.publish_path)
    ask(client, "post")
    deliver(desk.app)
    shown = page(client)
    assert "Not every post was made (posted 4, skipped 0, failed 1)" in shown
    assert ">Failed</strong>" in posted(shown) and buttons(shown, "Retry") == 1
    reason = re.search(r'<p class="nhsuk-body-s[^"]*">([^<]*400[^<]*)</p>', shown)
    assert reason, "the platform's reason is on the page"
    assert desk.posts()["facebook"] == 0
    assert nu_errors(page(client)) == []  # the table with a Retry form in it
    # A made-up platform is refused.
    refused = client.post(
        "/admin/crosspost/retry",
        data={"csrf_token": client.token, "entry": f"{SITE}/blog/post-2/", "platform": "myspace"},
    )
    assert refused.status_code == 400

    ask(client, "retry", entry=f"{SITE}/blog/post-2/", platform="facebook")
    deliver(desk.app)
    assert desk.posts() == dict.fromkeys(PLATFORMS, 1)
    ask(client, "retry", entry=f"{SITE}/blog/post-2/", platform="facebook")
    deliver(desk.app)
    assert desk.posts() == dict.fromkeys(PLATFORMS, 1)
    shown = page(client)
    table = posted(shown)
    assert ">Failed</strong>" not in table and table.count(">Posted</strong>") == len(PLATFORMS)
    assert re.search(r'<a href="https://www\.facebook\.com/[^"]+">See the post', shown)
    assert nu_errors(page(client)) == []  # the history table with its links (flashes shown)
    audit = page(desk.sign_in("admin"), "/admin/audit")
    assert "cross-post tried again" in audit


def test_retry_all_posts_every_failed_one_once(desk) -> None:
    desk.feed([1])
    client = desk.sign_in("publisher")
    start_cross_posting(desk, client)
    desk.feed([1, 2])
    for name in ("facebook", "linkedin"):
        desk.fakes[name].fail_next(1, 400, path=desk.fakes[name].publish_path)
    ask(client, "post")
    deliver(desk.app)
    shown = page(client)
    assert buttons(shown, "Retry") == 2 and buttons(shown, "Retry all 2 failed posts") == 1
    # One of entry and platform without the other is no request the page makes.
    half = client.post(
        "/admin/crosspost/retry", data={"csrf_token": client.token, "platform": "facebook"}
    )
    assert half.status_code == 400
    ask(client, "retry")
    deliver(desk.app)
    assert desk.posts() == dict.fromkeys(PLATFORMS, 1)
    ask(client, "retry")
    deliver(desk.app)
    assert desk.posts() == dict.fromkeys(PLATFORMS, 1)
    assert "Retry all" not in page(client)


def test_a_feed_with_local_links_is_refused_and_nothing_is_posted(desk) -> None:
    desk.feed([1, 2])
    feed = desk.site / "feeds" / "all.atom.xml"
    feed.write_text(feed.read_text().replace(SITE, "http://127.0.0.1:8000"))
    client = desk.sign_in("publisher")
    ask(client, "preview")
    deliver(desk.app)
    shown = html.unescape(page(client))
    assert "These links are not public" in shown
    assert "Would not be posted: 127.0.0.1 is not a public address" in shown
    assert "publishconf.py" in shown and "Post this entry now" not in shown

    ask(client, "post", entry="http://127.0.0.1:8000/blog/post-2/")  # a form kept from before
    deliver(desk.app)
    shown = html.unescape(page(client))
    assert "Not posted: 127.0.0.1 is not a public address." in shown
    assert "Build the site with its public address first (`invoke publish`, which uses " in shown
    assert desk.posts() == dict.fromkeys(PLATFORMS, 0)
    assert nu_errors(page(client)) == []  # with both warnings
    job = re.search(r"/admin/crosspost/jobs/(\d+)", shown).group(1)
    detail = html.unescape(page(client, f"/admin/crosspost/jobs/{job}"))
    assert "Not posted: 127.0.0.1 is not a public address" in detail
    assert "--post --entry http://127.0.0.1:8000/blog/post-2/" in detail


def test_a_missing_feed_is_a_refusal_with_the_reason(desk) -> None:
    client = desk.sign_in("publisher")
    ask(client, "preview")
    deliver(desk.app)
    shown = page(client)
    assert "The preview could not be made" in shown and "Cannot read" in shown
    assert "Traceback" not in shown
