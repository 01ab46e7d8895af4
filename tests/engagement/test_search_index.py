"""The site search as the build makes it: `search.json` (what is indexed, how small, in a stable
order, never reader comments) and the search page and header form that use it."""

from __future__ import annotations

import json
from pathlib import Path

from contract import search
from engagement.output.search_index import plain_text
from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from fixtures.site import ROOT, run_pelican


def index_of(site: Path) -> list[dict]:
    document = json.loads((site / search.INDEX_NAME).read_text(encoding="utf-8"))
    assert document["version"] == search.VERSION
    return document["pages"]


def test_every_published_page_is_indexed_as_plain_text(built_site: Path, manifest: dict) -> None:
    entries = index_of(built_site)
    by_url = {entry["url"]: entry for entry in entries}
    assert set(by_url) == {page["url"] for page in manifest["pages"]}
    for page in manifest["pages"]:
        entry = by_url[page["url"]]
        assert list(entry) == list(search.FIELDS)
        assert (entry["title"], entry["kind"], entry["summary"]) == (
            page["title"],
            page["kind"],
            page["summary"],
        )
        assert entry["date"] == (page["published"][:10] if page["published"] else None)
        assert 0 < len(entry["text"]) <= search.TEXT_LENGTH
        assert "<" not in entry["text"] and "  " not in entry["text"]
        assert "&amp;" not in entry["text"] and "\n" not in entry["text"]
    urgent = by_url["/consultations/urgent-care-vale-cross/"]["text"]
    assert urgent.startswith("We want to make it easier for people in Vale Cross")
    dates = [entry["date"] or "" for entry in entries]
    assert dates == sorted(dates, reverse=True), "newest first, then pages"
    # Small enough for a phone to fetch: well under 2 KB of text and its fields a page.
    assert len((built_site / search.INDEX_NAME).read_bytes()) < 3000 * len(entries)


def test_the_search_page_and_header_form_reach_the_api(built_site: Path) -> None:
    page = (built_site / "search/index.html").read_text(encoding="utf-8")
    assert 'action="/api/search" method="get"' in page
    assert 'name="q" type="search"' in page and "nhsuk-search-input__input" in page
    assert 'data-index="/search.json"' in page and 'role="status"' in page
    assert "/theme/js/search." in page and '.js" defer' in page
    for address in ("index.html", "blog/winter-vaccines/index.html", "404.html"):
        html = (built_site / address).read_text(encoding="utf-8")
        assert '<form class="nhsuk-header__search-form" id="search" action="/api/search"' in html
    script = next((built_site / "theme/js").glob("search.*.js"))
    assert script.read_bytes() == (ROOT / "theme/static/js/search.js").read_bytes()
    # 5 KB until its words came to be looked up in the page's language (issue 16).
    assert len(script.read_bytes()) < 6 * 1024


def test_baked_comments_are_not_indexed_and_the_bytes_are_stable(
    app, client, runner, tmp_path, built_site: Path
) -> None:
    """Built again with an approved comment baked into a page: the page shows it, the index is
    byte for byte the one built without it."""
    page = "/blog/winter-vaccines/"
    made = client.post(
        "/api/comments", json={"page": page, "body": "Zanzibarwobble is my word."}
    ).json["id"]
    with app.app_context(), transaction():
        storage.set_status(storage.get_comment(made), "approved")
    export = tmp_path / "comments.json"
    assert runner.invoke(args=["comments", "export-site", str(export)]).exit_code == 0
    build = run_pelican(
        ROOT / "content",
        tmp_path / "out",
        tmp_path / "cache",
        settings={"ENGAGE_COMMENTS_EXPORT": str(export)},
    )
    assert build.returncode == 0, build.log
    html = (build.output / "blog/winter-vaccines/index.html").read_text(encoding="utf-8")
    assert "Zanzibarwobble" in html
    written = (build.output / search.INDEX_NAME).read_bytes()
    assert b"Zanzibarwobble" not in written
    assert written == (built_site / search.INDEX_NAME).read_bytes()


def test_drafts_and_hidden_pages_are_not_indexed(make_site) -> None:
    build = make_site(
        {
            "posts/draft.md": (
                "Title: Draft\nDate: 2026-01-06\nCategory: News\nStatus: draft\nSummary: Draft.\n\n"
                "Unfinished.\n"
            ),
            "pages/hidden.md": "Title: Hidden\nStatus: hidden\n\nNot listed.\n",
            "posts/signs.md": (
                "Title: A&E or 111?\nDate: 2026-01-07\nCategory: News\n"
                "Summary: When to go to A&E.\n\n"
                "| Where | When |\n|---|---|\n| A&E | emergencies |\n\n"
                "<!-- secret note for editors -->\n\n" + "word " * 600 + "\n"
            ),
        }
    )
    assert build.returncode == 0, build.log
    entries = index_of(build.output)
    assert [entry["url"] for entry in entries] == ["/blog/signs/", "/blog/first/", "/about/"]
    signs = entries[0]
    assert signs["title"] == "A&E or 111?" and signs["summary"] == "When to go to A&E."
    assert signs["text"].startswith("Where When A&E emergencies word word")
    assert "secret" not in signs["text"]
    assert len(signs["text"]) <= search.TEXT_LENGTH and signs["text"].endswith("word")


def test_plain_text_breaks_words_at_tags_and_cuts_at_a_word() -> None:
    assert plain_text("<p>one</p><p>two&nbsp;&amp; three</p>") == "one two & three"
    assert plain_text("<td>a</td><td>b</td><style>p{}</style><!-- c -->") == "a b"
    assert plain_text("alpha beta gamma", limit=12) == "alpha beta"
    assert plain_text("abcdefghijklmnop", limit=5) == "abcde"
    assert plain_text("") == ""


def test_a_long_page_is_cut_at_a_word_break_within_the_limit() -> None:
    """Whatever the limit, the index holds the page's words from the start, tags and their
    attributes never among them, cut after a whole word."""
    from engagement.output import search_index

    words = [f"word{number}" for number in range(3000)]
    html = "".join(
        f'<p class="para-{n}">{" ".join(words[n : n + 7])} <a href="/x/{n}/">link {n}</a></p>\n'
        for n in range(0, len(words), 7)
    )
    whole = search_index.plain_text(html, limit=10**9)
    assert whole.split() == [
        part for n in range(0, 3000, 7) for part in (*words[n : n + 7], "link", str(n))
    ]
    for limit in (1, 50, 999, search.TEXT_LENGTH, 5000):
        cut = whole[: limit + 1].rsplit(" ", 1)[0]
        expected = cut if cut and len(cut) <= limit else whole[:limit]
        assert search_index.plain_text(html, limit) == expected
