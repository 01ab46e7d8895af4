"""Question types beyond the basics: scale, date, equality monitoring, "other, please say",
conditions and pages, normalised as the manifest documents (every mistake explained with its
line: test_questionnaire_mistakes.py; rendering them: test_questionnaire_rendering.py)."""

from __future__ import annotations

from engagement.questionnaires.definitions import DEFAULT_CONSENT, normalise
from fixtures.surveys import (
    CHOICE,
    normalised,
    problems,
)

# Normalised shapes -------------------------------------------------------------------------------


def test_scale_becomes_numbered_options() -> None:
    scale = {
        "id": "waiting",
        "type": "scale",
        "label": "How was the wait?",
        "min": 1,
        "max": 5,
        "min_label": "Very poor",
        "max_label": "Very good",
    }
    (question,) = normalised(scale)["questions"]
    assert question == {
        "id": "waiting",
        "type": "scale",
        "label": "How was the wait?",
        "hint": None,
        "required": False,
        "options": [
            {"value": "1", "label": "1 - Very poor"},
            {"value": "2", "label": "2"},
            {"value": "3", "label": "3"},
            {"value": "4", "label": "4"},
            {"value": "5", "label": "5 - Very good"},
        ],
        "max_length": None,
        "show_if": None,
    }


def test_scale_defaults_to_one_to_five_and_may_start_at_nought() -> None:
    (plain,) = normalised({"id": "s", "type": "scale", "label": "Rate"})["questions"]
    assert [o["label"] for o in plain["options"]] == ["1", "2", "3", "4", "5"]
    (nps,) = normalised({"id": "s", "type": "scale", "label": "Rate", "min": 0, "max": 10})[
        "questions"
    ]
    assert [o["value"] for o in nps["options"]] == [str(n) for n in range(11)]


def test_date() -> None:
    date = {"id": "visit", "type": "date", "label": "When?", "past_only": True, "required": True}
    (question,) = normalised(date)["questions"]
    assert question == {
        "id": "visit",
        "type": "date",
        "label": "When?",
        "hint": None,
        "required": True,
        "options": [],
        "max_length": None,
        "show_if": None,
        "past_only": True,
    }
    (default,) = normalised({"id": "d", "type": "date", "label": "When?"})["questions"]
    assert default["past_only"] is False


def test_multiple_with_other() -> None:
    question = {"id": "used", "type": "multiple", "label": "Which?", "options": ["A", "B"]}
    (shaped,) = normalised({**question, "other": True})["questions"]
    assert shaped["other"] is True
    assert shaped["options"][-1] == {"value": "other", "label": "Other"}
    assert [o["value"] for o in shaped["options"]] == ["a", "b", "other"]
    (without,) = normalised(question)["questions"]
    assert without["other"] is False and len(without["options"]) == 2
    (single,) = normalised(CHOICE)["questions"]
    assert "other" not in single and "past_only" not in single


def test_equality_block_expands_into_optional_questions() -> None:
    questions = normalised({"type": "equality"})["questions"]
    assert [q["id"] for q in questions] == [
        "equality_age",
        "equality_sex",
        "equality_ethnicity",
        "equality_disability",
        "equality_carer",
    ]
    for question in questions:
        assert question["type"] == "equality" and question["required"] is False
        assert question["options"][-1] == {
            "value": "prefer_not_to_say",
            "label": "Prefer not to say",
        }
        assert question["show_if"] is None
    age = [o["label"] for o in questions[0]["options"]]
    assert age[0] == "Under 16" and "16 to 24" in age and "75 or over" in age
    ethnic = [o["value"] for o in questions[2]["options"]]
    assert ethnic == ["asian", "black", "mixed", "white", "other", "prefer_not_to_say"]
    assert [o["value"] for o in questions[3]["options"]] == ["yes", "no", "prefer_not_to_say"]


def test_equality_parts_and_id_can_be_chosen() -> None:
    block = {"type": "equality", "id": "about_you", "include": ["carer", "age"], "required": False}
    questions = normalised(block)["questions"]
    assert [q["id"] for q in questions] == ["about_you_carer", "about_you_age"]


def test_show_if() -> None:
    follow = {
        "id": "why_never",
        "type": "text",
        "label": "Why not?",
        "show_if": {"question": "used", "value": "never"},
    }
    shaped = normalised(CHOICE, follow)["questions"][1]
    assert shaped["show_if"] == {"question": "used", "value": "never"}
    scale = {"id": "s", "type": "scale", "label": "Rate"}
    low = {"id": "low", "type": "text", "label": "Why?", "show_if": {"question": "s", "value": 1}}
    assert normalised(scale, low)["questions"][1]["show_if"] == {"question": "s", "value": "1"}
    fft = {"id": "experience", "type": "fft"}
    poor = {"id": "p", "type": "long_text", "label": "Why?"}
    poor["show_if"] = {"question": "experience", "value": "very_poor"}
    assert normalised(fft, poor)["questions"][1]["show_if"]["value"] == "very_poor"


def test_pages_keep_a_flat_list_of_questions() -> None:
    data = {
        "title": "Survey",
        "pages": [
            {"title": "You", "questions": [CHOICE]},
            {"title": "About you", "questions": [{"type": "equality", "include": ["age"]}]},
        ],
    }
    assert problems(data) == []
    result = normalise("survey", data)
    assert [q["id"] for q in result["questions"]] == ["used", "equality_age"]
    assert result["pages"] == [
        {"title": "You", "questions": ["used"]},
        {"title": "About you", "questions": ["equality_age"]},
    ]
    assert "questions" not in data or data["questions"]  # the definition is not changed


def test_one_page_forms_have_no_pages_and_default_consent() -> None:
    result = normalised(CHOICE)
    assert result["pages"] == []
    assert result["consent"] == DEFAULT_CONSENT
    assert result["privacy_url"] == "/privacy/"
    own = normalised(CHOICE, consent="  We use answers to plan.  ", privacy_url="/about/privacy/")
    assert (own["consent"], own["privacy_url"]) == ("We use answers to plan.", "/about/privacy/")
