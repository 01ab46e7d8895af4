"""The responsiveness dashboard and the people's-data pages, through a signed-in browser client."""

from __future__ import annotations

import json
import re

import pytest

from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from feedback_api.storage.models import AuditEntry, Comment, db
from fixtures.browser import assert_accessible, assert_fits_320_px
from fixtures.servers import serving
from fixtures.staff import sign_in_with_form

PAGE = "/blog/winter-vaccines/"


def test_dashboard_shows_the_figures(staff_app, staff) -> None:
    moderator = staff("moderator")
    app = staff_app
    posted = moderator.post("/api/comments", json={"page": PAGE, "body": "Hello"}).json["id"]
    with app.app_context(), transaction():
        storage.set_status(storage.get_comment(posted), "approved")
    page = moderator.get("/admin/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "How quickly we respond" in html and "within 2 working days" in html
    assert "Winter vaccines" in html and "1 moderated" in html


def test_people_find_export_and_erase(staff_app, staff) -> None:
    admin = staff("admin")
    app = staff_app
    admin.post("/api/comments", json={"page": PAGE, "body": "Mine", "email": "sam@example.com"})
    admin.post("/api/comments", json={"page": PAGE, "body": "Theirs", "email": "kim@example.com"})
    found = admin.get("/admin/people?email=SAM@example.com").get_data(as_text=True)
    assert "1 comment submitted with SAM@example.com" in found and "Mine" in found
    assert "Theirs" not in found
    export = admin.get("/admin/people/export.json?email=sam@example.com")
    exported = json.loads(export.data)
    assert exported["comments"][0]["body"] == "Mine"
    # Times as the person and staff read them: UK time, its offset named (GMT +00:00, BST +01:00).
    for moment in (exported["exported"], exported["comments"][0]["created"]):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[01]:00", moment), moment
    assert "attachment" in export.headers["Content-Disposition"]
    unconfirmed = admin.post(
        "/admin/people/erase", data={"email": "sam@example.com", "csrf_token": admin.token}
    )
    assert unconfirmed.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 2
    erased = admin.post(
        "/admin/people/erase",
        data={"email": "sam@example.com", "confirm": "yes", "csrf_token": admin.token},
        follow_redirects=True,
    )
    assert "Erased 1 comment(s)" in erased.get_data(as_text=True)
    with app.app_context():
        assert [c.body for c in db.session.scalars(db.select(Comment))] == ["Theirs"]
        actions = [e.action for e in db.session.scalars(db.select(AuditEntry))]
        assert "personal data exported" in actions and "personal data erased" in actions


def test_people_pages_are_for_administrators(staff) -> None:
    moderator = staff("moderator")
    assert moderator.get("/admin/people").status_code == 403
    assert moderator.get("/admin/people/export.json?email=x@example.com").status_code == 403
    refused = moderator.post(
        "/admin/people/erase", data={"email": "x", "confirm": "yes", "csrf_token": moderator.token}
    )
    assert refused.status_code == 403


@pytest.mark.browser
def test_dashboard_and_people_pages_are_accessible(staff_app, staff, page) -> None:
    admin = staff("admin")
    admin.post("/api/comments", json={"page": PAGE, "body": "Mine", "email": "sam@example.com"})
    with serving(staff_app) as url:
        page.goto(f"{url}/admin/sign-in")
        sign_in_with_form(page, url, "admin@example.nhs.uk")
        for path in ("/admin/dashboard", "/admin/people?email=sam@example.com"):
            page.goto(url + path)
            assert_accessible(page, path)
        assert_fits_320_px(page, url + "/admin/dashboard")
    assert page.foreign_requests == []
