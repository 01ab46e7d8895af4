"""The comments widget and the writer's own comments, in Chromium against the real app: editing
and deleting a pending comment, one that can no longer be changed, and posting when the
browser's storage is full."""

from __future__ import annotations

import pytest

from fixtures.widget import (
    SECOND,
    mine,
    post_inline,
    stored,
)

pytestmark = pytest.mark.browser


def test_edit_and_delete_your_pending_comment(page, live: str, app, errors) -> None:
    post_inline(page, live, "First thoughts.")
    item = page.locator(".engage-mine")
    assert item.locator("button[type=button]").all_text_contents() == ["Edit", "Delete"]

    item.get_by_role("button", name="Edit").click()
    area = item.get_by_label("Change your comment")
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    assert area.input_value() == "First thoughts."
    area.fill(SECOND)
    item.get_by_role("button", name="Save changes").click()
    page.locator(".engage-comment-status").get_by_text("Your changes have been saved.").wait_for()
    assert (
        item.locator(".engage-mine__text").text_content() == "Second thoughts, <b>kept as text</b>."
    )
    assert item.locator("b").count() == 0
    assert page.evaluate("document.activeElement.textContent") == "Edit"
    assert [r["body"] for r in stored(app)] == [SECOND]
    assert mine(page)[0]["body"] == SECOND

    # Still there after a reload, from localStorage; Cancel leaves it unchanged.
    page.reload()
    item.get_by_role("button", name="Edit").click()
    item.get_by_label("Change your comment").fill("Never sent.")
    item.get_by_role("button", name="Cancel").click()
    assert "Second thoughts" in item.text_content()

    questions: list[str] = []

    def answer(dialog: object) -> None:
        questions.append(dialog.message)
        if len(questions) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    page.on("dialog", answer)
    item.get_by_role("button", name="Delete").click()  # dismissed: nothing happens
    assert len(stored(app)) == 1
    item.get_by_role("button", name="Delete").click()
    page.locator(".engage-comment-status").get_by_text("Your comment has been deleted.").wait_for()
    assert questions[0].startswith("Delete your comment?")
    assert stored(app) == []
    assert mine(page) == []
    assert page.locator(".engage-mine").count() == 0
    assert errors == [] and page.foreign_requests == []


def test_a_comment_that_can_no_longer_be_changed(page, live: str, app, errors) -> None:
    post_inline(page, live, "Soon out of reach.")
    item = page.locator(".engage-mine")
    item.get_by_role("button", name="Edit").click()
    item.get_by_label("Change your comment").fill("My careful rewrite.")
    # The API refuses the change (here: a wrong token, 403; as for 404 and 409).
    page.route(
        "**/api/comments/*",
        lambda route: (
            route.continue_(headers={**route.request.headers, "x-edit-token": "wrong"})
            if route.request.method == "PATCH"
            else route.continue_()
        ),
    )
    item.get_by_role("button", name="Save changes").click()
    item.get_by_text("This comment can no longer be changed or deleted.").wait_for()
    assert "My careful rewrite." in item.text_content()  # what was typed is still shown
    assert mine(page) == []
    assert [r["body"] for r in stored(app)] == ["Soon out of reach."]
    assert errors == [] and page.foreign_requests == []


def test_posting_when_storage_is_full(page, live: str, app, errors) -> None:
    page.add_init_script(
        "Storage.prototype.setItem = function () {"
        " throw new DOMException('full', 'QuotaExceededError') }"
    )
    post_inline(page, live, "Stored on the server even so.")
    assert page.input_value("#comment-body") == ""
    assert [r["body"] for r in stored(app)] == ["Stored on the server even so."]
    assert errors == [] and page.foreign_requests == []
