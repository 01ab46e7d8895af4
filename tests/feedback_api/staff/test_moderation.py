"""The moderation workspace through a real app and database: every queue action's effect on the
comment, the public API and the audit log; the queue's filters and highlighting. Access rules and
the pages in Chromium: test_moderation_access.py."""

from __future__ import annotations

import re

import pytest

from feedback_api.accounts import service as accounts
from feedback_api.staff.moderation_view import highlighted
from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from feedback_api.storage.models import Comment, db
from fixtures.moderation_helpers import (
    NHS_NUMBER,
    OTHER,
    PAGE,
    act,
    audit_entries,
    counts,
    get,
    public,
    seed,
)

# --- The queue ---------------------------------------------------------------------------------


def test_queue_shows_pending_oldest_first_with_reasons_marked(staff_app, staff) -> None:
    newer = seed(staff_app, "Call me on 020 7946 0000 please", minutes_ago=5)
    older = seed(staff_app, f"My NHS number is {NHS_NUMBER} <script>x</script>", minutes_ago=180)
    seed(staff_app, "Already published", status="approved")
    html = staff("moderator").get("/admin/").get_data(as_text=True)
    assert html.index(f'id="item-{older}-heading"') < html.index(f'id="item-{newer}-heading"')
    assert "Already published" not in html
    assert f"NHS number: </span>{NHS_NUMBER}</mark>" in html
    assert "phone number: </span>020 7946 0000</mark>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    assert "Held for:</strong> NHS number" in html and "3 hours ago" in html
    with staff_app.app_context():
        title = staff_app.extensions["engage_manifest"].get().page(PAGE)["title"]
    assert f'<a href="{PAGE}">{title}</a>' in html
    assert "<h1>Moderation queue</h1>" in html


def test_queue_marks_replies_and_questions(staff_app, staff) -> None:
    parent = seed(staff_app, "A top comment", status="approved")
    reply = seed(staff_app, "A reply", parent_id=parent)
    with staff_app.app_context(), transaction():
        storage.set_needs_response(storage.get_comment(reply), True)
    html = staff().get("/admin/").get_data(as_text=True)
    assert f"Reply</strong> to comment {parent}" in html
    assert "Question: needs a response" in html


def test_highlighting_clamps_offsets_and_skips_overlaps() -> None:
    body = "a <b> 0123 tail"
    marks = highlighted(
        body,
        [
            {"kind": "phone", "start": 6, "end": 10},
            {"kind": "email", "start": 8, "end": 12},  # overlaps the first: skipped
            {"kind": "word", "start": 11, "end": 999},  # clamped to the end
            {"kind": "word", "start": 3, "end": 3},  # empty: skipped
            {"kind": "word", "start": "x"},  # broken: skipped
        ],
    )
    assert str(marks) == (
        'a &lt;b&gt; <mark class="engage-held"><span class="nhsuk-u-visually-hidden">'
        'phone number: </span>0123</mark> <mark class="engage-held"><span '
        'class="nhsuk-u-visually-hidden">watched word: </span>tail</mark>'
    )


def test_queue_filters_and_pages(staff_app, staff) -> None:
    phone = seed(staff_app, "Ring 020 7946 0000", page=OTHER, author="Priya")
    plain = seed(staff_app, "Nothing personal at all", author="Alex")
    spam = seed(staff_app, "Buy things", status="spam")
    client = staff()

    def ids(query: str) -> set[int]:
        html = client.get(f"/admin/?{query}").get_data(as_text=True)
        return {int(n) for n in re.findall(r'id="item-(\d+)-heading"', html)}

    assert ids("") == {phone, plain}
    assert ids("status=spam") == {spam}
    assert ids(f"page={OTHER}") == {phone}
    assert ids("kind=phone") == {phone}
    assert ids("kind=email") == set()
    assert ids("q=PERSONAL") == {plain}
    assert ids("q=priya") == {phone}
    assert ids("q=100%25") == set()  # LIKE wildcards are literal
    options = client.get("/admin/").get_data(as_text=True)
    assert f'value="{OTHER}"' in options and "How NHS 111 and your pharmacy can help" in options

    for n in range(51):
        seed(staff_app, f"Bulk {n}", page=OTHER, minutes_ago=100 - n)
    first = client.get(f"/admin/?page={OTHER}").get_data(as_text=True)
    assert len(re.findall(r'id="item-\d+-heading"', first)) == 50
    assert "page 1 of 2" in first and "Next page" in first
    second = client.get(f"/admin/?page={OTHER}&p=2").get_data(as_text=True)
    assert len(re.findall(r'id="item-\d+-heading"', second)) == 2


# --- Actions: the comment, the public API and the audit log ------------------------------------


