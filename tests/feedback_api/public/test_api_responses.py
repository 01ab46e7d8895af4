"""Answering questionnaires through the real API: every question type with good and bad answers,
conditions, closed and not-yet-open windows, the no-JavaScript error round trip, and storage."""

from __future__ import annotations

import datetime
import json
import re

import pytest

from feedback_api import create_app
from feedback_api.storage.models import QuestionnaireResponse, db
from fixtures.api import api_config
from fixtures.surveys import TODAY, survey_manifest


@pytest.fixture
def survey_app(tmp_path, built_site, make_app):
    """The sample manifest with a test questionnaire open today, on the consultation page."""
    return make_app(
        ENGAGE_MANIFEST=survey_manifest(tmp_path, built_site),
        ENGAGE_RATELIMIT_RESPONSES="1000/minute",
    )


GOOD = {"experience": "good", "travel": "car", "why": "Friendly staff."}


def send(client, answers: dict, questionnaire: str = "test-survey"):
    return client.post("/api/responses", json={"questionnaire": questionnaire, "answers": answers})


def stored(app) -> list[QuestionnaireResponse]:
    with app.app_context():
        found = db.session.scalars(
            db.select(QuestionnaireResponse).order_by(QuestionnaireResponse.id)
        ).all()
        db.session.expunge_all()
        return found


def test_a_good_response_is_stored_with_a_reference(survey_app) -> None:
    client = survey_app.test_client()
    answer = send(
        client,
        {
            **GOOD,
            "used": ["gp", "other"],
            "used_other": "Dentist",
            "rating": "4",
            "last_visit": "2026-01-05",
            "equality_age": "prefer_not_to_say",
        },
    )
    assert answer.status_code == 201
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", answer.json["reference"])
    [response] = stored(survey_app)
    assert response.answers == {
        "experience": "good",
        "why": "Friendly staff.",
        "used": ["gp", "other"],
        "used_other": "Dentist",
        "travel": "car",
        "rating": "4",
        "last_visit": "2026-01-05",
        "equality_age": "prefer_not_to_say",
    }
    assert response.reference == answer.json["reference"]


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"travel": "car"}, "experience", "Select an answer"),
        ({**GOOD, "experience": "great"}, "experience", "Select one of the answers given"),
        ({**GOOD, "why": "x" * 51}, "why", "50 characters or fewer"),
        ({**GOOD, "used": ["gp", "dentist"]}, "used", "Select only the answers given"),
        ({**GOOD, "used": ["other"]}, "used", "say what"),
        ({**GOOD, "travel": "bus"}, "bus_route", "Enter an answer"),
        ({**GOOD, "travel": "bus", "bus_route": "x" * 11}, "bus_route", "10 characters or fewer"),
        ({**GOOD, "rating": "6"}, "rating", "Select one of the answers given"),
        ({**GOOD, "last_visit": "2026-02-30"}, "last_visit", "Enter a real date"),
        (
            {**GOOD, "last_visit": (TODAY + datetime.timedelta(days=3)).isoformat()},
            "last_visit",
            "in the past",
        ),
        ({**GOOD, "equality_age": "99"}, "equality_age", "Select one of the answers given"),
        ({**GOOD, "why": 12}, "why", "Enter text"),
    ],
)
def test_bad_answers_are_422_with_a_message_per_question(
    survey_app, answers, field, message
) -> None:
    answer = send(survey_app.test_client(), answers)
    assert answer.status_code == 422
    assert message in answer.json["fields"][field]
    assert stored(survey_app) == []


def test_a_hidden_question_is_ignored(survey_app) -> None:
    answer = send(survey_app.test_client(), {**GOOD, "bus_route": "X5"})  # travel is car
    assert answer.status_code == 201
    assert "bus_route" not in stored(survey_app)[0].answers


def test_equality_questions_are_never_required(survey_app) -> None:
    assert send(survey_app.test_client(), GOOD).status_code == 201


def test_a_questionnaire_client_is_told_to_send_the_answers(survey_app) -> None:
    """Not "the comment": the 415 names what this endpoint takes."""
    client = survey_app.test_client()
    answer = client.post("/api/responses", data="x", content_type="text/plain")
    assert answer.status_code == 415
    assert answer.json["error"].startswith("Send the answers as JSON (application/json)")
    assert "comment" not in answer.json["error"]


