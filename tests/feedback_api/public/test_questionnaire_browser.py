"""The questionnaire with JavaScript off, in Debian's Chromium: the static form on the consultation
page posts to the real API on loopback, comes back as the 422 page (the NHS error summary linked
to each field, each field's message, every answer kept, WCAG 2.2 A/AA by axe-core), and once put
right is stored and acknowledged with a reference."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.browser import assert_accessible
from fixtures.servers import serving

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
CONSULTATION = "/consultations/urgent-care-vale-cross/"
QUESTIONNAIRE = "urgent-care-vale-cross"
FORM = "form[action$='/responses']"
REFERENCE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")
LAST_YEAR = str(TODAY.year - 1)  # 28 February of last year is always in the past
REASON = "The wait was long & <b>slow</b>."
IMPACT = "A shorter bus ride for my mother."


@pytest.fixture
def survey_app(tmp_path: Path, built_site: Path, make_app: Callable[..., object]) -> object:
    """The app on a fresh database, reading a copy of the sample manifest in which the sample
    questionnaire is open today, whatever today is (the built page was made for the pinned build
    day, when it is open, so its form is there)."""
    manifest = json.loads((built_site / "engagement.json").read_text(encoding="utf-8"))
    window = {
        "opens": (TODAY - datetime.timedelta(days=10)).isoformat(),
        "closes": (TODAY + datetime.timedelta(days=10)).isoformat(),
    }
    manifest["questionnaires"][QUESTIONNAIRE].update(window)
    for entry in manifest["pages"]:
        if entry["url"] == CONSULTATION:
            entry.update(window)
    path = tmp_path / "engagement.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return make_app(ENGAGE_MANIFEST=str(path))


def stored_responses(app: object) -> list[dict]:
    from feedback_api.storage.models import QuestionnaireResponse, db

    with app.app_context():
        return [
            {"reference": r.reference, "questionnaire": r.questionnaire, "answers": r.answers}
            for r in db.session.scalars(
                db.select(QuestionnaireResponse).order_by(QuestionnaireResponse.id)
            )
        ]


def choice(page: object, name: str, value: str) -> object:
    return page.locator(f"{FORM} input[name='{name}'][value='{value}']")


def send(page: object, status: int) -> str:
    """Press the form's button (no script: the browser posts the form), wait for the page and
    return the page the API answered with ("" for a redirect)."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/api/responses")
    ) as answer:
        page.locator(f"{FORM} button").click()
    assert answer.value.status == status
    page.wait_for_load_state("load")
    return "" if 300 <= status < 400 else answer.value.text()


def assert_accessible_without_script(page: object, url: str, html: str) -> None:
    """No WCAG 2.2 A/AA violation in `html` as a reader without JavaScript has it.

    axe needs timers, which never fire in a context with JavaScript off, so the page is shown
    again at its own address in conftest's `page` (script on, loopback only), with a policy that
    stops the page's own scripts: the DOM axe checks is the one the no-JavaScript reader got."""

    def serve(route: object) -> None:
        route.fulfill(
            status=422,
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Content-Security-Policy": "script-src 'none'",
            },
            body=html,
        )

    page.route(url, serve)
    try:
        page.goto(url)
    finally:
        page.unroute(url, serve)
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
    assert_accessible(page, "the questionnaire sent back with errors, without JavaScript")
    assert page.foreign_requests == []


