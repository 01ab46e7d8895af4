"""A report's work does not grow with its responses: the same SQL statements whatever their
number, none reading every response's answers; frequent terms come from the latest answers
(and the page says so when there are more); the page lists the latest published comments and
counts them all."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from feedback_api.staff.reports import pages as report_pages
from feedback_api.staff.reports import text as report_text
from feedback_api.storage.models import db


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def statements(app, client, address: str) -> list[str]:
    """The SQL statements one request runs."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(address).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def _more(app, times: int) -> None:
    client = app.test_client()
    for _ in range(times):
        sent = {"questionnaire": "test-survey", "answers": {"experience": "good", "travel": "car"}}
        assert client.post("/api/responses", json=sent).status_code == 201


@pytest.mark.parametrize("address", ["/admin/reports/test-survey", "/admin/reports/"])
def test_the_same_statements_whatever_the_number_of_responses(seeded, staff, address) -> None:
    moderator = staff("moderator")
    before = statements(seeded, moderator, address)
    _more(seeded, 12)
    after = statements(seeded, moderator, address)
    assert len(after) == len(before)
    # No statement reads the stored answers of every response: the index counts them.
    for statement in after:
        assert not re.search(r"SELECT .*responses\.answers", statement, re.S), statement


def test_frequent_terms_come_from_the_latest_answers_and_say_so(seeded, staff, monkeypatch) -> None:
    moderator = staff("moderator")
    text = words(moderator.get("/admin/reports/test-survey").get_data(as_text=True))
    assert "across every free-text answer" in text
    monkeypatch.setattr(report_text, "TERMS_FROM", 2)
    text = words(moderator.get("/admin/reports/test-survey").get_data(as_text=True))
    # Six typed answers (five "why", one bus route); the latest two are the last two people's
    # reasons: "Rude reception, long wait." and the =HYPERLINK one.
    assert "in the latest 2 of the 6 free-text answers" in text
    # The words table lists "wait" (both use it), not "friendly" (only the first person's).
    html = moderator.get("/admin/reports/test-survey").get_data(as_text=True)
    section = html[html.index('id="terms"') :]
    assert ">wait</a>" in section and ">friendly</a>" not in section


def test_the_latest_published_comments_are_listed_and_every_one_counted(
    seeded, staff, monkeypatch
) -> None:
    from feedback_api.storage import pages, transaction
    from feedback_api.storage.models import Comment
    from fixtures.surveys import CONSULTATION

    with seeded.app_context(), transaction():
        pages.ensure_page(CONSULTATION)
        for n in range(5):
            db.session.add(
                Comment(
                    page=CONSULTATION,
                    body=f"Published comment number {n}.",
                    html=f"<p>Published comment number {n}.</p>",
                    status="approved",
                    edit_token_hash="",
                )
            )
    monkeypatch.setattr(report_pages, "PUBLISHED_LISTED", 2)
    text = words(staff("moderator").get("/admin/reports/test-survey").get_data(as_text=True))
    assert "5 published" in text
    assert "The latest 2, oldest first; read every published comment" in text
    assert "Published comment number 3." in text and "Published comment number 4." in text
    assert "Published comment number 2." not in text


MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
hostile = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
) | st.sampled_from(["%", "_", "\\", "' OR 1=1 --", "2026-02-30", "-1", "99999999999", *MARKUP])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            ["from", "to", "channel", "by", "question", "field", "flagged", "contains", "page"]
        ),
        hostile,
        max_size=6,
    )
)
def test_any_filter_in_the_address_gives_a_report_never_an_error(seeded, staff, query) -> None:
    # One sign-in for every example (the sign-in form is rate-limited, as it should be).
    client = seeded.config.setdefault("TEST_MODERATOR", None) or staff("moderator")
    seeded.config["TEST_MODERATOR"] = client
    for address in ("/admin/reports/test-survey", "/admin/reports/test-survey/responses.json"):
        answer = client.get(address, query_string=query)
        assert answer.status_code == 200, (address, query, answer.status_code)
    html = client.get("/admin/reports/test-survey", query_string=query).get_data(as_text=True)
    for value in query.values():  # markup typed in the address comes back escaped, if at all
        if value in MARKUP:
            assert value not in html, value
