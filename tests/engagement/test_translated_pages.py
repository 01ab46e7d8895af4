"""Pages in several languages: a translation is named after its original (`about.cy.md`) or says
`Lang:`; the build writes it under its language's folder with `<html lang dir>`, hreflang
alternates, a switcher naming each language in itself, its language's feed and sitemap entries;
the manifest lists each page's language and versions. Editors' mistakes get file, field and fix."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import jsonschema
import pytest

from fixtures.site import ROOT, run_pelican

SCHEMA = json.loads((ROOT / "contract/manifest.schema.json").read_text(encoding="utf-8"))
QUESTIONNAIRE = "title: Survey\nquestions:\n  - id: experience\n    type: fft\n"
CONSULTATION = (
    "Title: {title}\n{lang}Opens: 2026-11-01\nCloses: {closes}\nQuestionnaire: survey\n"
    "Summary: {title}.\n\n{title}\n"
)
POST = "Title: {title}\n{lang}Date: 2026-01-05\nCategory: News\nSummary: {title}.\n\n{title}\n"
SITE = {
    "pages/about.cy.md": "Title: Amdanom ni\nSummary: Pwy ydym ni.\n\nAmdanom ni.\n",
    "posts/first.cy.md": POST.format(title="Cyntaf", lang=""),
    "posts/only-polish.md": POST.format(title="Tylko po polsku", lang="Lang: pl\n"),
    "questionnaires/survey.yaml": QUESTIONNAIRE,
    "questionnaires/survey.ur.yaml": QUESTIONNAIRE.replace("Survey", "سروے"),
    "consultations/care.md": CONSULTATION.format(title="Care", lang="", closes="2027-01-29"),
    "consultations/care.ur.md": CONSULTATION.format(
        title="دیکھ بھال", lang="", closes="2027-01-29"
    ),
}


class _Tags(HTMLParser):
    """Every start tag's attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(path: Path, name: str, **wanted: str) -> list[dict[str, str | None]]:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return [
        attrs
        for tag, attrs in parser.tags
        if tag == name and all(attrs.get(key) == value for key, value in wanted.items())
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny site in English with Welsh, Urdu and Polish versions, built once."""
    base = tmp_path_factory.mktemp("translated")
    base_files = {
        "posts/first.md": POST.format(title="First", lang=""),
        "pages/about.md": "Title: About\nSummary: About us.\n\nAbout.\n",
        "pages/contact.md": "Title: Contact\nSummary: Contact us.\n\nContact.\n",
    }
    for relative, text in {**base_files, **SITE}.items():
        path = base / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    build = run_pelican(base / "content", base / "output", base / "cache")
    assert build.returncode == 0, build.log
    assert "WARNING" not in build.log, build.log
    return build.output


def test_each_version_is_written_under_its_language(site: Path) -> None:
    for address in (
        "about/",
        "cy/about/",
        "blog/first/",
        "cy/blog/first/",
        "pl/blog/only-polish/",
        "consultations/care/",
        "ur/consultations/care/",
    ):
        assert (site / address / "index.html").is_file(), address
    assert not (site / "blog/only-polish").exists()


def test_each_page_says_its_language_and_direction(site: Path) -> None:
    expected = {
        "about/": ("en-gb", "ltr"),
        "cy/about/": ("cy", "ltr"),
        "pl/blog/only-polish/": ("pl", "ltr"),
        "ur/consultations/care/": ("ur", "rtl"),
    }
    for address, (lang, direction) in expected.items():
        (html,) = tags(site / address / "index.html", "html")
        assert (html["lang"], html["dir"]) == (lang, direction), address


def test_versions_are_alternates_of_each_other(site: Path) -> None:
    for address in ("about/", "cy/about/"):
        found = {
            link["hreflang"]: link["href"]
            for link in tags(site / address / "index.html", "link", rel="alternate")
            if link.get("hreflang")
        }
        assert found == {
            "en-gb": "http://127.0.0.1:8000/about/",
            "cy": "http://127.0.0.1:8000/cy/about/",
            "x-default": "http://127.0.0.1:8000/about/",
        }, address
    # A page in one language only has no alternates and no switcher.
    contact = site / "contact/index.html"
    assert not [link for link in tags(contact, "link") if link.get("hreflang")]
    assert not tags(contact, "nav", **{"class": "engage-languages"})


def test_the_switcher_names_each_language_in_itself(site: Path) -> None:
    page = site / "ur/consultations/care/index.html"
    links = tags(page, "a", **{"class": "engage-languages__link"})
    assert [(a["href"], a["lang"], a["hreflang"]) for a in links] == [
        ("/consultations/care/", "en-gb", "en-gb")
    ]
    (current,) = tags(page, "span", **{"class": "engage-languages__current"})
    assert (current["lang"], current["dir"], current["aria-current"]) == ("ur", "rtl", "page")
    text = page.read_text(encoding="utf-8")
    assert 'aria-current="page" lang="ur" dir="rtl">اردو</span>' in text
    # Languages the page is not in are not offered: no link to a missing Welsh page.
    assert "/cy/consultations/care/" not in text


def feed_links(path: Path) -> set[str]:
    return {entry.link for entry in feedparser.parse(path.read_text(encoding="utf-8")).entries}


def test_each_language_has_its_feed(site: Path) -> None:
    base = "http://127.0.0.1:8000"
    assert feed_links(site / "feeds/all-cy.atom.xml") == {f"{base}/cy/blog/first/"}
    assert feed_links(site / "feeds/all-pl.atom.xml") == {f"{base}/pl/blog/only-polish/"}
    assert feed_links(site / "feeds/all-ur.atom.xml") == {f"{base}/ur/consultations/care/"}
    english = feed_links(site / "feeds/all-en-gb.atom.xml")
    assert english == {f"{base}/blog/first/", f"{base}/consultations/care/"}
    # A Welsh page links its language's feed.
    page = site / "cy/blog/first/index.html"
    feeds = [link["href"] for link in tags(page, "link", type="application/atom+xml")]
    assert "/feeds/all-cy.atom.xml" in feeds and "/feeds/all.atom.xml" not in feeds


def test_the_sitemap_lists_every_version_with_its_alternates(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>http://127.0.0.1:8000/cy/about/</loc>" in sitemap
    assert "<loc>http://127.0.0.1:8000/ur/consultations/care/</loc>" in sitemap
    entry = re.search(
        r"<url>\s*<loc>http://127.0.0.1:8000/cy/about/</loc>(.*?)</url>", sitemap, re.S
    )
    assert entry and 'hreflang="en-gb" href="http://127.0.0.1:8000/about/"' in entry.group(1)


def test_the_manifest_lists_languages_and_versions(site: Path) -> None:
    manifest = json.loads((site / "engagement.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest, SCHEMA)
    assert [
        (lang["code"], lang["name"], lang["direction"]) for lang in manifest["site"]["languages"]
    ] == [
        ("en-gb", "English", "ltr"),
        ("cy", "Cymraeg", "ltr"),
        ("ur", "اردو", "rtl"),
        ("pl", "Polski", "ltr"),
    ]
    pages = {entry["url"]: entry for entry in manifest["pages"]}
    assert pages["/cy/about/"]["lang"] == "cy"
    assert pages["/cy/about/"]["translations"] == {"en-gb": "/about/"}
    assert pages["/about/"]["translations"] == {"cy": "/cy/about/"}
    assert pages["/contact/"]["translations"] == {}
    # Both versions of a consultation post to its one questionnaire.
    assert pages["/ur/consultations/care/"]["questionnaire"] == "survey"
    assert pages["/consultations/care/"]["questionnaire"] == "survey"
    assert pages["/pl/blog/only-polish/"]["lang"] == "pl"


def test_lists_show_each_page_once_in_the_sites_language(site: Path) -> None:
    consultations = (site / "consultations/index.html").read_text(encoding="utf-8")
    assert "/consultations/care/" in consultations
    assert "/ur/consultations/care/" not in consultations


MISTAKES = {
    "a language the site does not have": (
        {"pages/about.fr.md": "Title: À propos\nLang: fr\n\nX\n"},
        "content/pages/about.fr.md:2: Lang: 'fr' is not one of this site's languages "
        "(en-gb, cy, ur, pl): write one of those, or add the language to ENGAGE_LANGUAGES",
    ),
    "a name and a Lang that disagree": (
        {"pages/about.cy.md": "Title: Amdanom ni\nLang: ur\n\nX\n"},
        "content/pages/about.cy.md:2: Lang: 'ur' is not the language the file name gives (cy)",
    ),
    "a translation opening on another day": (
        {
            "questionnaires/survey.yaml": QUESTIONNAIRE,
            "consultations/care.md": CONSULTATION.format(
                title="Care", lang="", closes="2027-01-29"
            ),
            "consultations/care.cy.md": CONSULTATION.format(
                title="Gofal", lang="", closes="2027-02-28"
            ),
        },
        "the versions of a consultation in each language open and close on the same days",
    ),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_translation_mistakes_are_explained(make_site, case: str) -> None:
    files, expected = MISTAKES[case]
    build = make_site(files)
    log = " ".join(build.log.split())
    assert build.returncode == 1, build.log
    assert " ".join(expected.split()) in log, build.log
    assert "Traceback" not in build.log


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        (["cy", "cy"], "ENGAGE_LANGUAGES names 'cy' twice"),
        (["en"], "or it is the site's own language"),
        (["<b>"], "ENGAGE_LANGUAGES has '<b>', which is not a language tag"),
    ],
)
def test_a_wrong_language_setting_is_named(
    tmp_path: Path, languages: list[str], expected: str
) -> None:
    build = run_pelican(
        ROOT / "content",
        tmp_path / "out",
        tmp_path / "cache",
        settings={"ENGAGE_LANGUAGES": languages},
    )
    assert build.returncode == 1
    assert expected in " ".join(build.log.split())
    assert "Traceback" not in build.log


def test_a_post_in_another_language_is_marked_in_the_list(site: Path) -> None:
    blog = site / "blog/index.html"
    (link,) = tags(blog, "a", href="/pl/blog/only-polish/")
    assert (link["lang"], link["hreflang"], link["dir"]) == ("pl", "pl", "ltr")
    (english,) = tags(blog, "a", href="/blog/first/")
    assert "lang" not in english


def test_the_sites_own_pages_are_written_in_each_language(site: Path) -> None:
    for folder in ("cy/", "ur/", "pl/"):
        for address in ("", "blog/", "consultations/", "you-said-we-did/", "search/"):
            page = site / folder / address / "index.html"
            assert page.is_file(), folder + address
            (html,) = tags(page, "html")
            assert html["lang"] == folder[:-1], folder + address
    (html,) = tags(site / "ur/consultations/index.html", "html")
    assert html["dir"] == "rtl"
    # Each lists the language's version where there is one, else the original.
    welsh_blog = site / "cy/blog/index.html"
    assert tags(welsh_blog, "a", href="/cy/blog/first/")
    assert not tags(welsh_blog, "a", href="/blog/first/")
    assert tags(welsh_blog, "a", href="/pl/blog/only-polish/", lang="pl")
    urdu = site / "ur/consultations/index.html"
    assert tags(urdu, "a", href="/ur/consultations/care/")
    assert tags(site / "cy/consultations/index.html", "a", href="/consultations/care/")
    # ...and they are alternates of each other.
    alternates = {
        link["hreflang"]: link["href"]
        for link in tags(site / "cy/index.html", "link", rel="alternate")
        if link.get("hreflang")
    }
    assert alternates["en-gb"] == "http://127.0.0.1:8000/"
    assert alternates["ur"] == "http://127.0.0.1:8000/ur/"
    (canonical,) = tags(site / "cy/index.html", "link", rel="canonical")
    assert canonical["href"] == "http://127.0.0.1:8000/cy/"


def test_a_languages_pages_have_its_name_and_navigation(site: Path) -> None:
    page = site / "cy/blog/first/index.html"
    text = page.read_text(encoding="utf-8")
    assert "Bwrdd Gofal Integredig GIG Riverside a&#39;r Fro" in text or (
        "Bwrdd Gofal Integredig GIG Riverside a'r Fro" in text
    )
    # Navigation goes to the Welsh version where there is one, else to the page as it is.
    assert tags(page, "a", href="/cy/consultations/")
    assert tags(page, "a", href="/cy/about/")
    assert tags(page, "a", href="/contact/")  # no Welsh contact page in this site
    (logo,) = [a for a in tags(page, "a") if "nhsuk-header__service-logo" in (a.get("class") or "")]
    assert logo["href"] == "/cy/"
    english = site / "blog/first/index.html"
    assert tags(english, "a", href="/consultations/") and not tags(english, "a", href="/cy/about/")


def test_the_sitemap_lists_each_languages_own_pages(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for address in ("cy/", "cy/blog/", "ur/consultations/", "pl/you-said-we-did/"):
        assert f"<loc>http://127.0.0.1:8000/{address}</loc>" in sitemap


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"fr": {"SITENAME": "X"}}, "ENGAGE_LANGUAGE_SETTINGS has 'fr', which is not in"),
        ({"cy": {"THEME": "x"}}, "ENGAGE_LANGUAGE_SETTINGS['cy'] has 'THEME': a language may give"),
    ],
)
def test_a_wrong_language_overlay_is_named(tmp_path: Path, given: dict, expected: str) -> None:
    build = run_pelican(
        ROOT / "content",
        tmp_path / "out",
        tmp_path / "cache",
        settings={"ENGAGE_LANGUAGE_SETTINGS": given},
    )
    assert build.returncode == 1
    assert expected in " ".join(build.log.split())
    assert "Traceback" not in build.log
