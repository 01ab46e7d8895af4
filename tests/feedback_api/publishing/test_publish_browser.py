"""The Publish page in Chromium: by keyboard, with the worker running beside the server; with
JavaScript the page follows the job and shows its outcome by itself, without JavaScript the
"Refresh" link does; every state passes axe and the Nu checker."""

from __future__ import annotations

from fixtures.browser import assert_accessible
from fixtures.nu import nu_errors
from fixtures.outbox import worker_thread
from fixtures.servers import serving
from fixtures.staff import sign_in_by_keyboard


def assert_valid(page, where: str) -> None:
    errors = nu_errors(page.content())
    assert not errors, f"{where}:\n" + "\n".join(errors)


def test_publishing_by_keyboard_with_the_page_following_the_job(new_post, desk, page) -> None:
    here = desk()
    (here.content / "posts" / "pharmacy-christmas.md").write_text(new_post, encoding="utf-8")
    with here.app.app_context():
        from feedback_api.accounts import service as accounts
        from fixtures.staff import PASSWORD

        accounts.create("publisher@example.nhs.uk", "publisher", PASSWORD, name="Comms")
    with worker_thread(here.app), serving(here.app) as url:
        page.goto(url + "/admin/")
        sign_in_by_keyboard(page, url, "publisher@example.nhs.uk")
        page.goto(url + "/admin/publish")
        assert_accessible(page, "/admin/publish before a check")
        assert_valid(page, "/admin/publish before a check")
        page.focus("button:has-text('Check for changes')")
        page.keyboard.press("Enter")
        # The page reloads itself when the worker has finished the check.
        page.wait_for_selector("text=New pages (1)", timeout=60_000)
        assert page.is_visible("text=Pharmacy opening hours over Christmas")
        assert_accessible(page, "/admin/publish after a check")
        assert_valid(page, "/admin/publish after a check")
        page.focus("button:has-text('Publish 1 change')")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"text=to {here.site} and {here.target}", timeout=60_000)
        assert_accessible(page, "/admin/publish after publishing")
        assert (here.target / "blog" / "pharmacy-christmas" / "index.html").exists()
        page.click("text=Publish 2")
        page.wait_for_selector("text=Published:")
        assert_accessible(page, "a publish job's page")
        assert_valid(page, "a publish job's page")


def test_without_javascript_the_refresh_link_shows_progress(desk, browser) -> None:
    here = desk()
    with here.app.app_context():
        from feedback_api.accounts import service as accounts
        from fixtures.staff import PASSWORD, sign_in_with_form

        accounts.create("admin@example.nhs.uk", "admin", PASSWORD)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        with serving(here.app) as url:
            page.goto(url + "/admin/")
            sign_in_with_form(page, url, "admin@example.nhs.uk")
            page.goto(url + "/admin/publish")
            page.click("button:has-text('Check for changes')")
            page.wait_for_selector("text=Waiting for the worker")
            # (axe needs JavaScript: the page in this state is checked with it elsewhere.)
            assert_valid(page, "/admin/publish with a job waiting")
            from fixtures.outbox import deliver

            deliver(here.app)
            page.click("button:has-text('Refresh to see its progress')")
            page.wait_for_selector("text=No pages changed since the site was last published.")
            assert page.is_visible("button:has-text('Publish the site again')")
    finally:
        context.close()
