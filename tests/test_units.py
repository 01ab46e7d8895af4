"""The plugin's small rules, checked directly."""

from __future__ import annotations

import datetime

import pytest

from engagement.frontmatter.consultations import split_outcome, status
from engagement.output.social import hashtag
from engagement.questionnaires.definitions import check, normalise
from theme.pagination import shown_numbers

D = datetime.date


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 10, 31), "upcoming"),
        (D(2026, 11, 2), "open"),
        (D(2027, 1, 15), "open"),
        (D(2027, 1, 16), "closing-soon"),
        (D(2027, 1, 29), "closing-soon"),
        (D(2027, 1, 30), "closed"),
    ],
)
def test_consultation_status(today: datetime.date, expected: str) -> None:
    assert status(D(2026, 11, 2), D(2027, 1, 29), today, 14) == expected


def test_outcome_is_split_from_the_body() -> None:
    body, outcome = split_outcome(
        '<p>Intro</p>\n<h2 id="you-said-we-did">You said, we did</h2><p>X</p>'
    )
    assert body == "<p>Intro</p>"
    assert outcome.startswith("<h2") and outcome.endswith("<p>X</p>")
    assert split_outcome("<p>Only</p>") == ("<p>Only</p>", None)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("urgent care", "#UrgentCare"),
        ("covid-19", "#Covid19"),
        ("NHS app", "#NHSApp"),
        ("santé mentale", "#SantéMentale"),
        ("---", None),
    ],
)
def test_hashtags_are_camel_case(tag: str, expected: str | None) -> None:
    assert hashtag(tag) == expected


def test_normalised_questionnaire() -> None:
    data = {
        "title": "Survey",
        "service": "the Minor Injuries Unit",
        "questions": [
            {"id": "experience", "type": "fft", "required": True},
            {"id": "travel", "type": "single", "label": "How?", "options": ["By bus", "On foot"]},
            {"id": "why", "type": "long_text", "label": "Why?"},
        ],
    }
    assert list(check("survey", data)) == []
    result = normalise("survey", data)
    fft, travel, why = result["questions"]
    assert fft["label"] == "Overall, how was your experience of the Minor Injuries Unit?"
    assert fft["required"] is True and len(fft["options"]) == 6
    assert travel["options"] == [
        {"value": "by_bus", "label": "By bus"},
        {"value": "on_foot", "label": "On foot"},
    ]
    assert travel["required"] is False and travel["max_length"] is None
    assert why["max_length"] == 2000


def test_fft_wording_cannot_be_changed() -> None:
    faults = list(
        check("s", {"title": "S", "questions": [{"id": "e", "type": "fft", "label": "X"}]})
    )
    assert faults and "wording is fixed" in faults[0][2]


@pytest.mark.parametrize(
    ("here", "last", "expected"),
    [
        (1, 1, [1]),
        (1, 2, [1, 2]),
        (1, 5, [1, 2, None, 5]),
        (3, 5, [1, 2, 3, 4, 5]),
        (5, 100, [1, None, 4, 5, 6, None, 100]),
        (4, 100, [1, 2, 3, 4, 5, None, 100]),
        (100, 100, [1, None, 99, 100]),
    ],
)
def test_pagination_shows_ends_and_neighbours(here: int, last: int, expected: list) -> None:
    assert shown_numbers(here, last) == expected
