"""The questionnaire partial renders outside Pelican, as the API will use it: with the reader's
answers kept and the NHS error summary linking to each field in error."""

from __future__ import annotations

from fixtures.theme_env import render_questionnaire


def test_answers_and_errors_are_shown(manifest: dict, tmp_path) -> None:
    survey = manifest["questionnaires"]["urgent-care-vale-cross"]
    answers = {
        "experience": "good",
        "services_used": ["nhs_111", "pharmacy"],
        "proposal_impact": "Later <b>opening</b> would help.",
        "postcode_area": "RV3",
    }
    errors = {"support_proposal": "Select whether you support the proposal"}
    html = render_questionnaire(survey, tmp_path, answers, errors)
    assert 'class="nhsuk-error-summary"' in html
    assert 'href="#q-support_proposal"' in html
    assert "Select whether you support the proposal" in html
    assert 'value="good" checked' in html
    assert 'value="nhs_111" checked' in html and 'value="pharmacy" checked' in html
    assert 'value="minor_injuries" checked' not in html
    assert "Later &lt;b&gt;opening&lt;/b&gt; would help.</textarea>" in html
    assert 'value="RV3"' in html
    assert "<b>opening</b>" not in html, "a reader's text is escaped"


def test_a_fresh_form_has_no_error_summary(manifest: dict, tmp_path) -> None:
    html = render_questionnaire(manifest["questionnaires"]["millbrook-maternity"], tmp_path, {}, {})
    assert "nhsuk-error-summary" not in html
    assert "checked" not in html
    assert 'name="questionnaire" value="millbrook-maternity"' in html


def test_new_types_keep_answers_and_errors(manifest: dict, tmp_path) -> None:
    survey = manifest["questionnaires"]["urgent-care-vale-cross"]
    answers = {
        "services_used": ["minor_injuries", "other"],
        "services_used_other": "A walk-in centre",
        "last_visit": {"day": "2", "month": "10", "year": "2026"},
        "confidence": "2",
        "equality_sex": "prefer_not_to_say",
    }
    errors = {"last_visit": "The date must be today or in the past"}
    html = render_questionnaire(survey, tmp_path, answers, errors)
    assert 'href="#q-last_visit-day"' in html
    assert 'value="A walk-in centre"' in html
    assert 'value="2026"' in html and 'value="2" checked' in html
    assert 'value="prefer_not_to_say" checked' in html
    assert 'id="conditional-q-services_used"' in html, "the date opens under its answer"
    assert "Read our privacy notice" in html
