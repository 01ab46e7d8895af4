"""Reading, commenting and answering in Welsh, and Urdu read right to left, in Debian's Chromium.

A Welsh reader reads the Welsh consultation, comments on it and answers its questionnaire (a
mistake first), with JavaScript on and off, and never meets an English word: every text a
reader meets (text, labels, titles, the API's pages) is checked against the interface's English
strings and the English page's headings, and the test lists any it finds. Text marked as another
language (`lang="en-gb"` on the switcher's "English") is a language switch, not a lapse. The
Urdu page is laid out right to left at 320 px without sideways scrolling, its switcher and form
usable, and
its layout mirrors the English page's (screenshots of both are kept with the test's files).
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from fixtures.browser import assert_accessible
from fixtures.servers import serving
from fixtures.site import ROOT

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
QUESTIONNAIRE = "urgent-care-vale-cross"
ENGLISH = "/consultations/urgent-care-vale-cross/"
WELSH = "/cy/consultations/urgent-care-vale-cross/"
URDU = "/ur/consultations/urgent-care-vale-cross/"
FORM = "form[action$='/responses']"
READING = [  # (Welsh page, its English original, whose headings it must not show)
    ("/cy/", "/"),
    ("/cy/blog/", "/blog/"),
    ("/cy/blog/winter-vaccines/", "/blog/winter-vaccines/"),
    ("/cy/blog/category/health-advice/", "/blog/category/health-advice/"),
    ("/cy/consultations/", "/consultations/"),
    ("/cy/about/", "/about/"),
    ("/cy/you-said-we-did/", "/you-said-we-did/"),  # commitments: staff's English, marked so
    (
        "/cy/consultations/millbrook-maternity-services/",
        "/consultations/millbrook-maternity-services/",
    ),
]
CATALOGUE = ROOT / "theme/locale/cy/LC_MESSAGES/messages.po"
# Every text a reader meets, with the language of the element it is in.
READER_TEXTS = """() => {
  const found = [];
  const langOf = (e) => (e.closest('[lang]') || document.documentElement).getAttribute('lang');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (!text || parent.closest('script, style, template, noscript')) continue;
    found.push([text, langOf(parent)]);
  }
  for (const e of document.querySelectorAll('[aria-label], [placeholder], [title], img[alt]')) {
    for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
      if (e.getAttribute(name)) found.push([e.getAttribute(name), langOf(e)]);
    }
  }
  found.push([document.title, document.documentElement.getAttribute('lang')]);
  return found;
}"""


def _pattern(message: str) -> re.Pattern[str]:
    """A msgid as a whole text: its placeholders stand for anything."""
    parts = re.split(r"%\(\w+\)s|\{\w+\}", message)
    return re.compile("^" + ".+".join(re.escape(part) for part in parts) + "$")


@pytest.fixture(scope="module")
def english_strings() -> list[re.Pattern[str]]:
    """The interface's English strings whose Welsh differs (a name such as "RSS" is both)."""
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    found = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english and re.search(r"[A-Za-z]{2}", english) and english not in strings:
                found.append(_pattern(english))
    return found


def english_met(page: object, strings: list[re.Pattern[str]], also: set[str]) -> list[str]:
    """What the page shows in English as if it were in the page's language: text marked as
    another language (the switcher's "English", a Polish post's title) is a language switch a
    screen reader follows, not a lapse."""
    met = set()
    own = (page.locator("html").get_attribute("lang") or "").lower()
    for text, lang in page.evaluate(READER_TEXTS):
        if (lang or "").lower() != own:
            continue
        if text in also or any(pattern.match(text) for pattern in strings):
            met.add(text)
    return sorted(met)


@pytest.fixture
def survey_app(tmp_path: Path, built_site: Path, make_app: Callable[..., object]) -> object:
    """The app on a fresh database, reading the sample manifest with the consultation and its
    questionnaire open today, whatever today is."""
    manifest = json.loads((built_site / "engagement.json").read_text(encoding="utf-8"))
    window = {
        "opens": (TODAY - datetime.timedelta(days=10)).isoformat(),
        "closes": (TODAY + datetime.timedelta(days=10)).isoformat(),
    }
    manifest["questionnaires"][QUESTIONNAIRE].update(window)
    for entry in manifest["pages"]:
        if entry.get("questionnaire") == QUESTIONNAIRE:
            entry.update(window)
    path = tmp_path / "engagement.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return make_app(ENGAGE_MANIFEST=str(path))


def headings(built_site: Path, address: str) -> set[str]:
    """The English page's headings, which the Welsh page must not show."""
    html = (built_site / address.strip("/") / "index.html").read_text(encoding="utf-8")
    return {
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found)).strip()
        for found in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html, re.S)
    } - {""}


def stored(app: object) -> tuple[list, list]:
    from feedback_api.storage.models import Comment, QuestionnaireResponse, db

    with app.app_context():
        responses = [
            (r.language, r.answers) for r in db.session.scalars(db.select(QuestionnaireResponse))
        ]
        comments = [(c.language, c.body) for c in db.session.scalars(db.select(Comment))]
    return responses, comments


def answer_and_send(page: object, status: int) -> None:
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/api/responses")
    ) as answer:
        page.locator(f"{FORM} button[type=submit], {FORM} button").last.click()
    assert answer.value.status == status
    page.wait_for_load_state("load")


