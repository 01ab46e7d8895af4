"""The comms officer's journey end to end, in Chromium, with the worker running: an editor adds a
post file; an administrator checks and publishes it from the workspace; the post is on the
published site; the Cross-post page shows its text for each platform; Post now posts it once to
each of the five loopback platform fakes, however often it is pressed."""

from __future__ import annotations

import pytest

from contract.vocabulary import PLATFORMS
from fixtures.browser import assert_accessible
from fixtures.outbox import worker_thread
from fixtures.servers import serving
from fixtures.staff import PASSWORD, sign_in_by_keyboard

pytestmark = pytest.mark.usefixtures("loopback_only")
NEW_PAGE = "https://www.example-icb.nhs.uk/blog/pharmacy-christmas/"


def test_an_editors_post_is_published_and_cross_posted_once_from_the_workspace(
    new_post, desk, page, fakes, ledger_url, monkeypatch
) -> None:
    for fake in fakes.values():
        for name, value in fake.settings().items():
            monkeypatch.setenv(name, value)
    here = desk()
    (here.content / "posts" / "pharmacy-christmas.md").write_text(new_post, encoding="utf-8")
    with here.app.app_context():
        from feedback_api.accounts import service as accounts

        accounts.create("lead@example.nhs.uk", "admin", PASSWORD, name="Comms lead")
    with worker_thread(here.app) as worker, serving(here.app) as url:
        page.goto(url + "/admin/")
        sign_in_by_keyboard(page, url, "lead@example.nhs.uk")
        page.click("nav >> text=Publish")
        page.click("button:has-text('Check for changes')")
        page.wait_for_selector("text=New pages (1)", timeout=60_000)
        page.click("button:has-text('Publish 1 change')")
        page.wait_for_selector(f"text=to {here.site} and {here.target}", timeout=60_000)
        published = here.target / "blog" / "pharmacy-christmas" / "index.html"
        assert "Which pharmacies are open" in published.read_text(encoding="utf-8")

        page.click("nav >> text=Cross-post")
        page.click("button:has-text('Preview what would be posted')")
        card = page.locator("article", has_text="Pharmacy opening hours over Christmas")
        card.wait_for(timeout=60_000)
        assert card.locator(f"a[href='{NEW_PAGE}']").count() == 1
        for name in ("Mastodon", "Bluesky", "LinkedIn"):
            assert card.locator(f"h4:has-text('{name}')").count() == 1
        assert "of 500 characters" in card.inner_text()
        assert_accessible(page, "/admin/crosspost with the new post")
        card.locator("button:has-text('Post this entry now')").click()
        page.wait_for_selector("#posted", timeout=60_000)
        assert {name: len(fake.posts) for name, fake in fakes.items()} == dict.fromkeys(
            PLATFORMS, 1
        )
        for fake in fakes.values():
            assert NEW_PAGE in str(fake.posts[0])
        assert_accessible(page, "/admin/crosspost after posting")
        # Pressing again (a double click, the back button) posts nothing more.
        page.go_back()
        page.go_back()
        page.reload()
        again = page.locator("button:has-text('Post this entry now')")
        if again.count():
            again.first.click()
            page.wait_for_load_state()
        worker.stopping.wait(3)
        assert {name: len(fake.posts) for name, fake in fakes.items()} == dict.fromkeys(
            PLATFORMS, 1
        )
