"""`GET /api/search`: the site search without JavaScript, against the built sample site's
search.json, answered as a page of the site; hostile queries never break or leak into it."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess

import pytest

from contract import search
from feedback_api.public.search_results import QUERY_MAX, parse_query
from fixtures.site import ROOT

# The typographic quotes and dash the pages use.
OPEN, CLOSE, DASH = "\u2018", "\u2019", "\u2013"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"


def results_of(page: str) -> list[str]:
    """The result addresses listed on a search page, in order."""
    listed = page.split("data-engage-search-results", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<h2 class="nhsuk-heading-s[^"]*"><a href="([^"]+)"', listed)


def status_of(page: str) -> str:
    found = re.search(r"data-engage-search-status>(.*?)</p>", page, re.S)
    assert found, "the page always has its live region"
    return html.unescape(found.group(1))


def test_results_rank_title_matches_first_and_mark_the_words(client) -> None:
    answer = client.get("/api/search?q=Urgent+CARE")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert answer.headers["Cache-Control"] == "public, max-age=60"
    found = results_of(page)
    assert status_of(page) == f"{len(found)} results for {OPEN}Urgent CARE{CLOSE}"
    # Both titles with the words come before pages that only mention them.
    assert set(found[:2]) == {
        "/blog/urgent-care-plans-vale-cross/",
        "/consultations/urgent-care-vale-cross/",
    }
    assert found[0] == "/blog/urgent-care-plans-vale-cross/", "equal rank: newest, then address"
    assert "<mark>urgent</mark> <mark>care</mark>" in page
    assert f"<title>Search results for {OPEN}Urgent CARE{CLOSE} {DASH} NHS Riverside" in page
    assert '<meta name="robots" content="noindex">' in page
    assert 'value="Urgent CARE"' in page, "the form keeps what was searched"
    assert "Consultation · <time datetime=" in page


def test_every_word_must_match(client) -> None:
    one = results_of(client.get("/api/search?q=maternity").get_data(as_text=True))
    both = results_of(client.get("/api/search?q=maternity+millbrook").get_data(as_text=True))
    assert one and both and set(both) <= set(one)
    nothing = client.get("/api/search?q=maternity+zzqxwobble").get_data(as_text=True)
    assert results_of(nothing) == []


def test_an_empty_query_gives_the_form_with_a_hint(client) -> None:
    for address in ("/api/search", "/api/search?q=", "/api/search?q=+%09+"):
        page = client.get(address).get_data(as_text=True)
        assert "Enter a word or phrase to search for" in page
        assert results_of(page) == [] and status_of(page) == ""
        assert '<div class="engage-search-none" data-engage-search-none hidden>' in page


def test_no_results_says_so_with_suggestions(client) -> None:
    page = client.get("/api/search?q=zzqxwobble").get_data(as_text=True)
    assert (
        f"No results found for {OPEN}<span data-engage-search-echo>zzqxwobble</span>{CLOSE}" in page
    )
    assert "double-checking your spelling" in page and 'href="/consultations/"' in page
    assert status_of(page) == f"No results found for {OPEN}zzqxwobble{CLOSE}"
    assert "engage-search-status nhsuk-u-visually-hidden" in page


HOSTILE = {
    "markup": '"><script>alert(1)</script><img src=x onerror=alert(2)>',
    "regex": "(.*)+[ \\ ^$ {2,} |",
    "dot-star": ".*",
    "unicode": "ünïcode ß 😀 \u202e gnp.exe \ufeff",
    "null byte": "mater\x00nity",
    "controls": "\x01\x1b[31mcare\x7f",
    "template": "{{ 7*7 }} {% raw %} ${7*7}",
    "entities": "&lt;b&gt; &amp;amp;",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_queries_are_searched_as_plain_text(client, name: str) -> None:
    query = HOSTILE[name]
    answer = client.get("/api/search", query_string={"q": query})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "<script>alert" not in page and "<img src=x" not in page and "49" not in status_of(page)
    assert "\x00" not in page and "\x1b" not in page
    shown = status_of(page)
    if name == "null byte":  # control characters are removed at the boundary
        assert shown.endswith(f"results for {OPEN}maternity{CLOSE}")
    elif name == "controls":
        assert shown.endswith(f"for {OPEN}[31mcare{CLOSE}")
    else:
        assert shown == f"No results found for {OPEN}{' '.join(query.split())}{CLOSE}"


def test_a_very_long_query_is_shortened_with_a_message(client) -> None:
    typed = "care " * 2000  # 10,000 characters
    answer = client.get("/api/search", query_string={"q": typed})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert f"we searched for the first {QUERY_MAX} characters" in page
    assert parse_query(typed).text in page and len(parse_query(typed).text) <= QUERY_MAX
    assert results_of(page), "the words kept are still searched"
    assert client.get("/api/search", query_string={"q": "x" * 20_000}).status_code == 414


def test_the_index_is_read_again_when_the_build_replaces_it(make_app, tmp_path, built_site) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    app = make_app(ENGAGE_SITE_DIR=str(site))
    client = app.test_client()
    assert results_of(client.get("/api/search?q=quokka").get_data(as_text=True)) == []
    entries = search.read(site / search.INDEX_NAME)
    entries.insert(0, {**entries[0], "url": "/blog/quokka/", "title": "The quokka clinic"})
    search.write(site / search.INDEX_NAME, entries)
    app.extensions["engage_search"]._checked = float("-inf")  # not a second later: now
    found = results_of(client.get("/api/search?q=quokka").get_data(as_text=True))
    assert found == ["/blog/quokka/"]


def test_without_a_site_folder_the_index_beside_the_manifest_is_read(make_app) -> None:
    client = make_app(ENGAGE_SITE_DIR="").test_client()
    assert results_of(client.get("/api/search?q=vaccines").get_data(as_text=True))


def test_no_index_yet_is_a_clear_503_page(make_app, tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    answer = make_app(ENGAGE_SITE_DIR=str(empty)).test_client().get("/api/search?q=care")
    assert answer.status_code == 503 and answer.mimetype == "text/html"
    assert "Search is not working at the moment" in answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "no-store"


def test_an_unreadable_index_keeps_the_last_good_one(make_app, tmp_path, built_site) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    app = make_app(ENGAGE_SITE_DIR=str(site))
    client = app.test_client()
    assert results_of(client.get("/api/search?q=vaccines").get_data(as_text=True))
    (site / search.INDEX_NAME).write_text(json.dumps({"version": 99}), encoding="utf-8")
    app.extensions["engage_search"]._checked = float("-inf")
    assert results_of(client.get("/api/search?q=vaccines").get_data(as_text=True))


def test_the_answer_pages_are_valid_html(client, tmp_path) -> None:
    java = shutil.which("java")
    if java is None or not VNU.exists():
        if os.environ.get("CI"):
            pytest.fail("java and node_modules/vnu-jar are needed")
        pytest.skip("needs java and the vnu-jar npm package")
    pages = tmp_path / "pages"  # tmp_path holds the app's database too
    pages.mkdir()
    for name, query in {"results": "care", "none": "zzqx", "empty": "", **HOSTILE}.items():
        page = client.get("/api/search", query_string={"q": query}).get_data(as_text=True)
        (pages / f"{name.replace(' ', '-')}.html").write_text(page, encoding="utf-8")
    done = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", str(pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url')}: {m['message']}" for m in messages if m.get("type") == "error"]
    assert not errors, "\n".join(errors[:20])
