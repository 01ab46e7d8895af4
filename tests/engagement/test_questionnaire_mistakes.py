"""Every mistake an editor can make in a questionnaire file, explained with its line (the shapes
of correct questions: test_questionnaire_types.py)."""

from __future__ import annotations

import textwrap

import pytest

from engagement.questionnaires.definitions import load_all
from fixtures.site import ROOT
from fixtures.surveys import (
    CHOICE,
    DATE,
    MULTI,
    SCALE,
    TEXT,
    cond,
    definition,
    problems,
)

# Every mistake -----------------------------------------------------------------------------------

ERRORS = {
    "scale min not a number": (
        definition({**SCALE, "min": "one"}),
        "question 's'.min: should be a whole number, 0 or more",
    ),
    "scale upside down": (
        definition({**SCALE, "min": 5, "max": 1}),
        "question 's'.max: should be more than min (5)",
    ),
    "scale too long": (
        definition({**SCALE, "min": 0, "max": 20}),
        "question 's'.max: the scale has 21 points; use at most 11",
    ),
    "scale label not text": (
        definition({**SCALE, "max_label": 5}),
        "question 's'.max_label: should be text",
    ),
    "scale with options": (
        definition({**SCALE, "options": ["A", "B"]}),
        "question 's'.options: a scale's answers come from min and max: remove options.",
    ),
    "min on a single choice": (
        definition({**CHOICE, "min": 1}),
        "question 'used'.min: only scale questions take min: remove it.",
    ),
    "past_only not true or false": (
        definition({**DATE, "past_only": "yes please"}),
        "question 'd'.past_only: should be true or false.",
    ),
    "past_only on text": (
        definition({**TEXT, "past_only": True}),
        "question 't'.past_only: only date questions take past_only: remove it.",
    ),
    "date with options": (
        definition({**DATE, "options": ["A", "B"]}),
        "question 'd'.options: a date question has no options",
    ),
    "other not true or false": (
        definition({**MULTI, "other": "yes"}),
        "question 'm'.other: should be true or false.",
    ),
    "other on single choice": (
        definition({**CHOICE, "other": True}),
        "question 'used'.other: only multiple questions take other: remove it.",
    ),
    "other twice": (
        definition({**MULTI, "options": ["A", "Other"], "other": True}),
        "question 'm'.other: adds an answer 'other' with a box to say what, but the options "
        "already have one",
    ),
    "other box clashes with a question": (
        definition({**MULTI, "other": True}, {**TEXT, "id": "m_other"}),
        "question 'm_other'.id: is used twice (first at the 'Other, please say' box of question 1)",
    ),
    "equality required": (
        definition({"type": "equality", "required": True}),
        "question 'equality'.required: equality monitoring questions are never required",
    ),
    "equality unknown part": (
        definition({"type": "equality", "include": ["age", "gender"]}),
        "question 'equality'.include[2]: 'gender' is not a part of equality monitoring",
    ),
    "equality misspelt part": (
        definition({"type": "equality", "include": ["ethnicty"]}),
        "'ethnicty' is not a part of equality monitoring: did you mean 'ethnicity'?",
    ),
    "equality part twice": (
        definition({"type": "equality", "include": ["age", "age"]}),
        "question 'equality'.include[2]: 'age' is listed twice: remove one.",
    ),
    "equality include empty": (
        definition({"type": "equality", "include": []}),
        "question 'equality'.include: should list the parts to ask, from age, sex",
    ),
    "equality wording": (
        definition({"type": "equality", "label": "About you"}),
        "question 'equality'.label: the equality monitoring questions have fixed wording",
    ),
    "equality conditional": (
        definition(CHOICE, {"type": "equality", "show_if": {"question": "used", "value": "often"}}),
        "question 'equality'.show_if: equality monitoring questions cannot be conditional",
    ),
    "equality twice": (
        definition({"type": "equality"}, {"type": "equality", "include": ["age"]}),
        "question 'equality'.id: this block asks 'equality_age', an id already used (first at "
        "question 1): give the block another id",
    ),
    "equality bad id": (
        definition({"type": "equality", "id": "About You"}),
        "question 'About You'.id: needs an id of lowercase letters",
    ),
    "show_if not a condition": (
        definition(CHOICE, {**TEXT, "show_if": "used is never"}),
        "question 't'.show_if: needs a question and a value: write 'show_if: {question:",
    ),
    "show_if without value": (
        definition(CHOICE, {**TEXT, "show_if": {"question": "used"}}),
        "question 't'.show_if: needs a question and a value",
    ),
    "show_if on a later question": (
        definition(cond("used", "often"), CHOICE),
        "question 'c'.show_if.question: 'used' comes after this question: move this question "
        "below it.",
    ),
    "show_if on no question": (
        definition(CHOICE, cond("usd", "often")),
        "question 'c'.show_if.question: there is no question 'usd' before this: did you mean "
        "'used'?",
    ),
    "show_if on itself": (
        definition({**CHOICE, "show_if": {"question": "used", "value": "often"}}),
        "question 'used'.show_if.question: a question cannot depend on its own answer.",
    ),
    "show_if on a text question": (
        definition(TEXT, cond("t", "x")),
        "question 'c'.show_if.question: 't' is a text question: a condition needs a single, "
        "multiple, scale or fft question",
    ),
    "show_if on a date": (
        definition(DATE, cond("d", "x")),
        "'d' is a date question",
    ),
    "show_if two levels": (
        definition(
            CHOICE,
            {**MULTI, "show_if": {"question": "used", "value": "often"}},
            cond("m", "a"),
        ),
        "question 'c'.show_if.question: 'm' is itself shown only on a condition, and conditions "
        "go one level deep",
    ),
    "show_if value not an answer": (
        definition(CHOICE, cond("used", "sometimes")),
        "question 'c'.show_if.value: 'sometimes' is not an answer to 'used': use one of often, "
        "never.",
    ),
    "show_if value out of scale": (
        definition(SCALE, cond("s", 9)),
        "question 'c'.show_if.value: '9' is not an answer to 's': use one of 1, 2, 3, 4, 5.",
    ),
    "show_if value read as true": (
        definition(CHOICE, cond("used", True)),
        "question 'c'.show_if.value: YAML read this as true/false",
    ),
    "show_if on other": (
        definition({**MULTI, "other": False}, cond("m", "other")),
        "'other' is not an answer to 'm': use one of a, b.",
    ),
    "pages and questions": (
        {"title": "S", "questions": [CHOICE], "pages": [{"title": "P", "questions": [TEXT]}]},
        "pages: use either questions: or pages:, not both",
    ),
    "pages empty": ({"title": "S", "pages": []}, "pages: should list pages"),
    "page without title": (
        {"title": "S", "pages": [{"questions": [TEXT]}]},
        "pages[1].title: is missing: add 'title: ...', the page's heading.",
    ),
    "page without questions": (
        {"title": "S", "pages": [{"title": "P"}]},
        "pages[1].questions: is missing or empty",
    ),
    "page misspelt field": (
        {"title": "S", "pages": [{"title": "P", "question": [TEXT]}]},
        "pages[1].question: is not a field of a page: did you mean 'questions'?",
    ),
    "question on a page without id": (
        {"title": "S", "pages": [{"title": "P", "questions": [{"type": "text", "label": "X"}]}]},
        "pages[1].questions[1].id: needs an id",
    ),
    "privacy_url not an address": (
        definition(TEXT, privacy_url="privacy page"),
        "privacy_url: should be the address of the privacy notice, starting with / or https://",
    ),
    "consent not text": (
        definition(TEXT, consent=["a", "b"]),
        "consent: should be the consent statement as text",
    ),
    "alias for a scale": (
        definition({**SCALE, "type": "rating"}),
        "question 's'.type: 'rating' is not a question type: did you mean 'scale'?",
    ),
}


