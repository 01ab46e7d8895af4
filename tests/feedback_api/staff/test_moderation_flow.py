"""One flow through the real components, in one app: a reader posts a comment with the widget, a
moderator signs in through the real form, approves it from the queue and replies as the
organisation from the comment's page, and the reader sees the official reply under the comment.
The database and the audit log agree; the staff pages pass axe-core; nothing leaves loopback."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from feedback_api.accounts import service as accounts
from feedback_api.storage.models import AuditEntry, Comment, db
from fixtures.browser import assert_accessible
from fixtures.servers import serving

pytestmark = pytest.mark.browser

ARTICLE = "/blog/winter-vaccines/"
QUESTION = "When does the clinic open?"
ANSWER = "The clinic opens in March."
MODERATOR = "moderator@example.nhs.uk"
PASSWORD = "correct horse battery staple"
LOOPBACK = ("http://127.0.0.1", "data:", "blob:")


def queue_card(page, comment_id: int):
    """The queue's card for one comment."""
    return page.locator("article.engage-item", has=page.locator(f"#item-{comment_id}-heading"))


def test_reader_comment_moderated_and_answered(
    browser, page, make_app: Callable[..., object]
) -> None:
    app = make_app(ENGAGE_SECURE_COOKIES=False)
    with app.app_context():
        site_name = app.extensions["engage_manifest"].get().site["name"]
        accounts.create(MODERATOR, "moderator", PASSWORD)

    with serving(app) as url:
        # 1. The reader posts a question with JavaScript on.
        page.goto(url + ARTICLE)
        form = page.locator("form[data-engage-comment-form]")
        status = page.locator(".engage-comment-status[role=status]")
        expect(status).to_be_attached()  # the widget has enhanced the form
        form.locator("#comment-body").fill(QUESTION)
        form.locator("#comment-author").fill("Sam")
        form.get_by_role("button", name="Post comment").click()
        expect(status.locator(".nhsuk-panel")).to_have_text(
            re.compile(r"^Thank you for your comment")
        )
        expect(status).to_contain_text("checked it against our ground rules")
        expect(page.locator(".engage-mine .engage-mine__text")).to_have_text(QUESTION)
        expect(form.locator("#comment-body")).to_have_value("")
        with app.app_context():
            [comment] = db.session.scalars(db.select(Comment)).all()
            comment_id = comment.id
            assert (comment.status, comment.author, comment.body) == ("pending", "Sam", QUESTION)
            db.session.expunge_all()

        # 2. The moderator, in a separate browser context, signs in through the real form.
        context = browser.new_context()
        foreign: list[str] = []

        def guard(route) -> None:
            if route.request.url.startswith(LOOPBACK):
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        try:
            staff = context.new_page()
            staff.goto(url + "/admin/")
            staff.wait_for_url(re.compile(r"/admin/sign-in"))
            staff.fill("#email", MODERATOR)
            staff.fill("#password", PASSWORD)
            staff.get_by_role("button", name="Sign in").click()
            staff.wait_for_url(url + "/admin/")

            card = queue_card(staff, comment_id)
            expect(card).to_contain_text("Sam")
            expect(card.locator(".engage-item__text")).to_have_text(QUESTION)
            expect(card.locator(f'a[href="{ARTICLE}"]')).to_have_count(1)
            assert_accessible(staff, "queue with the pending comment")

            card.get_by_role("button", name=f"Approve comment {comment_id}").click()
            banner = staff.locator(".nhsuk-notification-banner--success")
            expect(banner).to_contain_text(f"Approved comment {comment_id} by Sam")
            expect(staff.locator(f"#item-{comment_id}-heading")).to_have_count(0)  # left the queue

            # The approved comment is found from the queue's approved view, then its own page.
            staff.goto(url + "/admin/?status=approved")
            card = queue_card(staff, comment_id)
            more = f"Reject, redact or reply to comment {comment_id}"
            card.get_by_role("link", name=more).click()
            staff.wait_for_url(re.compile(rf"/admin/comments/{comment_id}\?"))
            expect(staff.locator("h1")).to_have_text(f"Comment {comment_id} by Sam")
            expect(staff.locator("#reply-heading")).to_have_text(f"Reply as {site_name}")
            assert_accessible(staff, "the approved comment's page")

            staff.fill("#reply-body", ANSWER)
            staff.get_by_role("radio", name="Response", exact=True).check()
            staff.get_by_role("button", name="Publish reply").click()
            expect(staff.locator(".nhsuk-notification-banner--success")).to_contain_text(
                f"Replied to comment {comment_id} by Sam as {site_name}."
            )
            staff.wait_for_url(re.compile(r"/admin/\?status=approved"))
        finally:
            context.close()
        assert foreign == [], f"the staff pages asked for other hosts: {foreign}"

        # 3. The reader reloads: the comment, with the official reply nested under it.
        page.reload()
        published = page.locator(f"[data-engage-comments] #comment-{comment_id}")
        expect(published).to_be_visible()
        expect(published.locator("> .engage-comment__meta .engage-comment__author")).to_have_text(
            "Sam"
        )
        expect(published.locator("> .engage-comment__body")).to_have_text(QUESTION)
        reply = published.locator("ol.engage-comments > li.engage-comment--reply")
        expect(reply).to_have_count(1)
        expect(reply).to_have_class(re.compile(r"\bengage-comment--official\b"))
        expect(reply.locator(".engage-comment__meta .nhsuk-tag--blue")).to_have_text(
            "Official reply"
        )
        expect(reply.locator(".engage-comment__tag")).to_have_text("response")  # shown "Response"
        expect(reply.locator(".engage-comment__author")).to_have_text(site_name)
        expect(reply.locator(".engage-comment__body")).to_have_text(ANSWER)
        # the pending copy the widget kept is forgotten once the comment is published
        expect(page.locator(".engage-mine")).to_have_count(0)
        assert page.foreign_requests == []

    # 4. The database and the audit log.
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert comment.status == "approved" and comment.needs_response is False
        [answer] = db.session.scalars(db.select(Comment).where(Comment.parent_id == comment_id))
        assert (answer.official, answer.status, answer.reply_tag) == (True, "approved", "response")
        assert answer.author == site_name and answer.body == ANSWER
        moderator = accounts.find(MODERATOR)
        assert answer.staff_id == moderator.id
        entries = db.session.scalars(
            db.select(AuditEntry)
            .where(AuditEntry.target == f"comment {comment_id}")
            .order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == ["approve", "official reply"]
        assert all(e.user_id == moderator.id for e in entries)
        assert entries[0].before["status"] == "pending"
        assert entries[0].after["status"] == "approved"
        assert entries[1].after["tag"] == "response" and entries[1].after["reply"] == answer.id
