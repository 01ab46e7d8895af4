"""The reports' tests share one seeded questionnaire: seven people's answers, worked out by
hand in the tests, sent through the real API to a fresh database, each through the channel
REPORT_CHANNELS names (the link's `?via=` marker)."""

from __future__ import annotations

import pytest

from fixtures.surveys import REPORT_CHANNELS, REPORT_PEOPLE, survey_app


@pytest.fixture
def staff_app(tmp_path, built_site, make_app):
    """The `staff` fixture's app, reading a manifest with the test survey open today."""
    return survey_app(make_app, tmp_path, built_site, ENGAGE_REPORT_SMALL_GROUP=2)


@pytest.fixture
def seeded(staff_app):
    """The seven people's answers, sent through the API, plus one honeypot response."""
    client = staff_app.test_client()
    for (experience, travel, why, used, age), via in zip(
        REPORT_PEOPLE, REPORT_CHANNELS, strict=True
    ):
        answers = {"experience": experience, "travel": travel, "used": used}
        if travel == "bus":
            answers["bus_route"] = "X5"
        if why:
            answers["why"] = why
        if age:
            answers["equality_age"] = age
        sent = {"questionnaire": "test-survey", "answers": answers, **({"via": via} if via else {})}
        answer = client.post("/api/responses", json=sent)
        assert answer.status_code == 201, answer.json
    client.post(
        "/api/responses",
        json={
            "questionnaire": "test-survey",
            "answers": {"experience": "good", "travel": "car"},
            "website": "spam",
        },
    )
    return staff_app