@pytest.mark.parametrize("case", ERRORS)
def test_mistakes_are_explained(case: str) -> None:
    data, expected = ERRORS[case]
    found = problems(data)
    assert any(expected in problem for problem in found), f"{expected!r} not in {found}"


def test_line_numbers_point_at_the_mistake(tmp_path) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "survey.yaml").write_text(
        textwrap.dedent(
            """\
            title: Survey
            pages:
              - title: First
                questions:
                  - id: used
                    type: single
                    label: Used?
                    options: [Often, Never]
                  - id: why
                    type: text
                    label: Why?
                    show_if:
                      question: used
                      value: sometimes
              - title: About you
                questions:
                  - type: equality
                    include: [age, gender]
                    required: true
            """
        ),
        encoding="utf-8",
    )
    definitions, faults = load_all(folder, tmp_path)
    assert definitions == {}
    shown = {(line, where) for _, (line, where, _message) in faults}
    assert (13, "question 'why'.show_if.value") in shown
    assert (17, "question 'equality'.include[2]") in shown
    assert (17, "question 'equality'.required") in shown


def test_the_samples_use_every_type() -> None:
    definitions, faults = load_all(ROOT / "content/questionnaires", ROOT)
    assert faults == []
    urgent = definitions["urgent-care-vale-cross"]
    kinds = {q["type"] for q in urgent["questions"]}
    assert {"scale", "date", "multiple", "equality", "fft"} <= kinds
    assert any(q.get("other") for q in urgent["questions"])
    assert any(q["show_if"] for q in urgent["questions"])
    assert definitions["millbrook-maternity"]["pages"]