def test_approve(staff_app, staff) -> None:
    comment_id = seed(staff_app, "Thank you")
    client = staff()
    assert counts(client) == 0
    answer = act(client, f"/admin/comments/{comment_id}/approve", next="/admin/?q=thank")
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/?q=thank"
    banner = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"Approved comment {comment_id} by Sam" in banner
    assert "nhsuk-notification-banner--success" in banner
    reply = f'<a href="/admin/comments/{comment_id}#reply-heading">Reply as the organisation</a>'
    assert reply in banner, "the next step is one click away"
    assert get(staff_app, comment_id).status == "approved"
    assert [c["id"] for c in public(client)["comments"]] == [comment_id]
    assert counts(client) == 1
    [entry] = audit_entries(staff_app)
    assert entry.action == "approve" and entry.target == f"comment {comment_id}"
    assert entry.before["status"] == "pending" and entry.after["status"] == "approved"
    assert entry.user_id is not None


def test_next_never_leaves_the_workspace(staff_app, staff) -> None:
    comment_id = seed(staff_app, "Thank you")
    answer = act(staff(), f"/admin/comments/{comment_id}/approve", next="//evil.example/admin/")
    assert answer.headers["Location"] == "/admin/"


def test_reject_with_a_ground_rule_removes_a_published_comment(staff_app, staff) -> None:
    comment_id = seed(staff_app, "Rude words", status="approved")
    client = staff()
    assert counts(client) == 1
    page = client.get(f"/admin/comments/{comment_id}").get_data(as_text=True)
    assert "Abuse, discrimination and threats" in page and "Do not post anything abusive" in page

    missing = act(client, f"/admin/comments/{comment_id}/reject")
    assert missing.status_code == 400
    assert "Choose the ground rule this comment breaks." in missing.get_data(as_text=True)
    made_up = act(client, f"/admin/comments/{comment_id}/reject", reason="made-up")
    assert made_up.status_code == 400
    assert get(staff_app, comment_id).status == "approved" and audit_entries(staff_app) == []

    answer = act(client, f"/admin/comments/{comment_id}/reject", reason="abuse")
    assert answer.status_code == 303
    assert "Abuse, discrimination and threats" in client.get("/admin/").get_data(as_text=True)
    comment = get(staff_app, comment_id)
    assert (comment.status, comment.reject_reason) == ("rejected", "abuse")
    assert public(client)["comments"] == [] and counts(client) == 0
    [entry] = audit_entries(staff_app)
    assert entry.action == "reject" and entry.detail == "Abuse, discrimination and threats"
    assert entry.before["status"] == "approved"
    assert entry.after == {**entry.before, "status": "rejected", "reject_reason": "abuse"}


def test_spam(staff_app, staff) -> None:
    comment_id = seed(staff_app, "Cheap pills", status="approved")
    client = staff()
    answer = act(client, f"/admin/comments/{comment_id}/spam")
    assert answer.status_code == 303
    assert "as spam" in client.get("/admin/").get_data(as_text=True)
    assert get(staff_app, comment_id).status == "spam"
    assert public(client)["comments"] == [] and counts(client) == 0
    [entry] = audit_entries(staff_app)
    assert (entry.action, entry.before["status"], entry.after["status"]) == (
        "spam",
        "approved",
        "spam",
    )


@pytest.mark.parametrize(
    ("action", "reason", "status", "visible"),
    [
        ("approve", "", "approved", 2),
        ("reject", "spam-off-topic", "rejected", 0),
        ("spam", "", "spam", 0),
    ],
)
def test_bulk(staff_app, staff, action, reason, status, visible) -> None:
    first, second = seed(staff_app, "One"), seed(staff_app, "Two")
    untouched = seed(staff_app, "Three")
    client = staff()
    answer = client.post(
        "/admin/bulk",
        data={
            "csrf_token": client.token,
            "action": action,
            "reason": reason,
            "ids": [str(first), str(second)],
        },
    )
    assert answer.status_code == 303
    assert "2 comments" in client.get("/admin/").get_data(as_text=True)
    assert [get(staff_app, n).status for n in (first, second, untouched)] == [
        status,
        status,
        "pending",
    ]
    if action == "reject":
        assert get(staff_app, first).reject_reason == "spam-off-topic"
    assert counts(client) == visible and len(public(client)["comments"]) == visible
    entries = audit_entries(staff_app)
    assert [e.target for e in entries] == [f"comment {first}", f"comment {second}"]
    assert all(e.action == action and e.after["status"] == status for e in entries)


def test_bulk_needs_items_an_action_and_a_rule(staff_app, staff) -> None:
    comment_id = seed(staff_app, "One")
    client = staff()
    for data, message in [
        ({"action": "approve"}, "Select at least one comment."),
        ({"ids": [str(comment_id)]}, "Choose what to do with the selected comments."),
        ({"ids": [str(comment_id)], "action": "reject"}, "Choose the ground rule"),
    ]:
        answer = client.post("/admin/bulk", data={"csrf_token": client.token, **data})
        assert answer.status_code == 303
        assert message in client.get("/admin/").get_data(as_text=True)
    assert get(staff_app, comment_id).status == "pending" and audit_entries(staff_app) == []


