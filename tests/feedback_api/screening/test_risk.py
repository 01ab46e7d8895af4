"""Safeguarding screening: phrases suggesting a risk of harm are held as "risk" (the item is
urgent), however they are typed; words in ordinary use in health consultations are not."""

from __future__ import annotations

import pytest

from feedback_api import config
from feedback_api.screening import Hold, is_urgent, screen, screen_comment
from feedback_api.screening.risk import ABUSE, EMERGENCY, SELF_HARM, SETTINGS, lists_from, which
from feedback_api.settings import BY_NAME, word_list

DEFAULTS = {name: BY_NAME[setting].default for name, setting in SETTINGS.items()}


def risk_holds(text: str, lists=DEFAULTS, **options) -> list[Hold]:
    return [h for h in screen(text, risk=lists, **options) if h.kind == "risk"]


@pytest.mark.parametrize(
    ("text", "match", "kind"),
    [
        ("Some days I want to kill myself, honestly.", "kill myself", "self_harm"),
        ("I have thought about suicide since the clinic closed", "suicide", "self_harm"),
        ("I don't want to live like this", "don't want to live", "self_harm"),
        ("i dont want to live like this", "dont want to live", "self_harm"),
        ("Everyone would be BETTER OFF DEAD without me", "BETTER OFF DEAD", "self_harm"),
        ("I've been self-harming again", "self-harming", "self_harm"),
        ("My husband hits me when I ask for the car", "hits me", "abuse"),
        ("I am not safe at home", "not safe at home", "abuse"),
        ("she beats me and takes my pension", "she beats me", "abuse"),
        ("My dad has chest pain right now and the line is busy", "chest pain", "emergency"),
        ("my son cannot\nbreathe properly", "cannot\nbreathe", "emergency"),
        ("I think she is having a stroke", "having a stroke", "emergency"),
    ],
)
def test_each_list_holds_its_phrases_as_risk(text: str, match: str | None, kind: str | None):
    found = risk_holds(text)
    if match is None:
        assert found == []
        return
    assert [(h.kind, h.match) for h in found] == [("risk", match)]
    hold = found[0]
    assert text[hold.start : hold.end] == match, "offsets into the text as typed"
    assert which(hold.match, DEFAULTS) == kind


def test_every_default_phrase_is_found_in_a_sentence() -> None:
    """Each list as shipped (its comma-separated text) is what the settings hold, and every
    phrase on it is found in running text: a typo in a default would go unnoticed otherwise."""
    for name, text in (("self_harm", SELF_HARM), ("abuse", ABUSE), ("emergency", EMERGENCY)):
        assert DEFAULTS[name] == word_list(text)
        for phrase in DEFAULTS[name]:
            sentence = f"Last week, {phrase}. Please help."
            assert [h.match for h in risk_holds(sentence)] == [phrase], phrase


@pytest.mark.parametrize(
    "text",
    [
        "I don\u2019t want to live any more",
        "I don\u2019t   want to\nlive any more",
    ],
)
def test_typographic_apostrophes_are_read_as_straight(text: str) -> None:
    found = risk_holds(text)
    assert len(found) == 1
    assert found[0].match == text[found[0].start : found[0].end]
    assert found[0].match.startswith("don\u2019t"), "the match is the text as the writer typed it"


def test_a_phrase_typed_with_a_typographic_apostrophe_still_matches() -> None:
    lists = {"self_harm": ("can\u2019t go on",)}
    assert [h.match for h in risk_holds("I can't go on", lists)] == ["can't go on"]
    assert [h.match for h in risk_holds("I can\u2019t go on", lists)] == ["can\u2019t go on"]


@pytest.mark.parametrize(
    "text",
    [
        "Please keep the stroke services at Vale Cross open.",
        "He had a stroke last year and the rehab team were brilliant.",
        "Substance abuse services need more money.",
        "The heart health checks at the pharmacy are very good.",
        "End of life care at the hospice was kind and well organised.",
        "My mum's end of life care plan was never shared with her GP.",
        "The news that the unit would close really hit me hard.",
        "Beats me why the walk-in centre shut at 6pm.",
        "After my heart attack in 2019 the cardiac rehab was excellent.",
        "Staff should have unconscious bias training.",
        "The out-of-hours service has collapsed since the merger.",
    ],
)
def test_words_in_ordinary_use_are_not_held(text: str) -> None:
    assert risk_holds(text) == []
    assert not is_urgent(screen_comment(text, "Sam", risk=DEFAULTS))


def test_phrases_match_whole_words_only() -> None:
    assert risk_holds("the suicidebombers film") == []
    assert risk_holds("not breathingspace") == []
    assert [h.match for h in risk_holds("suicidal.")] == ["suicidal"]


def test_in_a_comment_the_rendered_text_is_read_and_offsets_are_into_the_markdown() -> None:
    body = "I want to **kill myself** tonight"
    found = [h for h in screen_comment(body, None, risk=DEFAULTS) if h.kind == "risk"]
    assert [(h.match, body[h.start : h.end]) for h in found] == [("kill myself",) * 2]
    assert is_urgent(found) and is_urgent([h.as_dict() for h in found])


def test_no_lists_no_risk() -> None:
    assert risk_holds("I want to kill myself", {}) == []
    assert not is_urgent(screen_comment("I want to kill myself", None))
    assert not is_urgent(screen("Ring 07700 900123", risk=DEFAULTS)), "personal data is not risk"


def test_the_author_name_is_not_read_for_risk() -> None:
    holds = screen_comment("Thanks for the new clinic", "Suicide Squad fan", risk=DEFAULTS)
    assert not is_urgent(holds)


def test_settings_override_the_defaults(tmp_path) -> None:
    values = config.load(
        tmp_path,
        {"ENGAGE_SAFEGUARDING_SELF_HARM": "x, y", "ENGAGE_SAFEGUARDING_ABUSE": "shouted at"},
        {},
    )
    lists = lists_from(values)
    assert lists["self_harm"] == ("x", "y")
    assert lists["abuse"] == ("shouted at",)
    assert lists["emergency"] == DEFAULTS["emergency"], "an unset list keeps its default"
    assert risk_holds("I want to kill myself", lists) == [], "the default phrase is replaced"
    assert [h.match for h in risk_holds("x marks y", lists)] == ["x", "y"]
    assert [h.match for h in risk_holds("I was Shouted  At again", lists)] == ["Shouted  At"]
    assert which("x", lists) == "self_harm" and which("shouted at", lists) == "abuse"


def test_a_list_set_empty_finds_nothing(tmp_path) -> None:
    values = config.load(tmp_path, {"ENGAGE_SAFEGUARDING_EMERGENCY": ""}, {})
    assert values["ENGAGE_SAFEGUARDING_EMERGENCY"] == ()
    assert risk_holds("chest pain now", lists_from(values)) == []