@pytest.mark.parametrize("script", ["on", "off"])
def test_a_welsh_reader_meets_no_english(
    script: str,
    page: object,
    no_js_page: object,
    survey_app: object,
    built_site: Path,
    english_strings: list[re.Pattern[str]],
) -> None:
    reader = page if script == "on" else no_js_page
    also = headings(built_site, ENGLISH)
    with serving(survey_app) as url:
        # Reading: the home page, the news, a post, its category, then the consultation.
        for welsh, english in READING:
            reader.goto(url + welsh)
            assert reader.locator("html").get_attribute("lang") == "cy", welsh
            met = english_met(reader, english_strings, headings(built_site, english))
            assert met == [], f"English on {welsh}"
        reader.goto(url + WELSH)
        assert reader.locator("html").get_attribute("lang") == "cy"
        assert english_met(reader, english_strings, also) == []

        # A comment.
        reader.fill("#comment-body", "Mae angen mwy o feddygon teulu yn Vale Cross.")
        with reader.expect_response(lambda r: r.url.endswith("/api/comments")):
            reader.locator("[data-engage-comment-form] button").last.click()
        reader.wait_for_load_state("load")
        if script == "on":
            reader.locator("[role=status]:not(:empty), .nhsuk-panel").first.wait_for()
        assert english_met(reader, english_strings, also) == [], "after commenting"

        # The questionnaire: a mistake (the required questions left), then put right.
        if script == "off":
            reader.goto(url + WELSH)
        answer_and_send(reader, 422)
        assert reader.locator(".nhsuk-error-summary").count() == 1
        assert reader.locator("html").get_attribute("lang") == "cy"
        assert english_met(reader, english_strings, also) == [], "the form again with errors"
        reader.locator(f"{FORM} input[name=experience][value=good]").check()
        reader.locator(f"{FORM} input[name=support_proposal]").first.check()
        answer_and_send(reader, 303)
        assert reader.locator("html").get_attribute("lang") == "cy"
        assert english_met(reader, english_strings, also) == [], "the thank-you page"
        if script == "on":
            assert_accessible(reader, "the Welsh thank-you page")

    responses, comments = stored(survey_app)
    assert [language for language, _ in responses] == ["cy"]
    assert [language for language, _ in comments] == ["cy"]


def mirrored_layout(page: object, url: str, shot: Path) -> dict[str, object]:
    """Where the logo, the first radio and its label sit at 320 px, and whether the page
    scrolls sideways; a screenshot beside."""
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(url)
    page.screenshot(path=str(shot), full_page=True)
    return page.evaluate(
        """() => {
            const box = (e) => { const r = e.getBoundingClientRect();
                                 return {left: r.left, right: r.right}; };
            const radio = document.querySelector('form[action$="/responses"] .nhsuk-radios__input');
            const label = document.querySelector('label[for="' + radio.id + '"]');
            const root = document.documentElement;
            const logo = '.nhsuk-header__service-logo, .nhsuk-header__logo';
            return {
                width: root.clientWidth,
                scrolls: root.scrollWidth > root.clientWidth,
                logo: box(document.querySelector(logo)),
                radio: box(radio), label: box(label),
                direction: getComputedStyle(document.body).direction,
            };
        }"""
    )


def test_urdu_reads_right_to_left_on_a_phone(
    page: object, site_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    shots = tmp_path_factory.mktemp("screenshots")
    english = mirrored_layout(page, site_url + ENGLISH, shots / "english-320.png")
    urdu = mirrored_layout(page, site_url + URDU, shots / "urdu-320.png")
    assert (shots / "urdu-320.png").stat().st_size > 0
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert urdu["direction"] == "rtl" and english["direction"] == "ltr"
    assert not urdu["scrolls"] and not english["scrolls"], "no sideways scrolling at 320 px"
    # Mirrored: what is on the left in English is on the right in Urdu.
    width = urdu["width"]
    assert english["radio"]["right"] <= english["label"]["left"] + 1
    assert urdu["radio"]["left"] >= urdu["label"]["right"] - 1, "the radio is right of its label"
    assert abs(urdu["radio"]["right"] - (width - english["radio"]["left"])) <= 2
    assert abs(urdu["logo"]["right"] - (width - english["logo"]["left"])) <= 2
    # The switcher works: English, named in English, takes the reader to the English page.
    link = page.locator(".engage-languages a[lang='en-gb']")
    assert link.inner_text() == "English"
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(ENGLISH)
    assert page.locator("html").get_attribute("dir") == "ltr"


ACCESSIBLE = [
    WELSH,
    URDU,
    "/cy/",
    "/cy/blog/winter-vaccines/",
    "/pl/blog/rejestracja-u-lekarza-rodzinnego/",
]


@pytest.mark.parametrize("script", ["on", "off"])
@pytest.mark.parametrize("address", ACCESSIBLE)
def test_translated_pages_are_accessible(
    page: object, site_url: str, address: str, script: str
) -> None:
    """axe-core finds no WCAG 2.2 A/AA fault (`lang` on the page and on each language switch
    included), with the page's scripts running and with none (a policy that stops them: axe's
    own checks still run)."""
    if script == "off":

        def without_scripts(route: object) -> None:
            answer = route.fetch()
            policy = {"content-security-policy": "script-src 'none'"}
            route.fulfill(response=answer, headers={**answer.headers, **policy})

        page.route(site_url + address, without_scripts)
    page.goto(site_url + address)
    enhanced = "js-enabled" in (page.locator("body").get_attribute("class") or "")
    assert enhanced == (script == "on")
    assert_accessible(page, f"{address}, scripts {script}")