def test_redact_then_approve_keeps_the_original_only_in_the_audit(staff_app, staff) -> None:
    original = f"My NHS number is {NHS_NUMBER}, please call."
    comment_id = seed(staff_app, original)
    moderator = staff("moderator")
    form = moderator.get(f"/admin/comments/{comment_id}").get_data(as_text=True)
    assert NHS_NUMBER in form  # before redaction the moderator sees what to remove

    answer = act(
        moderator,
        f"/admin/comments/{comment_id}/redact",
        body="My NHS number is [removed], please call.",
    )
    assert answer.status_code == 303
    comment = get(staff_app, comment_id)
    assert (
        comment.status == "approved" and comment.body == "My NHS number is [removed], please call."
    )
    assert comment.held_reasons == [] and NHS_NUMBER not in comment.html
    [item] = public(moderator)["comments"]
    assert "[removed]" in item["html"] and NHS_NUMBER not in item["html"]
    assert counts(moderator) == 1

    [entry] = audit_entries(staff_app)
    assert entry.action == "redact and approve"
    assert entry.before["body"] == original and NHS_NUMBER not in str(entry.after)
    for path in ("/admin/?status=approved", f"/admin/comments/{comment_id}"):
        assert NHS_NUMBER not in moderator.get(path).get_data(as_text=True)
    assert moderator.get("/admin/audit").status_code == 403
    assert moderator.get("/admin/audit.json").status_code == 403
    assert NHS_NUMBER in staff("admin").get("/admin/audit").get_data(as_text=True)


def test_redact_needs_text(staff_app, staff) -> None:
    comment_id = seed(staff_app, "Something")
    answer = act(staff(), f"/admin/comments/{comment_id}/redact", body="   ")
    assert answer.status_code == 400 and "There is a problem" in answer.get_data(as_text=True)
    assert get(staff_app, comment_id).status == "pending" and audit_entries(staff_app) == []


def test_needs_response_toggle(staff_app, staff) -> None:
    comment_id = seed(staff_app, "When does the clinic open?", status="approved")
    client = staff()
    act(client, f"/admin/comments/{comment_id}/needs-response", value="yes")
    assert get(staff_app, comment_id).needs_response is True
    waiting = client.get("/admin/?status=needs-response").get_data(as_text=True)
    assert f'id="item-{comment_id}-heading"' in waiting and "as needing a response" in waiting
    assert [c["id"] for c in public(client)["comments"]] == [comment_id]  # still published

    act(client, f"/admin/comments/{comment_id}/needs-response", value="no")
    assert get(staff_app, comment_id).needs_response is False
    assert f'id="item-{comment_id}-heading"' not in client.get(
        "/admin/?status=needs-response"
    ).get_data(as_text=True)
    entries = audit_entries(staff_app)
    assert [e.action for e in entries] == ["needs response", "no response needed"]
    assert entries[0].before["needs_response"] is False and entries[0].after["needs_response"]


def test_official_reply_with_tag(staff_app, staff) -> None:
    question = seed(staff_app, "Will the clinic open on Saturdays?", status="approved")
    with staff_app.app_context(), transaction():
        storage.set_needs_response(storage.get_comment(question), True)
    client = staff()
    with staff_app.app_context():
        site = staff_app.extensions["engage_manifest"].get().site
    page = client.get(f"/admin/comments/{question}").get_data(as_text=True)
    assert f"Reply as {site['name']}" in page
    answer = act(
        client, f"/admin/comments/{question}/reply", body="Yes, from *May*.", tag="change planned"
    )
    assert answer.status_code == 303
    assert "Replied to comment" in client.get("/admin/").get_data(as_text=True)

    with staff_app.app_context():
        [reply] = db.session.scalars(db.select(Comment).where(Comment.parent_id == question)).all()
        user = accounts.find("moderator@example.nhs.uk")
        assert (reply.official, reply.status, reply.reply_tag) == (
            True,
            "approved",
            "change planned",
        )
        assert reply.author == site["name"] and reply.staff_id == user.id
    assert get(staff_app, question).needs_response is False

    [top] = public(client)["comments"]
    assert top["tag"] is None and top["official"] is False
    [shown] = top["replies"]
    assert shown["official"] is True and shown["tag"] == "change planned"
    assert shown["author"] == site["name"] and shown["html"] == "<p>Yes, from <em>May</em>.</p>"
    assert counts(client) == 2
    # The workspace does not count the organisation's own reply as a comment.
    published = client.get("/admin/?status=approved").get_data(as_text=True)
    assert "1 comment and 1 official reply" in published
    [entry] = audit_entries(staff_app)
    assert entry.action == "official reply" and entry.after["tag"] == "change planned"
    assert entry.before["needs_response"] is True and entry.after["needs_response"] is False


def test_reply_only_to_published_top_level_comments(staff_app, staff) -> None:
    pending = seed(staff_app, "Not yet published")
    parent = seed(staff_app, "Published", status="approved")
    child = seed(staff_app, "A reply", status="approved", parent_id=parent)
    client = staff()
    for target in (pending, child):
        assert act(client, f"/admin/comments/{target}/reply", body="Hello").status_code == 409
    bad_tag = act(client, f"/admin/comments/{parent}/reply", body="Hello", tag="fixed")
    assert bad_tag.status_code == 400
    assert len(public(client)["comments"][0]["replies"]) == 1  # only the reader's reply
