"""Arbitrary input, through the real API and database: hypothesis sends any JSON, text and
numbers to every public endpoint; the answer is never a server error, and whatever was stored
must still render everywhere staff and readers see it (queue, feeds, public list, report, CSV
and JSON export)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from feedback_api.storage.models import Comment, db
from fixtures.hostile import PAGE, a_comment, hostile_app, post_raw
from fixtures.surveys import CONSULTATION


@pytest.fixture
def staff_app(tmp_path, built_site, make_app):
    return hostile_app(make_app, tmp_path, built_site)


@pytest.fixture
def client(staff_app):
    return staff_app.test_client()


# --- Arbitrary input -----------------------------------------------------------------------

# Every code point, lone surrogates and controls included.
ANY_TEXT = st.text(st.characters(codec=None), max_size=60)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def encodable(text: str) -> bool:
    """Text a browser could send in a form (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def wire(value: object) -> str:
    """JSON as an attacker writes it: lone surrogates as \\u escapes, NaN and Infinity bare."""
    return json.dumps(value, ensure_ascii=True)


@pytest.fixture
def moderator(staff):
    """Signed in once for all of a test's examples (sign-in is rate limited)."""
    return staff("moderator")


@pytest.fixture
def admin(staff):
    return staff("admin")


def everything_renders(app, staff_client) -> None:
    """Every place stored text is shown answers 200 and parses: nothing stored breaks output."""
    with app.app_context(), transaction():
        comments = db.session.scalars(db.select(Comment)).all()
        for comment in comments:
            if comment.status == "pending":
                storage.set_status(comment, "approved")
        pages = {comment.page for comment in comments}
    for path in ["/admin/", "/admin/?status=approved", "/admin/?status=spam", "/admin/reports/"]:
        assert staff_client.get(path).status_code == 200, path
    for page in pages:
        listed = staff_client.get(f"/api/comments?page={page}")
        assert listed.status_code == 200 and listed.json["page"] == page
    from xml.etree import ElementTree

    for feed in ["/api/feeds/comments.atom"]:
        answer = staff_client.get(feed)
        assert answer.status_code == 200
        ElementTree.fromstring(answer.data)
    report = staff_client.get("/admin/reports/test-survey")
    assert report.status_code == 200
    exported = staff_client.get("/admin/reports/test-survey/responses.csv")
    assert exported.status_code == 200
    list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert staff_client.get("/admin/reports/test-survey/responses.json").status_code == 200


@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {"page": st.sampled_from([PAGE, CONSULTATION]) | ANY_TEXT, "body": ANY_TEXT},
        optional={
            "author": JSON_VALUES,
            "email": JSON_VALUES,
            "parent": st.integers() | st.floats() | ANY_TEXT,
            "notify": JSON_VALUES,
            "question": JSON_VALUES,
            "extra": JSON_VALUES,
        },
    )
)
def test_any_comment_json_is_answered_without_a_server_error(staff_app, moderator, fields) -> None:
    client = staff_app.test_client()
    answer = post_raw(client, "/api/comments", wire(fields))
    assert answer.status_code < 500, answer.get_data(as_text=True)
    assert answer.status_code == 202 or (answer.is_json and "error" in answer.json)
    form = client.post(
        "/api/comments",
        data={k: v for k, v in fields.items() if isinstance(v, str) and encodable(v)},
    )
    assert form.status_code < 500
    everything_renders(staff_app, moderator)


@FUZZ
@given(body=JSON_VALUES)
def test_any_json_body_anywhere_is_answered_without_a_server_error(staff_app, body) -> None:
    client = staff_app.test_client()
    made = a_comment(client)
    for path, method in [
        ("/api/comments", "POST"),
        ("/api/responses", "POST"),
        (f"/api/comments/{made['id']}", "PATCH"),
        (f"/api/comments/{made['id']}", "DELETE"),
    ]:
        answer = post_raw(client, path, wire(body), method)
        assert answer.status_code < 500, (path, method, answer.get_data(as_text=True))


@FUZZ
@given(
    answers=st.dictionaries(
        st.sampled_from(["experience", "why", "used", "used_other", "travel", "bus_route"])
        | st.sampled_from(["rating", "last_visit", "equality_age"])
        | ANY_TEXT,
        JSON_VALUES,
        max_size=8,
    )
)
def test_any_questionnaire_answers_are_answered_and_stored_ones_render(
    staff_app, admin, answers
) -> None:
    client = staff_app.test_client()
    answer = post_raw(
        client, "/api/responses", wire({"questionnaire": "test-survey", "answers": answers})
    )
    assert answer.status_code in (201, 400, 422), answer.get_data(as_text=True)
    good = client.post(
        "/api/responses",
        json={
            "questionnaire": "test-survey",
            "answers": {
                "experience": "good",
                "travel": "car",
                "why": "".join(v for v in answers if isinstance(v, str) and encodable(v))[:50],
            },
        },
    )
    assert good.status_code in (201, 400, 422)
    everything_renders(staff_app, admin)


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(["page", "p", "status", "kind", "q", "next", "token", "reference"]),
        ANY_TEXT.filter(encodable),
        max_size=4,
    )
)
def test_any_query_string_is_answered_without_a_server_error(staff_app, moderator, query) -> None:
    from urllib.parse import quote

    text = "&".join(f"{k}={quote(v)}" for k, v in query.items())
    for path in [
        "/api/comments",
        "/api/comments/counts",
        "/api/comments/received",
        "/api/responses/received",
        "/api/search",
        "/api/feeds/comments.atom",
        "/api/feeds/pending.atom",
        "/admin/",
        "/admin/reports/test-survey",
        "/admin/people",
    ]:
        answer = moderator.get(f"{path}?{text}")
        assert answer.status_code < 500, (path, text, answer.get_data(as_text=True)[:500])
