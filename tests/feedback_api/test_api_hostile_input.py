"""Hostile input at the boundary, through the real API and database: each attack the security
review found gets a clear 4xx and leaves the database as it was."""

from __future__ import annotations

import pytest

from feedback_api.storage import comments as storage
from feedback_api.storage.models import Comment, QuestionnaireResponse, db
from fixtures.hostile import PAGE, a_comment, answer_survey, hostile_app, post_raw, rows

SURROGATE = '"bad \\ud800 text"'  # JSON text for a lone surrogate, as an attacker sends it


@pytest.fixture
def staff_app(tmp_path, built_site, make_app):
    return hostile_app(make_app, tmp_path, built_site)


@pytest.fixture
def client(staff_app):
    return staff_app.test_client()


# --- Each finding of the review --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (f'{{"page": "{PAGE}", "body": {SURROGATE}}}', "body"),
        (f'{{"page": "{PAGE}", "body": "ok", "author": {SURROGATE}}}', "author"),
        (f'{{"page": "{PAGE}", "body": "ok", {SURROGATE}: 1}}', "body"),
    ],
)
def test_lone_surrogates_are_refused_with_the_field_named(staff_app, client, body, field) -> None:
    answer = post_raw(client, "/api/comments", body)
    assert answer.status_code == 400
    assert "Unicode" in answer.json["error"] and field in answer.json["fields"]
    assert rows(staff_app, Comment) == 0


def test_a_lone_surrogate_in_a_questionnaire_answer_is_refused(staff_app, client) -> None:
    body = (
        '{"questionnaire": "test-survey", "answers": {"experience": "good", "travel": "car", '
        f'"why": {SURROGATE}}}}}'
    )
    answer = post_raw(client, "/api/responses", body)
    assert answer.status_code == 400
    assert answer.json["fields"] == {"answers.why": answer.json["error"]}
    assert rows(staff_app, QuestionnaireResponse) == 0


@pytest.mark.parametrize(
    "parent", ["1e400", "9223372036854775808", "2147483648", "-1", "0", "true", '"²"', "1.5"]
)
def test_a_parent_that_no_database_holds_is_a_field_error(staff_app, client, parent) -> None:
    answer = post_raw(
        client, "/api/comments", f'{{"page": "{PAGE}", "body": "x", "parent": {parent}}}'
    )
    assert answer.status_code == 400
    assert "parent" in answer.json["fields"]
    assert rows(staff_app, Comment) == 0


def test_non_finite_numbers_are_refused(client) -> None:
    answer = post_raw(client, "/api/comments", f'{{"page": "{PAGE}", "body": "x", "n": NaN}}')
    assert answer.status_code == 400 and "finite" in answer.json["fields"]["n"]


@pytest.mark.parametrize("depth", [40, 5000, 100_000])
def test_deep_nesting_is_refused(staff_app, client, depth) -> None:
    body = f'{{"page": "{PAGE}", "body": "x", "deep": ' + "[" * depth + "]" * depth + "}"
    answer = post_raw(client, "/api/comments", body)
    assert answer.status_code in (400, 413)
    assert rows(staff_app, Comment) == 0


def test_a_questionnaire_nested_as_deep_as_it_may_be_is_taken(staff_app, client) -> None:
    answer = answer_survey(client, last_visit={"day": "3", "month": "2", "year": "2024"})
    assert answer.status_code == 201, answer.json


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null", "{not json"])
def test_patch_and_delete_with_a_body_that_is_not_an_object(staff_app, client, body) -> None:
    made = a_comment(client)
    for method in ("PATCH", "DELETE"):
        answer = client.open(
            f"/api/comments/{made['id']}",
            method=method,
            data=body,
            content_type="application/json",
            headers={"X-Edit-Token": made["edit_token"]},
        )
        assert answer.status_code == 400, (method, body, answer.get_data(as_text=True))
        assert answer.json["error"]
    with staff_app.app_context():
        assert storage.get_comment(made["id"]).body == "Fine."


@pytest.mark.parametrize("number", [2**31, 2**63, 2**64 + 1, 10**40])
def test_ids_past_what_the_database_holds_are_not_found(client, number) -> None:
    for method in ("PATCH", "DELETE"):
        answer = client.open(f"/api/comments/{number}", method=method, json={"body": "x"})
        assert answer.status_code == 404, (method, number)
        assert answer.json["error"]


@pytest.mark.parametrize(
    "year",
    ["12345678901234567890", "9" * 5000, "²⁰²⁴", "\uff12\uff10\uff12\uff14", "-2020", "20 24"],
)
def test_a_date_with_an_impossible_year_is_an_answer_error(staff_app, client, year) -> None:
    answer = answer_survey(client, last_visit={"day": "1", "month": "2", "year": year})
    assert answer.status_code == 422
    assert answer.json["fields"]["last_visit"] == "Enter a real date, for example 27 3 2026"
    assert rows(staff_app, QuestionnaireResponse) == 0


def test_bulk_ids_in_other_digits_select_nothing(staff, staff_app) -> None:
    client = staff("moderator")
    made = a_comment(staff_app.test_client())
    answer = client.post(
        "/admin/bulk",
        data={
            "action": "approve",
            "ids": ["²", "٣", "99999999999999999999", str(2**31)],
            "csrf_token": client.token,
        },
    )
    assert answer.status_code == 303
    with staff_app.app_context():
        assert storage.get_comment(made["id"]).status == "pending"


@pytest.mark.parametrize("number", ["9" * 30, "-5", "²", "1e9", str(2**63)])
def test_huge_or_odd_page_numbers_show_a_page(staff, number) -> None:
    client = staff("moderator")
    assert client.get(f"/admin/?p={number}").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "/admin/%0d%0aSet-Cookie:%20x=1",
        "/admin/%0aLocation:%20https://evil.example/",
        "//evil.example/admin/",
        "/admin/\\\\evil.example",
        "https://evil.example/admin/",
        "/admin//evil.example",
    ],
)
def test_redirect_targets_with_line_breaks_or_hosts_go_to_the_queue(staff, staff_app, target):
    client = staff("moderator")
    made = a_comment(staff_app.test_client())
    answer = client.post(
        f"/admin/comments/{made['id']}/approve?next={target}",
        data={"csrf_token": client.token},
    )
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"] == "/admin/"
    assert "Set-Cookie: x" not in str(answer.headers)


def test_control_characters_are_removed_from_every_text(staff_app, client, staff) -> None:
    made = a_comment(client, author="Sam\x00\x0b Jones\x1b", body="Line one\x0c\r\nline\ttwo\x7f")
    with staff_app.app_context():
        comment = storage.get_comment(made["id"])
        assert comment.author == "Sam Jones"
        assert comment.body == "Line one\nline\ttwo"
    form = client.post("/api/comments", data={"page": PAGE, "body": "Form\x00 text\x08"})
    assert form.status_code == 303
    with staff_app.app_context():
        newest = db.session.scalars(db.select(Comment).order_by(Comment.id.desc())).first()
        assert newest.body == "Form text"
    moderator = staff("moderator")
    assert moderator.get("/admin/?q=%00%0b").status_code == 200


def test_a_query_string_past_16_kb_is_refused(client) -> None:
    answer = client.get("/api/comments/counts?" + "&".join([f"page=/{'x' * 90}/"] * 200))
    assert answer.status_code == 414
    assert answer.json["error"]
