"""The built site in Debian's Chromium: WCAG 2.2 A/AA by axe-core, no horizontal scroll at 320 px,
forms usable by keyboard alone, and videos that load nothing until the reader asks."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from fixtures.browser import AXE_OPTIONS, assert_fits_320_px, describe

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "article": "/blog/winter-vaccines/",
    "article with video": "/blog/when-to-use-nhs-111/",
    "article list": "/blog/",
    "article list, page 2": "/blog/page/2/",
    "category": "/blog/category/health-advice/",
    "tags": "/blog/tags/",
    "consultations": "/consultations/",
    "open consultation": "/consultations/urgent-care-vale-cross/",
    "closed consultation": "/consultations/millbrook-maternity-services/",
    "you said, we did": "/you-said-we-did/",
    "ground rules": "/ground-rules/",
    "privacy": "/privacy/",
    "not found": "/no-such-page/",
    "search": "/search/",
    "search results (API)": "/api/search?q=urgent+care",
    "search, no results (API)": "/api/search?q=zzqxwobble",
}


@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_violations(page, site_url: str, name: str) -> None:
    page.goto(site_url + PAGES[name])
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, describe(results.response["violations"])
    assert page.foreign_requests == []


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll_at_320_px(page, site_url: str, name: str) -> None:
    assert_fits_320_px(page, site_url + PAGES[name])


def tab_until(page, wanted: str, limit: int = 200) -> list[str]:
    """Tab until `wanted` has focus; return what had focus on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", wanted):
            return seen
        seen.append(page.evaluate("(e => e.name || e.id || e.tagName)(document.activeElement)"))
    raise AssertionError(f"Tab never reached {wanted}; focus went through {seen}")


def test_comment_form_by_keyboard(page, site_url: str) -> None:
    page.goto(site_url + "/blog/winter-vaccines/")
    form = "form[action$='/comments']"
    tab_until(page, f"{form} textarea[name=body]")
    page.keyboard.type("Thank you for this.")
    tab_until(page, f"{form} input[name=author]", limit=3)
    page.keyboard.type("Sam")
    tab_until(page, f"{form} input[name=email]", limit=3)
    page.keyboard.type("sam@example.com")
    tab_until(page, f"{form} input[name=notify]", limit=3)
    page.keyboard.press("Space")
    visited = tab_until(page, f"{form} button, {form} [type=submit]", limit=3)
    assert visited == [], f"only the button should follow the last field, not {visited}"
    assert page.locator(f"{form} input[name=notify]").is_checked()
    assert page.locator(f"{form} textarea[name=body]").input_value() == "Thank you for this."
    assert page.locator(f"{form} input[name=author]").input_value() == "Sam"
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle + '|' + s.boxShadow + '|' + s.backgroundColor; })()"
    )
    assert style != "none|none|rgba(0, 0, 0, 0)", "the focused button must show where focus is"


def test_questionnaire_by_keyboard(page, site_url: str, manifest: dict) -> None:
    survey = manifest["questionnaires"]["urgent-care-vale-cross"]
    page.goto(site_url + "/consultations/urgent-care-vale-cross/")
    form = page.locator("form[action$='/responses']")
    for question in survey["questions"]:
        if question["type"] in ("single", "fft", "multiple", "scale", "equality"):
            selector = f"form[action$='/responses'] input[name='{question['id']}']"
            tab_until(page, selector)
            page.keyboard.press("Space")
            assert form.locator(f"input[name='{question['id']}']:checked").count() == 1
        elif question["type"] == "date":  # revealed by the answer it depends on
            for part, typed in (("day", "3"), ("month", "11"), ("year", "2026")):
                tab_until(page, f"form[action$='/responses'] [name='{question['id']}-{part}']")
                page.keyboard.type(typed)
        else:
            tab_until(page, f"form[action$='/responses'] [name='{question['id']}']")
            page.keyboard.type("RV3" if question["type"] == "text" else "Longer opening hours.")
    tab_until(page, "form[action$='/responses'] button, form[action$='/responses'] [type=submit]")


def test_video_loads_nothing_until_play(page, site_url: str) -> None:
    page.goto(site_url + "/blog/when-to-use-nhs-111/")
    page.wait_for_load_state("networkidle")
    assert page.foreign_requests == []
    assert page.locator("iframe").count() == 0
    play = page.locator(".engage-video__play").first
    play.focus()
    page.keyboard.press("Enter")
    frame = page.locator(".engage-video iframe")
    frame.wait_for()
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/")
    assert frame.get_attribute("title")
