"""A questionnaire with every question type, open today, on the sample consultation page: the
manifest the questionnaire and report tests run the API with; and questions as editors write
them, for the plugin's questionnaire tests."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from engagement.questionnaires.definitions import check, normalise

TODAY = datetime.date.today()


def options(*values: str) -> list[dict[str, str]]:
    return [{"value": v, "label": v.replace("_", " ").capitalize()} for v in values]


def question(qid: str, kind: str, **extra: object) -> dict:
    base = {
        "id": qid,
        "type": kind,
        "label": f"Question {qid}",
        "hint": None,
        "required": False,
        "options": [],
        "max_length": None,
    }
    return {**base, **extra}


SURVEY = {
    "id": "test-survey",
    "title": "Test survey",
    "intro": None,
    "service": None,
    "opens": (TODAY - datetime.timedelta(days=10)).isoformat(),
    "closes": (TODAY + datetime.timedelta(days=10)).isoformat(),
    "questions": [
        question(
            "experience",
            "fft",
            required=True,
            options=options("very_good", "good", "neither", "poor", "very_poor", "dont_know"),
        ),
        question("why", "long_text", max_length=50),
        question("used", "multiple", options=options("gp", "pharmacy", "other"), other=True),
        question("travel", "single", required=True, options=options("bus", "car")),
        question(
            "bus_route",
            "text",
            required=True,
            max_length=10,
            show_if={"question": "travel", "value": "bus"},
        ),
        question("rating", "scale", options=options("1", "2", "3", "4", "5")),
        question("last_visit", "date", past_only=True),
        question("equality_age", "equality", options=options("16_24", "prefer_not_to_say")),
    ],
}
CONSULTATION = "/consultations/urgent-care-vale-cross/"


def survey_manifest(tmp_path: Path, built_site: Path) -> str:
    """A copy of the sample manifest with SURVEY (open), one closed and one not yet open."""
    manifest = json.loads((built_site / "engagement.json").read_text())
    manifest["questionnaires"]["test-survey"] = SURVEY
    closed = {
        **SURVEY,
        "id": "closed-survey",
        "closes": (TODAY - datetime.timedelta(days=1)).isoformat(),
    }
    later = {
        **SURVEY,
        "id": "later-survey",
        "opens": (TODAY + datetime.timedelta(days=1)).isoformat(),
    }
    manifest["questionnaires"].update({"closed-survey": closed, "later-survey": later})
    for page in manifest["pages"]:
        if page["url"] == CONSULTATION:
            page["questionnaire"] = "test-survey"
    path = tmp_path / "engagement.json"
    path.write_text(json.dumps(manifest))
    return str(path)


# Questions as an editor writes them in content/questionnaires/*.yaml, for the plugin's tests.

CHOICE = {"id": "used", "type": "single", "label": "Used?", "options": ["Often", "Never"]}


SCALE = {"id": "s", "type": "scale", "label": "Rate"}
DATE = {"id": "d", "type": "date", "label": "When?"}
MULTI = {"id": "m", "type": "multiple", "label": "Which?", "options": ["A", "B"]}
TEXT = {"id": "t", "type": "text", "label": "Say"}


def cond(question: str, value) -> dict:
    return {
        "id": "c",
        "type": "text",
        "label": "More",
        "show_if": {"question": question, "value": value},
    }


def definition(*questions: dict, **top) -> dict:
    return {"title": "Survey", "questions": list(questions), **top}


def problems(data: dict) -> list[str]:
    """The plugin's faults in a definition, as 'field: message'."""
    return [f"{where}: {message}" for _, where, message in check("survey", data)]


def normalised(*questions: dict, **top) -> dict:
    """The normalised form of a definition that must have no faults."""
    data = definition(*questions, **top)
    assert problems(data) == []
    return normalise("survey", data)


def survey_app(make_app, tmp_path: Path, built_site: Path, **overrides: object) -> object:
    """An app for the `staff` fixture (cookies over plain http) reading SURVEY's manifest, with
    answers limited only loosely; `overrides` are further settings."""
    settings = {
        "ENGAGE_SECURE_COOKIES": False,
        "ENGAGE_MANIFEST": survey_manifest(tmp_path, built_site),
        "ENGAGE_RATELIMIT_RESPONSES": "1000/minute",
    }
    return make_app(**{**settings, **overrides})
