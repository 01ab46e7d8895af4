"""The site search in Debian's Chromium: with JavaScript the search page lists results from
search.json as the reader types and announces the count; without it the same form (and the
header's, on every page) goes to the API, which answers with the same results."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import pytest

from fixtures.browser import assert_accessible

# The typographic quotes and dash the pages use.
OPEN, CLOSE, DASH = "\u2018", "\u2019", "\u2013"
pytestmark = pytest.mark.browser


def listed(page) -> list[str]:
    return page.locator("[data-engage-search-results] h2 a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )


def test_typing_lists_results_from_the_index_without_leaving_the_page(page, site_url: str) -> None:
    page.goto(site_url + "/search/")
    field = page.locator("#search-query")
    field.click()
    page.keyboard.type("urgent care")
    status = page.locator("[data-engage-search-status]")
    status.filter(has_text=re.compile(rf"^\d+ results for {OPEN}urgent care{CLOSE}$")).wait_for()
    assert page.url == site_url + "/search/", "typing searches in the page"
    assert status.get_attribute("role") == "status"
    found = listed(page)
    count = int(status.inner_text().split()[0])
    assert len(found) == count and found[0] == "/blog/urgent-care-plans-vale-cross/"
    assert page.locator("[data-engage-search-results] mark").first.inner_text().lower() == "urgent"
    # The same results, in the same order, as the API gives readers without JavaScript.
    answer = page.request.get(site_url + "/api/search?q=" + quote_plus("urgent care"))
    assert re.findall(r'<h2 class="nhsuk-heading-s[^"]*"><a href="([^"]+)"', answer.text()) == found
    assert_accessible(page, "search results listed by the script")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=urgent%20care")
    assert listed(page) == found

    field.fill("zzqxwobble")
    page.locator("[data-engage-search-none]").wait_for()
    assert status.inner_text() == f"No results found for {OPEN}zzqxwobble{CLOSE}"
    assert listed(page) == []
    assert "double-checking your spelling" in page.locator("[data-engage-search-none]").inner_text()
    assert_accessible(page, "no results, shown by the script")
    field.fill("")
    page.locator("[data-engage-search-none]").wait_for(state="hidden")
    assert status.inner_text() == ""
    assert page.foreign_requests == []


def test_an_address_with_a_query_is_searched_on_arrival(page, site_url: str) -> None:
    page.goto(site_url + "/search/?q=" + quote_plus('<img src=x onerror="alert(1)"> maternity'))
    page.locator("[data-engage-search-none]").wait_for()
    assert page.locator("[data-engage-search-none] img").count() == 0
    page.goto(site_url + "/search/?q=maternity")
    page.locator("[data-engage-search-results] li").first.wait_for()
    assert page.locator("#search-query").input_value() == "maternity"


def test_with_javascript_the_header_search_searches_in_the_site(page, site_url: str) -> None:
    page.goto(site_url + "/blog/winter-vaccines/")
    page.locator("#search-field").fill("maternity")
    page.locator("#search-field").press("Enter")
    page.wait_for_url("**/search/?q=maternity")
    page.locator("[data-engage-search-results] li").first.wait_for()
    assert "/api/" not in page.url
    assert page.foreign_requests == []


def test_without_javascript_the_form_goes_to_the_api(no_js_page, site_url: str) -> None:
    page = no_js_page
    page.goto(site_url + "/search/")
    page.locator("#search-query").fill("urgent care")
    page.locator("#search-query").press("Enter")
    page.wait_for_url("**/api/search?q=urgent+care")
    status = page.locator("[data-engage-search-status]").inner_text()
    assert re.fullmatch(rf"\d+ results for {OPEN}urgent care{CLOSE}", status)
    assert listed(page)[0] == "/blog/urgent-care-plans-vale-cross/"
    assert page.locator("h1").inner_text() == "Search"
    assert page.foreign_requests == []


def test_the_header_search_works_without_javascript_on_a_phone(no_js_page, site_url: str) -> None:
    page = no_js_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site_url + "/blog/winter-vaccines/")
    field = page.locator("#search-field")
    assert field.is_visible(), "the header's search is there on a small screen too"
    field.fill("vaccines")
    field.press("Enter")
    page.wait_for_url("**/api/search?q=vaccines")
    assert "/blog/winter-vaccines/" in listed(page)


def test_when_the_index_cannot_load_the_form_still_reaches_the_api(page, site_url: str) -> None:
    page.route("**/search.json", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(site_url + "/search/")
    page.locator("#search-query").fill("vaccines")
    page.locator("#search-query").press("Enter")
    page.wait_for_url("**/api/search?q=vaccines")
    assert "/blog/winter-vaccines/" in listed(page)
