"""Every question type rendered through the shared questionnaire partial, fresh and with a
reader's answers and errors: conditions, pages and the fields the API reads back."""

from __future__ import annotations

from contract.wordings import OTHER_TEXT_MAX_LENGTH
from engagement.questionnaires.definitions import DEFAULT_CONSENT, normalise
from fixtures.surveys import CHOICE, MULTI, SCALE, TEXT, cond, definition, problems
from fixtures.theme_env import render_questionnaire

EVERYTHING = definition(
    {**MULTI, "other": True},
    {
        "id": "visit",
        "type": "date",
        "label": "When did you visit?",
        "past_only": True,
        "show_if": {"question": "m", "value": "a"},
    },
    {**SCALE, "min_label": "Very poor", "max_label": "Very good"},
    {**TEXT, "id": "low", "show_if": {"question": "m", "value": "b"}},
    {"id": "experience", "type": "fft"},
    {"id": "why", "type": "long_text", "label": "Why?", "max_length": 500},
    {"type": "equality", "include": ["age", "carer"]},
)


def test_a_fresh_form_has_every_field(tmp_path) -> None:
    html = render_questionnaire(normalise("survey", EVERYTHING), tmp_path)
    assert 'type="checkbox"' in html and 'name="m_other"' in html
    assert 'id="q-m_other"' in html and "Other, please say" in html
    assert f'name="m_other" type="text" value="" maxlength="{OTHER_TEXT_MAX_LENGTH}"' in html
    assert 'name="visit-day"' in html and 'name="visit-month"' in html
    assert 'name="visit-year"' in html and 'id="q-visit-day"' in html
    assert "nhsuk-radios--inline" in html and "1 - Very poor" in html
    assert 'name="equality_age"' in html and 'value="prefer_not_to_say"' in html
    assert "Prefer not to say" in html and "are optional" in html
    assert "nhsuk-character-count" in html
    assert "checked" not in html and "nhsuk-error-summary" not in html
    assert DEFAULT_CONSENT in html
    assert '<a href="/privacy/">Read our privacy notice</a>' in html
    assert html.index("Read our privacy notice") < html.index("Send your answers")


def test_conditions_reveal_or_explain(tmp_path) -> None:
    html = render_questionnaire(normalise("survey", EVERYTHING), tmp_path)
    # "visit" follows its question: it opens under answer "a" (with JS; shown without)
    reveal = html.index('id="conditional-q-m"')
    assert reveal < html.index('name="visit-day"') < html.index('value="b"')
    assert 'data-aria-controls="conditional-q-m"' in html
    # the "other" box opens under "Other"
    assert 'data-aria-controls="conditional-q-m-3"' in html
    # "low" does not follow "m": shown in place, with a hint saying when to answer
    assert "Answer this if you chose “B” for “Which?”." in html
    assert html.index('name="low"') > html.index('name="s"')


def test_answers_and_errors_of_every_type(tmp_path) -> None:
    answers = {
        "m": ["a", "other"],
        "m_other": "The <b>bus</b>",
        "visit": {"day": "3", "month": "11", "year": "2026"},
        "s": "4",
        "low": "Too far",
        "experience": "poor",
        "why": "Long wait",
        "equality_age": "prefer_not_to_say",
        "equality_carer": "yes",
    }
    errors = {
        "m_other": "Say what other service you used",
        "visit": "The date must be today or in the past",
        "s": "Choose a number from 1 to 5",
        "equality_age": "Choose an age band",
    }
    html = render_questionnaire(normalise("survey", EVERYTHING), tmp_path, answers, errors)
    assert 'class="nhsuk-error-summary"' in html
    for href in ("#q-m_other", "#q-visit-day", "#q-s", "#q-equality_age"):
        assert f'href="{href}"' in html
    for message in errors.values():
        assert message in html
    assert 'value="a" checked' in html and 'value="other" checked' in html
    assert 'value="The &lt;b&gt;bus&lt;/b&gt;"' in html and "<b>bus</b>" not in html
    assert 'name="visit-day" type="text" value="3"' in html or 'value="3"' in html
    assert 'value="11"' in html and 'value="2026"' in html
    assert 'value="4" checked' in html and 'value="poor" checked' in html
    assert 'value="Too far"' in html and "Long wait</textarea>" in html
    assert 'value="prefer_not_to_say" checked' in html
    assert "nhsuk-date-input__input nhsuk-input--error" in html or "nhsuk-input--error" in html


def test_a_date_answer_may_come_as_three_fields(tmp_path) -> None:
    answers = {"visit-day": "15", "visit-month": "9", "visit-year": "2026"}
    html = render_questionnaire(normalise("survey", EVERYTHING), tmp_path, answers)
    assert 'value="15"' in html and 'value="9"' in html and 'value="2026"' in html


def test_pages_are_sections_with_headings(tmp_path) -> None:
    data = {
        "title": "Survey",
        "pages": [
            {"title": "Your experience", "questions": [CHOICE, cond("used", "often")]},
            {"title": "About you", "questions": [{"type": "equality", "include": ["sex"]}]},
        ],
        "consent": "We use your answers to plan services.",
        "privacy_url": "https://example.nhs.uk/privacy",
    }
    assert problems(data) == []
    html = render_questionnaire(normalise("survey", data), tmp_path)
    assert html.count("<form") == 1
    assert html.count('class="engage-questionnaire__page"') == 2
    assert '<h3 id="questionnaire-page-1">Your experience</h3>' in html
    assert '<h3 id="questionnaire-page-2">About you</h3>' in html
    assert html.index("Your experience") < html.index('name="used"') < html.index("About you")
    assert html.index("About you") < html.index('name="equality_sex"')
    assert 'id="conditional-q-used"' in html  # "c" is revealed under "Often"
    assert "We use your answers to plan services." in html
    assert 'href="https://example.nhs.uk/privacy"' in html


def test_a_condition_across_pages_is_explained_not_revealed(tmp_path) -> None:
    data = {
        "title": "Survey",
        "pages": [
            {"title": "One", "questions": [CHOICE]},
            {"title": "Two", "questions": [cond("used", "never")]},
        ],
    }
    html = render_questionnaire(normalise("survey", data), tmp_path)
    assert "conditional-q-used" not in html
    assert "Answer this if you chose “Never” for “Used?”." in html