def test_windows_and_unknown_questionnaires(survey_app) -> None:
    client = survey_app.test_client()
    assert send(client, GOOD, "closed-survey").status_code == 409
    assert send(client, GOOD, "later-survey").status_code == 409
    assert send(client, GOOD, "no-such-survey").status_code == 404
    assert client.post("/api/responses", json={"questionnaire": "test-survey"}).status_code == 400
    assert client.post("/api/responses", data="x", content_type="text/plain").status_code == 415
    big = json.dumps({"questionnaire": "test-survey", "answers": {"why": "x" * 70_000}})
    assert (
        client.post("/api/responses", data=big, content_type="application/json").status_code == 413
    )
    assert stored(survey_app) == []


def test_rate_limit(tmp_path, built_site) -> None:
    app = create_app(
        api_config(tmp_path, built_site, "sqlite", ENGAGE_RATELIMIT_RESPONSES="1/minute")
    )
    client = app.test_client()
    first = client.post("/api/responses", json={"questionnaire": "nope", "answers": {}})
    second = client.post("/api/responses", json={"questionnaire": "nope", "answers": {}})
    assert (first.status_code, second.status_code) == (404, 429)


def test_free_text_is_screened_and_honeypot_marked(survey_app) -> None:
    client = survey_app.test_client()
    send(client, {**GOOD, "why": "Call me 07700 900123"})
    client.post(
        "/api/responses", json={"questionnaire": "test-survey", "answers": GOOD, "website": "x"}
    )
    first, second = stored(survey_app)
    assert first.held_reasons["why"][0]["kind"] == "phone" and not first.spam
    assert second.spam


def test_form_round_trip_keeps_every_answer(survey_app) -> None:
    client = survey_app.test_client()
    form = {
        "questionnaire": "test-survey",
        "why": "Too <b>slow</b>",
        "used": ["pharmacy", "other"],
        "used_other": "",
        "travel": "bus",
        "rating": "2",
        "last_visit-day": "31",
        "last_visit-month": "2",
        "last_visit-year": "2026",
    }
    answer = client.post("/api/responses", data=form)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'class="nhsuk-error-summary"' in html
    for field in ("experience", "used", "bus_route", "last_visit"):
        assert f'href="#q-{field}' in html, field
    assert "Too &lt;b&gt;slow&lt;/b&gt;</textarea>" in html
    assert re.search(r'value="pharmacy"[^>]*checked', html)
    assert re.search(r'value="bus"[^>]*checked', html)
    assert 'value="31"' in html and 'value="2026"' in html
    assert stored(survey_app) == []
    fixed = {
        **form,
        "experience": "poor",
        "used": ["pharmacy"],
        "bus_route": "X5",
        "last_visit-day": "28",
    }
    done = client.post("/api/responses", data=fixed)
    assert done.status_code == 303
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    [response] = stored(survey_app)
    assert response.reference in page
    assert response.answers["last_visit"] == "2026-02-28"


def test_summary_figures_match_hand_computed_values(survey_app) -> None:
    client = survey_app.test_client()
    fft = ["very_good", "very_good", "good", "neither", "poor", "very_poor", "dont_know"]
    used = [["gp"], ["gp", "pharmacy"], [], ["pharmacy"], [], [], ["gp"]]
    for experience, services in zip(fft, used, strict=True):
        assert (
            send(client, {"experience": experience, "travel": "car", "used": services}).status_code
            == 201
        )
    client.post(
        "/api/responses",
        json={"questionnaire": "test-survey", "answers": {**GOOD}, "website": "bot"},
    )
    result = survey_app.test_cli_runner().invoke(
        args=["reports", "summary", "test-survey", "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["responses"] == 7, "the honeypot response is left out"
    experience = figures["questions"]["experience"]
    assert experience["counts"] == {
        "very_good": 2,
        "good": 1,
        "neither": 1,
        "poor": 1,
        "very_poor": 1,
        "dont_know": 1,
    }
    # Positive (3 of 7) and negative (2 of 7), "Don't know" counted in the denominator.
    assert (experience["positive_pct"], experience["negative_pct"]) == (42.9, 28.6)
    services = figures["questions"]["used"]
    assert services["answered"] == 4
    assert services["counts"] == {"gp": 3, "pharmacy": 2, "other": 0}
    assert services["percentages"] == {"gp": 75.0, "pharmacy": 50.0, "other": 0.0}
    text = survey_app.test_cli_runner().invoke(args=["reports", "summary", "test-survey"])
    assert "positive 42.9%, negative 28.6%" in text.output
    unknown = survey_app.test_cli_runner().invoke(args=["reports", "summary", "nope"])
    assert unknown.exit_code != 0 and "There is no questionnaire 'nope'" in unknown.output
