"""Publishing an item held for personal data: asked first on a page of its own (no JavaScript
needed), published anyway on confirmation, or published with every highlighted span removed in
one action, audited as redact and approve."""

from __future__ import annotations

import pytest

from feedback_api.staff.approval import question
from fixtures.moderation_helpers import NHS_NUMBER, act, audit_entries, get, public, seed


def test_approve_asks_first_when_held_for_personal_data(staff_app, staff) -> None:
    comment_id = seed(staff_app, f"My NHS number is {NHS_NUMBER}, please call.")
    moderator = staff("moderator")
    answer = act(moderator, f"/admin/comments/{comment_id}/approve", next="/admin/")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "This comment contains an NHS number. Publish anyway, or remove it first?" in html
    assert "Remove highlighted details" in html and "Publish anyway" in html
    assert 'name="confirm" value="yes"' in html
    assert f"NHS number: </span>{NHS_NUMBER}</mark>" in html
    assert get(staff_app, comment_id).status == "pending" and audit_entries(staff_app) == []


def test_publish_anyway_approves_as_it_is(staff_app, staff) -> None:
    comment_id = seed(staff_app, f"My NHS number is {NHS_NUMBER}")
    moderator = staff("moderator")
    answer = act(moderator, f"/admin/comments/{comment_id}/approve", confirm="yes")
    assert answer.status_code == 303
    assert get(staff_app, comment_id).status == "approved"
    [entry] = audit_entries(staff_app)
    assert entry.action == "approve"


def test_approve_without_personal_data_is_not_asked(staff_app, staff) -> None:
    comment_id = seed(
        staff_app, "Thank you, see https://a.example and https://b.example and https://c.example"
    )
    answer = act(staff(), f"/admin/comments/{comment_id}/approve")
    assert answer.status_code == 303 and get(staff_app, comment_id).status == "approved"


def test_remove_highlighted_details_redacts_every_span_and_approves(staff_app, staff) -> None:
    original = f"NHS number {NHS_NUMBER}, ring 020 7946 0000 or mail sam@example.com today."
    comment_id = seed(staff_app, original)
    moderator = staff("moderator")
    answer = act(moderator, f"/admin/comments/{comment_id}/remove-highlighted", next="/admin/")
    assert answer.status_code == 303
    comment = get(staff_app, comment_id)
    assert comment.status == "approved" and comment.held_reasons == []
    assert comment.body == (
        "NHS number [NHS number removed], ring [phone number removed] or mail "
        "[email address removed] today."
    )
    [item] = public(moderator)["comments"]
    assert NHS_NUMBER not in item["html"] and "sam@example.com" not in item["html"]
    [entry] = audit_entries(staff_app)
    assert entry.action == "redact and approve" and entry.detail == "highlighted details removed"
    assert entry.before["body"] == original and NHS_NUMBER not in str(entry.after)


def test_comment_page_offers_removal_and_hides_redaction_once_published(staff_app, staff) -> None:
    held = seed(staff_app, f"My NHS number is {NHS_NUMBER}")
    published = seed(staff_app, "All fine", status="approved")
    moderator = staff("moderator")
    page = moderator.get(f"/admin/comments/{held}").get_data(as_text=True)
    assert "Remove highlighted details" in page and "Save and approve" in page
    page = moderator.get(f"/admin/comments/{published}").get_data(as_text=True)
    assert "Save and approve" not in page and "Remove highlighted details" not in page


def test_question_names_each_kind() -> None:
    assert question(["phone number", "email address"]) == (
        "This comment contains a phone number and an email address. "
        "Publish anyway, or remove them first?"
    )


def test_bulk_approve_leaves_items_held_for_personal_data(staff_app, staff) -> None:
    held = seed(staff_app, f"My NHS number is {NHS_NUMBER}")
    fine = seed(staff_app, "All fine")
    client = staff()
    answer = client.post(
        "/admin/bulk",
        data={"csrf_token": client.token, "action": "approve", "ids": [str(held), str(fine)]},
    )
    assert answer.status_code == 303
    assert f"personal data ({held}) must be approved one at a time" in client.get(
        "/admin/"
    ).get_data(as_text=True)
    assert get(staff_app, held).status == get(staff_app, fine).status == "pending"
    assert audit_entries(staff_app) == []


@pytest.mark.browser
def test_held_item_asked_then_redacted_without_javascript(browser, staff_app) -> None:
    """In Chromium with JavaScript off: Approve asks, Remove highlighted details publishes the
    redacted text; the queue's filters line up and the
    comment text is at the page's body size."""
    from feedback_api.accounts import service as accounts
    from fixtures.servers import serving
    from fixtures.staff import PASSWORD, sign_in_with_form

    held = seed(staff_app, f"My NHS number is {NHS_NUMBER}, thanks.")
    with staff_app.app_context():
        accounts.create("nojs@example.nhs.uk", "moderator", PASSWORD)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        with serving(staff_app) as url:
            page.goto(f"{url}/admin/sign-in")
            sign_in_with_form(page, url, "nojs@example.nhs.uk")
            page.set_viewport_size({"width": 1200, "height": 900})
            page.goto(f"{url}/admin/")
            bottoms = page.evaluate(
                "[...document.querySelectorAll('.engage-filters select, .engage-filters input')]"
                ".map(e => Math.round(e.getBoundingClientRect().bottom))"
            )
            assert len(bottoms) == 5 and len(set(bottoms)) == 1, bottoms
            page.click(f"#item-{held}-heading ~ .engage-item__actions button:has-text('Approve')")
            page.wait_for_selector("h1:has-text('Publish anyway, or remove it first?')")
            sizes = page.evaluate(
                "[getComputedStyle(document.querySelector('.engage-item__text')).fontSize,"
                " getComputedStyle(document.querySelector('h1 + p')).fontSize]"
            )
            assert sizes[0] == sizes[1], sizes
            page.click("button:has-text('Remove highlighted details')")
            page.wait_for_selector(".nhsuk-notification-banner")
    finally:
        context.close()
    comment = get(staff_app, held)
    assert comment.status == "approved"
    assert comment.body == "My NHS number is [NHS number removed], thanks."


@pytest.mark.browser
def test_the_question_page_has_no_wcag_violations(page, staff_app) -> None:
    from feedback_api.accounts import service as accounts
    from fixtures.browser import assert_accessible
    from fixtures.servers import serving
    from fixtures.staff import PASSWORD, sign_in_with_form

    held = seed(staff_app, f"Phone 020 7946 0000 or NHS number {NHS_NUMBER}")
    with staff_app.app_context():
        accounts.create("axe@example.nhs.uk", "moderator", PASSWORD)
    with serving(staff_app) as url:
        page.goto(f"{url}/admin/sign-in")
        sign_in_with_form(page, url, "axe@example.nhs.uk")
        page.click(f"#item-{held}-heading ~ .engage-item__actions button:has-text('Approve')")
        page.wait_for_selector("h1:has-text('Publish anyway, or remove them first?')")
        assert_accessible(page, "the question before publishing")
    assert page.foreign_requests == []
