"""The channel in Debian's Chromium, through the real site and API on loopback: a reader who
followed a marked link (`?via=mastodon`) comments with the script's widget, or with JavaScript
off through the plain form, and the comment records the channel either way; no cookie or
storage is added for it, and nothing but the marker is sent."""

from __future__ import annotations

import pytest

from feedback_api.storage.models import Comment, db
from fixtures.widget import ARTICLE, FORM, PANEL, THANKS

pytestmark = pytest.mark.browser
CONSULTATION = "/consultations/urgent-care-vale-cross/"


def channels_of(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        query = db.select(Comment.body, Comment.channel).order_by(Comment.id)
        return [tuple(row) for row in db.session.execute(query)]


def test_the_widget_sends_the_links_marker(page, live: str, app, errors) -> None:
    page.goto(f"{live}{ARTICLE}?via=mastodon&utm_campaign=winter")
    assert page.locator(f"{FORM} input[name=via]").input_value() == "mastodon"
    sent: list[dict] = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data_json) if r.method == "POST" else None,
    )
    page.fill("#comment-body", "Seen on Mastodon.")
    page.click(f"{FORM} button[type=submit]")
    page.locator(PANEL).get_by_text(THANKS).wait_for()
    assert channels_of(app) == [("Seen on Mastodon.", "mastodon")]
    [body] = sent
    assert body["via"] == "mastodon" and "utm_campaign" not in str(body)
    assert page.context.cookies() == []
    assert errors == [] and page.foreign_requests == []


def test_a_questionnaire_page_fills_its_hidden_field_too(page, live: str) -> None:
    page.goto(f"{live}{CONSULTATION}?via=poster-library")
    # The sample questionnaire's form (open on the sample build's pinned day).
    form = page.locator("form[action$='/responses']")
    assert form.locator("input[name=via]").input_value() == "poster-library"
    assert page.locator("form[data-engage-comment-form] input[name=via]").input_value() == (
        "poster-library"
    )


def test_without_javascript_the_page_address_tells_the_channel(no_js_page, live: str, app) -> None:
    page = no_js_page
    page.goto(f"{live}{ARTICLE}?via=poster-library")
    assert page.locator(f"{FORM} input[name=via]").input_value() == ""
    page.fill("#comment-body", "Saw the poster in the library.")
    with page.expect_navigation():
        page.locator(f"{FORM} button[type=submit]").click()
    assert "Thank you for your comment" in page.content()
    # Sent back with an error, the form carries the channel on to the next post.
    page.goto(f"{live}{ARTICLE}?via=newsletter")
    page.fill("#comment-email", "not an address")
    page.fill("#comment-body", "From the newsletter.")
    with page.expect_navigation():
        page.locator(f"{FORM} button[type=submit]").click()
    assert page.locator("input[name=via]").input_value() == "newsletter"
    page.fill("#comment-email", "")
    with page.expect_navigation():
        page.locator("form.engage-comment-form button[type=submit]").click()
    assert "Thank you for your comment" in page.content()
    assert channels_of(app) == [
        ("Saw the poster in the library.", "poster-library"),
        ("From the newsletter.", "newsletter"),
    ]
    assert page.context.cookies() == []
    assert page.foreign_requests == []
