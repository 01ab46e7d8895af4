"""The moderation workspace's access rules (roles, sessions, CSRF) and its pages in Chromium:
axe-core on every staff page and the queue by keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from feedback_api.accounts import service as accounts
from fixtures.browser import assert_accessible
from fixtures.moderation_helpers import NHS_NUMBER, act, audit_entries, get, public, seed
from fixtures.staff import PASSWORD, sign_in_by_keyboard, sign_in_with_form


def test_audit_log_is_for_admins(staff_app, staff) -> None:
    comment_id = seed(staff_app, "Thank you")
    anonymous = staff_app.test_client()
    assert anonymous.get("/admin/audit").status_code == 302
    assert (
        anonymous.get("/admin/audit.json", headers={"Accept": "application/json"}).status_code
        == 401
    )
    assert staff("moderator").get("/admin/audit").status_code == 403
    admin = staff("admin")
    act(admin, f"/admin/comments/{comment_id}/approve")
    act(admin, f"/admin/comments/{comment_id}/spam")
    html = admin.get("/admin/audit").get_data(as_text=True)
    cells = re.findall(r'<td class="nhsuk-table__cell">(Spam|Approve)</td>', html)
    assert cells == ["Spam", "Approve"], "newest first"
    assert "admin@example.nhs.uk" in html and f"comment {comment_id}" in html
    assert "<details" in html and "Before and after" in html
    only = admin.get("/admin/audit?action=approve").get_data(as_text=True)
    assert re.findall(r'<td class="nhsuk-table__cell">(Spam|Approve)</td>', only) == ["Approve"]
    export = admin.get("/admin/audit.json?action=spam")
    assert export.mimetype == "application/json"
    [entry] = export.json["entries"]
    assert entry["action"] == "spam" and entry["user"] == "admin@example.nhs.uk"
    assert entry["before"]["status"] == "approved" and entry["after"]["status"] == "spam"


def test_actions_need_a_session(staff_app) -> None:
    comment_id = seed(staff_app, "Thank you")
    staff_app.config["WTF_CSRF_ENABLED"] = False
    answer = staff_app.test_client().post(f"/admin/comments/{comment_id}/approve")
    assert answer.status_code == 302 and "/admin/sign-in" in answer.headers["Location"]
    assert get(staff_app, comment_id).status == "pending"


def test_action_without_csrf_token_is_refused(staff_app, staff) -> None:
    comment_id = seed(staff_app, "Thank you")
    client = staff()
    answer = client.post(f"/admin/comments/{comment_id}/approve", data={})
    assert answer.status_code == 400
    forged = client.post(f"/admin/comments/{comment_id}/approve", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert get(staff_app, comment_id).status == "pending" and audit_entries(staff_app) == []
    assert public(client)["comments"] == []


# --- In the browser ----------------------------------------------------------------------------


@pytest.fixture
def staff_url(staff_app) -> Iterator[str]:
    from fixtures.servers import serving

    with serving(staff_app) as url:
        yield url


@pytest.mark.browser
def test_staff_pages_have_no_wcag_violations(page, staff_app, staff_url) -> None:
    held = seed(staff_app, f"NHS number {NHS_NUMBER}, phone 020 7946 0000", minutes_ago=90)
    parent = seed(staff_app, "A published comment", status="approved")
    seed(
        staff_app,
        "A reply with www.example.com and www.example.org and www.example.net",
        parent_id=parent,
    )
    plain = seed(staff_app, "Thanks for this")
    with staff_app.app_context():
        accounts.create("admin@example.nhs.uk", "admin", PASSWORD)
    page.goto(staff_url + "/admin/")
    sign_in_with_form(page, staff_url, "admin@example.nhs.uk")
    page.click(f"#item-{plain}-heading ~ .engage-item__actions button:has-text('Approve')")
    page.wait_for_selector(".nhsuk-notification-banner")
    for path in ("/admin/", f"/admin/comments/{parent}", "/admin/audit", f"/admin/comments/{held}"):
        if path != "/admin/":
            page.goto(staff_url + path)
        assert_accessible(page, path)
    assert page.foreign_requests == []


@pytest.mark.browser
def test_queue_works_by_keyboard_alone(staff_app, page) -> None:
    """Sign in, reach an item's Approve button with Tab, press Enter: approved, focus visible."""
    from fixtures.servers import serving

    comment_id = seed(staff_app, "Please publish me")
    with staff_app.app_context():
        accounts.create("keys@example.nhs.uk", "moderator", PASSWORD)
    with serving(staff_app) as url:
        page.goto(f"{url}/admin/sign-in")
        sign_in_by_keyboard(page, url, "keys@example.nhs.uk")
        wanted = f"Approve comment {comment_id}"
        for _ in range(150):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == wanted:
                break
        else:
            raise AssertionError("Tab never reached the Approve button")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle + s.boxShadow + s.backgroundColor; })()"
        )
        assert outline != "nonenonergba(0, 0, 0, 0)"
        page.keyboard.press("Enter")
        page.wait_for_selector(".nhsuk-notification-banner")
    assert get(staff_app, comment_id).status == "approved"
