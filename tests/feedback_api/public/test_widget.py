"""The comments widget (theme/static/js/comments.js) in Debian's Chromium, against the real Flask
app serving the built site at / and the API at /api: approved comments and replies, posting
inline, errors, counts on list pages, and the plain form with JavaScript off (the writer's own
comments: test_widget_own_comments.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fixtures.browser import assert_accessible
from fixtures.widget import (
    ARTICLE,
    FORM,
    NO_JS_TEXT,
    PANEL,
    THANKS,
    WIDGET,
    approve,
    mine,
    post,
    post_inline,
    stored,
    thank_you,
)

pytestmark = pytest.mark.browser


def test_widget_is_small() -> None:
    # A budget of 11 KB, so the widget costs a reader on a slow connection next to nothing (10 KB
    # until its words came to be looked up in the page's language, issue 16).
    assert WIDGET.stat().st_size < 11 * 1024, f"{WIDGET.name} is {WIDGET.stat().st_size} bytes"


def test_built_pages_load_the_widget(built_site: Path, manifest: dict) -> None:
    widget = manifest["assets"]["js/comments.js"]  # fingerprinted, e.g. js/comments.<hash>.js
    assert (built_site / "theme" / widget).is_file()
    article = (built_site / "blog/winter-vaccines/index.html").read_text(encoding="utf-8")
    assert f'<script src="/theme/{widget}" defer></script>' in article
    listing = (built_site / "blog/index.html").read_text(encoding="utf-8")
    assert f'data-engage-count data-page="{ARTICLE}"' in listing


def test_approved_comments_and_replies_render(page, live: str, app, errors) -> None:
    evil = "<img src=x onerror=alert(1)>"
    first = post(app, body="Where can I get the **flu** jab?", author=evil)
    approve(app, first["id"])
    reply = post(
        app, body="At your GP surgery or a pharmacy.", author="Vale ICB", parent=first["id"]
    )
    approve(app, reply["id"], official=True)
    post(app, body="This one is still waiting.", author="Pending Pat")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(live + ARTICLE)
    box = page.locator("[data-engage-comments]")
    top = box.locator(":scope > ol.engage-comments > li.engage-comment")
    top.first.wait_for()
    assert top.count() == 1
    author = top.first.locator(".engage-comment__author").first
    assert author.text_content() == evil  # shown as text, never as markup
    assert box.locator("img").count() == 0
    assert top.first.locator(".engage-comment__body strong").text_content() == "flu"
    assert top.first.locator("time").first.get_attribute("datetime").endswith("Z")
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    assert re.fullmatch(
        rf"\d{{1,2}} ({months}) \d{{4}}", top.first.locator("time").first.text_content()
    )
    answer = top.first.locator("ol.engage-comments > li.engage-comment--reply")
    assert answer.count() == 1
    assert "engage-comment--official" in answer.get_attribute("class")
    assert "Official reply" in answer.text_content()
    assert "At your GP surgery or a pharmacy." in answer.text_content()
    assert "still waiting" not in box.text_content()
    assert "Comments appear here once" not in box.text_content()
    assert dialogs == [] and errors == []
    assert page.foreign_requests == []


def test_no_comments_yet(page, live: str, errors) -> None:
    page.goto(live + ARTICLE)
    box = page.locator("[data-engage-comments]")
    box.get_by_text("No comments yet. Be the first to comment.").wait_for()
    assert errors == [] and page.foreign_requests == []


def test_list_that_cannot_load_keeps_the_no_js_text(page, live: str, errors) -> None:
    """If the API cannot be reached, the widget says so quietly and throws nothing."""
    page.route("**/api/comments?*", lambda route: route.abort())
    page.goto(live + ARTICLE)
    box = page.locator("[data-engage-comments]")
    box.get_by_text("Comments could not be loaded.").wait_for()
    assert NO_JS_TEXT in box.text_content()
    assert errors == [] and page.foreign_requests == []


def test_posting_inline(page, live: str, app, errors) -> None:
    page.goto(live + ARTICLE)
    page.fill("#comment-body", "Please open the walk-in centre at weekends.")
    page.fill("#comment-author", "Sam")
    page.click(f"{FORM} button[type=submit]")
    status = page.locator("[role=status].engage-comment-status")
    status.locator(".nhsuk-panel").get_by_text(THANKS).wait_for()
    assert status.get_attribute("aria-live") == "polite"  # the panel is announced
    assert page.evaluate("document.activeElement.className") == "nhsuk-panel", "focus on it"
    assert page.evaluate("document.activeElement.querySelector('h3').textContent") == THANKS
    assert page.input_value("#comment-body") == ""
    assert page.input_value("#comment-author") == "Sam"
    assert page.url == live + ARTICLE  # no navigation: it was posted by the script

    rows = stored(app)
    assert [(r["body"], r["status"], r["author"]) for r in rows] == [
        ("Please open the walk-in centre at weekends.", "pending", "Sam")
    ]
    saved = mine(page)
    assert len(saved) == 1
    assert saved[0]["id"] == rows[0]["id"]
    assert saved[0]["page"] == ARTICLE
    assert saved[0]["body"] == "Please open the walk-in centre at weekends."
    assert saved[0]["edit_token"] and saved[0]["created"]
    pending = page.locator(".engage-mine")
    assert "Your comment, waiting for a moderator" in pending.text_content()
    assert "walk-in centre" in pending.text_content()

    # Once a moderator approves it, it is in the public list and no longer "mine".
    approve(app, rows[0]["id"])
    page.goto(live + ARTICLE + "?again")
    page.locator("ol.engage-comments li.engage-comment").first.wait_for()
    page.wait_for_function("() => !localStorage.getItem('engage:mine').includes('walk-in')")
    assert mine(page) == []
    assert page.locator(".engage-mine").count() == 0
    assert errors == [] and page.foreign_requests == []


def test_field_errors_show_the_error_summary(page, live: str, app, errors) -> None:
    page.goto(live + ARTICLE)
    page.fill("#comment-body", "My words must survive an error.")
    page.fill("#comment-email", "not-an-email")
    page.click(f"{FORM} button[type=submit]")
    summary = page.locator(f"{FORM} .nhsuk-error-summary")
    summary.wait_for()
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.classList.contains('nhsuk-error-summary')")
    assert "There is a problem" in summary.text_content()
    link = summary.locator("a[href='#comment-email']")
    assert "correct format" in link.text_content()
    group = page.locator(".nhsuk-form-group", has=page.locator("#comment-email"))
    assert "nhsuk-form-group--error" in group.get_attribute("class")
    message = group.locator(".nhsuk-error-message")
    assert message.locator(".nhsuk-u-visually-hidden").text_content() == "Error:"
    assert "nhsuk-input--error" in page.get_attribute("#comment-email", "class")
    assert message.get_attribute("id") in page.get_attribute("#comment-email", "aria-describedby")
    assert page.input_value("#comment-body") == "My words must survive an error."
    assert page.input_value("#comment-email") == "not-an-email"
    assert stored(app) == []

    link.click()  # the summary's link takes the reader to the field
    assert page.evaluate("document.activeElement.id") == "comment-email"

    # Corrected, it posts, and the errors go.
    page.fill("#comment-email", "reader@example.com")
    page.wait_for_timeout(1100)  # NHS.UK's button ignores a second press within a second
    page.click(f"{FORM} button[type=submit]")
    page.locator(PANEL).get_by_text(THANKS).wait_for()
    assert page.locator(f"{FORM} .nhsuk-error-summary, {FORM} .nhsuk-error-message").count() == 0
    assert page.locator(f"{FORM} .nhsuk-form-group--error, {FORM} .nhsuk-input--error").count() == 0
    assert "comment-email-error" not in page.get_attribute("#comment-email", "aria-describedby")
    assert len(stored(app)) == 1
    assert errors == [] and page.foreign_requests == []


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (429, {"error": "You have sent a lot in a short time. Wait a little, then try again."}),
        (409, {"error": "Comments are closed on this page."}),
        (503, {}),
        (None, None),  # the network fails
    ],
)
def test_other_failures_keep_what_was_typed(page, live: str, status, answer, errors) -> None:
    def refuse(route: object) -> None:
        if route.request.method != "POST":
            route.continue_()
        elif status is None:
            route.abort()
        else:
            route.fulfill(
                status=status,
                content_type="application/json",
                headers={"Retry-After": "60"},
                body=json.dumps(answer),
            )

    page.route("**/api/comments", refuse)
    page.goto(live + ARTICLE)
    page.fill("#comment-body", "Typed with care.")
    page.click(f"{FORM} button[type=submit]")
    expected = (answer or {}).get("error") or "Sorry, there is a problem with the service."
    page.locator(".engage-comment-status").get_by_text(expected).wait_for()
    assert page.input_value("#comment-body") == "Typed with care."
    assert page.is_enabled(f"{FORM} button[type=submit]")
    assert mine(page) == []
    assert errors == [] and page.foreign_requests == []


def test_counts_on_list_pages(page, live: str, app, errors) -> None:
    approve(app, post(app, body="Useful, thanks.")["id"])
    post(app, body="Not yet approved.")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/" in r.url else None)
    page.goto(live + "/blog/")
    count = page.locator(f"[data-engage-count][data-page='{ARTICLE}']")
    count.wait_for()
    assert count.text_content() == "1 comment"
    assert page.locator("[data-engage-count]:visible").count() == 1  # zero stays hidden
    assert page.locator("[data-engage-count]").count() > 1
    assert len([u for u in requests if "/api/comments/counts" in u]) == 1
    assert errors == [] and page.foreign_requests == []


def test_plain_form_without_javascript(browser, page, live: str, app) -> None:
    """Posted without JavaScript, the reader gets the API's thank-you page; the widget thanks
    them with the same NHS.UK panel, words and all (an h3 there, under "Leave a comment")."""
    context = browser.new_context(java_script_enabled=False)
    foreign: list[str] = []

    def guard(route: object) -> None:
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    plain = context.new_page()
    try:
        plain.goto(live + ARTICLE)
        box = plain.locator("[data-engage-comments]")
        assert (
            box.text_content().strip() == "Comments appear here once a moderator has checked them."
        )
        plain.fill("#comment-body", "Posted the old-fashioned way.")
        plain.click(f"{FORM} button[type=submit]")
        plain.wait_for_url("**/api/comments/received**")
        assert [(r["body"], r["status"]) for r in stored(app)] == [
            ("Posted the old-fashioned way.", "pending")
        ]
        no_js = thank_you(plain)
        assert foreign == []
    finally:
        context.close()
    assert no_js == {
        "panel": "nhsuk-panel",
        "heading": "nhsuk-panel__heading",
        "said": THANKS,
        "body": "We have received it.",
        "then": "Your comment will appear once a moderator has checked it against our ground rules"
        " for taking part. We check comments within 2 working days.",
    }
    post_inline(page, live, "Posted with the widget.")
    assert thank_you(page) == no_js
    assert_accessible(page, "the widget's thank-you")
    assert page.foreign_requests == []
