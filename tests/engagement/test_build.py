"""The sample site builds with Pelican's own command, every page type is there, and every link
and asset a page uses resolves to a file in the output."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from fixtures.sitepages import CSS_URL, html_pages, local_file, pages_with_refs

SITE = "http://127.0.0.1:8000"  # ENGAGE_SITE_URL in pelicanconf.py

PAGE_TYPES = {
    "home": "index.html",
    "article list": "blog/index.html",
    "article list, page 2": "blog/page/2/index.html",
    "article": "blog/winter-vaccines/index.html",
    "category": "blog/category/health-advice/index.html",
    "categories": "blog/categories/index.html",
    "tag": "blog/tag/urgent-care/index.html",
    "tags": "blog/tags/index.html",
    "consultations": "consultations/index.html",
    "open consultation": "consultations/urgent-care-vale-cross/index.html",
    "closed consultation": "consultations/millbrook-maternity-services/index.html",
    "ground rules": "ground-rules/index.html",
    "privacy": "privacy/index.html",
    "accessibility": "accessibility/index.html",
    "contact": "contact/index.html",
    "about": "about/index.html",
    "not found": "404.html",
}


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_type_is_built(built_site: Path, kind: str) -> None:
    page = built_site / PAGE_TYPES[kind]
    assert page.is_file(), f"{kind} page missing: {PAGE_TYPES[kind]}"
    html = page.read_text(encoding="utf-8")
    assert html.count("<h1") == 1, f"{kind} page should have exactly one h1"
    assert '<html lang="en-' in html


def test_compiled_assets_are_in_the_output(built_site: Path) -> None:
    css = built_site / "theme/css/main.css"
    assert css.stat().st_size > 20_000, "the NHS.UK styles should be compiled in"
    assert ".nhsuk-header" in css.read_text(encoding="utf-8")
    assert (built_site / "theme/nhsuk/nhsuk-frontend.min.js").is_file()
    assert (built_site / "theme/nhsuk/assets/images/favicon.svg").is_file()
    assert (built_site / "theme/js/engage.js").is_file()
    assert (built_site / "sitemap.xml").is_file()
    assert "Sitemap: " in (built_site / "robots.txt").read_text(encoding="utf-8")


def test_every_internal_link_and_asset_resolves(built_site: Path) -> None:
    broken = []
    for path, base, refs in pages_with_refs(built_site, SITE):
        for address in refs.links + refs.fetched:
            if urlsplit(address).scheme in ("mailto", "tel"):
                continue
            target = local_file(built_site, address.split("#")[0] or base, base, SITE)
            if target is not None and not target.is_file():
                broken.append(f"{path.relative_to(built_site)} -> {address}")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_urls_in_the_stylesheet_resolve(built_site: Path) -> None:
    css = (built_site / "theme/css/main.css").read_text(encoding="utf-8")
    base = f"{SITE}/theme/css/main.css"
    missing = []
    for address in set(CSS_URL.findall(css)):
        if address.startswith("data:"):
            continue
        target = local_file(built_site, address, base, SITE)
        if target is None or not target.is_file():
            missing.append(address)
    assert not missing


def test_sitemap_lists_every_published_page(built_site: Path, manifest: dict) -> None:
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    for entry in manifest["pages"]:
        assert f"<loc>{SITE}{entry['url']}</loc>" in sitemap


def test_a_consultation_shows_its_status_and_form(built_site: Path) -> None:
    open_page = (built_site / "consultations/urgent-care-vale-cross/index.html").read_text()
    closed_page = (built_site / "consultations/millbrook-maternity-services/index.html").read_text()
    assert 'action="/api/responses"' in open_page
    assert 'name="questionnaire" value="urgent-care-vale-cross"' in open_page
    assert "You said, we did" in closed_page
    assert 'action="/api/responses"' not in closed_page
    assert 'action="/api/comments"' not in closed_page, "a closed consultation takes no comments"


def test_comment_form_posts_the_page_address(built_site: Path) -> None:
    html = (built_site / "blog/winter-vaccines/index.html").read_text()
    assert 'action="/api/comments"' in html
    assert 'name="page" value="/blog/winter-vaccines/"' in html
    for name in ("author", "email", "body", "website"):
        assert f'name="{name}"' in html
    closed = (built_site / "blog/community-diagnostic-centre-vale-cross/index.html").read_text()
    assert 'action="/api/comments"' not in closed


def test_video_is_click_to_load_with_link_and_transcript(built_site: Path) -> None:
    html = (built_site / "blog/when-to-use-nhs-111/index.html").read_text()
    assert 'class="engage-video"' in html
    assert "https://www.youtube.com/watch?v=" in html
    assert "Transcript: " in html
    assert "<iframe" not in html


def test_no_template_variable_leaks_into_pages(built_site: Path) -> None:
    for path in html_pages(built_site):
        html = path.read_text(encoding="utf-8")
        for leak in ("{{", "{%", "None</", ">None<", "Undefined"):
            assert leak not in html, f"{path.relative_to(built_site)} contains {leak!r}"


def test_blog_pagination_links_both_ways(built_site: Path) -> None:
    first = (built_site / "blog/index.html").read_text(encoding="utf-8")
    second = (built_site / "blog/page/2/index.html").read_text(encoding="utf-8")
    assert 'href="/blog/page/2/" class="nhsuk-pagination__next" rel="next"' in first
    assert 'aria-label="Page 1" aria-current="page"' in first
    assert 'href="/blog/" class="nhsuk-pagination__previous" rel="prev"' in second
    assert 'href="/blog/page/2/" aria-label="Page 2" aria-current="page"' in second
    assert "@@engage-slot" not in first + second
