"""Helpers for the hostile-input tests: requests as an attacker sends them (raw JSON text), a
comment and a survey response as a reader sends them, and row counts."""

from __future__ import annotations

from feedback_api.storage.models import db
from surveys import survey_app

PAGE = "/blog/winter-vaccines/"


def rows(app, model: type) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def post_raw(client, path: str, body: str, method: str = "POST") -> object:
    return client.open(path, method=method, data=body, content_type="application/json")


def a_comment(client, **fields: object) -> dict:
    answer = client.post("/api/comments", json={"page": PAGE, "body": "Fine.", **fields})
    assert answer.status_code == 202, answer.get_data(as_text=True)
    return answer.json


def answer_survey(client, **answers: object) -> object:
    """A JSON response to the test survey: the required answers, plus `answers`."""
    return client.post(
        "/api/responses",
        json={
            "questionnaire": "test-survey",
            "answers": {"experience": "good", "travel": "car", **answers},
        },
    )


def hostile_app(make_app, tmp_path, built_site) -> object:
    """An app reading a manifest with the test survey open today, limits out of the way."""
    return survey_app(
        make_app,
        tmp_path,
        built_site,
        ENGAGE_RATELIMIT_RESPONSES="100000/minute",
        ENGAGE_RATELIMIT_COMMENTS="100000/minute",
    )