def test_error_round_trip_without_javascript(no_js_page, page, survey_app) -> None:
    axe_page, page = page, no_js_page
    axe_page.set_default_timeout(10_000)
    axe_page.set_default_navigation_timeout(15_000)
    with serving(survey_app) as url:
        page.goto(url + CONSULTATION)
        assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
        assert page.locator(".nhsuk-error-summary").count() == 0

        # Some answers, but neither required question and an impossible date.
        page.fill("#q-experience_reason", REASON)
        choice(page, "services_used", "minor_injuries").check()
        choice(page, "services_used", "pharmacy").check()
        choice(page, "services_used", "other").check()  # and nothing said in the box
        page.fill("#q-last_visit-day", "31")
        page.fill("#q-last_visit-month", "2")
        page.fill("#q-last_visit-year", LAST_YEAR)
        choice(page, "confidence", "4").check()
        choice(page, "most_important", "short_waits").check()
        choice(page, "most_important", "xray").check()
        page.fill("#q-proposal_impact", IMPACT)
        page.fill("#q-postcode_area", "RV3")
        choice(page, "equality_sex", "prefer_not_to_say").check()
        sent_back = send(page, 422)

        # The 422 page the API renders.
        assert page.url == url + "/api/responses"
        assert page.title().startswith("Error: "), page.title()
        summary = page.locator("main .nhsuk-error-summary")
        assert summary.count() == 1
        assert summary.locator("[role=alert]").count() == 1
        assert summary.locator("[role=alert] h2").inner_text().strip() == "There is a problem"
        ahead = page.evaluate(
            """() => {
                const summary = document.querySelector('main .nhsuk-error-summary');
                const shown = 'input:not([type=hidden]), textarea, select, button, h2, fieldset';
                return [...document.querySelector('main').querySelectorAll(shown)]
                    .filter(e => !summary.contains(e))
                    .filter(e => summary.compareDocumentPosition(e)
                                 & Node.DOCUMENT_POSITION_PRECEDING)
                    .map(e => e.outerHTML.slice(0, 80));
            }"""
        )
        assert ahead == [], "the error summary should come before every question"

        links = summary.locator("a")
        found = {
            links.nth(i).get_attribute("href"): links.nth(i).inner_text().strip()
            for i in range(links.count())
        }
        assert list(found) == [
            "#q-experience",
            "#q-services_used",
            "#q-last_visit-day",
            "#q-support_proposal",
        ]
        assert "Select an answer" in found["#q-experience"]
        assert "say what" in found["#q-services_used"]
        assert "Enter a real date" in found["#q-last_visit-day"]
        assert "Select an answer" in found["#q-support_proposal"]
        for href, text in found.items():
            target = page.locator(href)
            assert target.count() == 1, f"{href} is not a field on the page"
            qid = re.sub(r"-day$", "", href[1:])
            message = page.locator(f"#{qid}-error.nhsuk-error-message")
            assert message.count() == 1, f"no message shown at {qid}"
            assert text in message.inner_text(), (href, message.inner_text())
            described = target.evaluate(
                "e => (e.closest('fieldset') || e).getAttribute('aria-describedby') || ''"
            )
            assert f"{qid}-error" in described.split(), (href, described)
            assert target.evaluate("e => e.closest('.nhsuk-form-group--error') !== null")
        assert page.locator(".nhsuk-error-message").count() == len(found)

        # Every answer given is still there, as given.
        assert page.input_value("#q-experience_reason") == REASON
        for value in ("minor_injuries", "pharmacy", "other"):
            assert choice(page, "services_used", value).is_checked(), value
        assert page.locator(f"{FORM} input[name=services_used]:checked").count() == 3
        assert page.input_value("#q-services_used_other") == ""
        assert [page.input_value(f"#q-last_visit-{p}") for p in ("day", "month", "year")] == [
            "31",
            "2",
            LAST_YEAR,
        ]
        assert choice(page, "confidence", "4").is_checked()
        assert page.locator(f"{FORM} input[name=most_important]:checked").count() == 2
        assert choice(page, "most_important", "short_waits").is_checked()
        assert choice(page, "most_important", "xray").is_checked()
        assert page.input_value("#q-proposal_impact") == IMPACT
        assert page.input_value("#q-postcode_area") == "RV3"
        assert choice(page, "equality_sex", "prefer_not_to_say").is_checked()
        for qid in ("experience", "support_proposal", "equality_age"):
            assert page.locator(f"{FORM} input[name={qid}]:checked").count() == 0, qid
        assert stored_responses(survey_app) == []

        assert_accessible_without_script(axe_page, page.url, sent_back)

        # Put right on the same page, and sent again.
        choice(page, "experience", "good").check()
        page.fill("#q-services_used_other", "A walk-in centre")
        page.fill("#q-last_visit-day", "28")
        choice(page, "support_proposal", "support").check()
        with page.expect_response(lambda r: "/api/responses/received?" in r.url) as landed:
            send(page, 303)
        assert landed.value.status == 200
        assert "/api/responses/received?" in page.url
        assert page.locator(".nhsuk-error-summary").count() == 0
        panel = page.locator("main .nhsuk-panel")
        assert "Thank you for your answers" in panel.inner_text()
        shown = REFERENCE.findall(panel.inner_text())
        assert len(shown) == 1, panel.inner_text()

        [response] = stored_responses(survey_app)
        assert response["reference"] == shown[0]
        assert response["questionnaire"] == QUESTIONNAIRE
        assert response["answers"] == {
            "experience": "good",
            "experience_reason": REASON,
            "services_used": ["minor_injuries", "pharmacy", "other"],
            "services_used_other": "A walk-in centre",
            "last_visit": f"{LAST_YEAR}-02-28",
            "confidence": "4",
            "support_proposal": "support",
            "most_important": ["short_waits", "xray"],
            "proposal_impact": IMPACT,
            "postcode_area": "RV3",
            "equality_sex": "prefer_not_to_say",
        }
        assert page.foreign_requests == []
