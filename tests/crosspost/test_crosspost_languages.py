"""A site in several languages: every language's feed is read, each translation of a post is a
post of its own, with its own words and its language tag as each platform takes it (Mastodon's
ISO 639 `language`, Bluesky's BCP 47 `langs`), each posted once; an old manifest still posts as
before; a missing feed or a hostile language tag stops the run with one clear sentence, posting
nothing."""

from __future__ import annotations

import contextlib
import datetime
import json
from pathlib import Path

import pytest

from contract.vocabulary import PLATFORMS
from crosspost.cli import main
from crosspost.feed import FeedError, beside, merge, read
from crosspost.ledger import Ledger
from fixtures.bilingual import LANGUAGES as BILINGUAL
from fixtures.crosspost_feeds import SITE, write_atom, write_manifest
from platforms.base import bcp47, iso639, language_tag
from platforms.values import Entry

pytestmark = pytest.mark.usefixtures("loopback_only")

MORNING = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC)
LANGUAGES = [
    *BILINGUAL,
    {
        "code": "pl",
        "name": "Polski",
        "english": "Polish",
        "direction": "ltr",
        "prefix": "/pl/",
        "feed": "feeds/all-pl.atom.xml",
    },
]
WORDS = {  # each page's own Social_mastodon / Social_bluesky, as its translation file gives them
    "/blog/winter-vaccines/": "Flu and COVID-19 vaccines are available now.",
    "/cy/blog/winter-vaccines/": "Mae brechlynnau ffliw a COVID-19 ar gael nawr.",
    "/pl/blog/pomoc-w-nocy/": "Gdzie szukać pomocy medycznej w nocy? W Vale Cross.",
}
LANG = {"/blog/winter-vaccines/": "en-GB", "/cy/blog/winter-vaccines/": "cy"}
LANG["/pl/blog/pomoc-w-nocy/"] = "pl"


def item(path: str, title: str, published: datetime.datetime = MORNING) -> dict[str, object]:
    return {
        "id": f"tag:engage.example.nhs.uk,{published:%Y-%m-%d}:{path}",
        "url": f"{SITE}{path}",
        "title": title,
        "summary": f"What {title} says.",
        "published": published,
    }


ENGLISH = item("/blog/winter-vaccines/", "Winter vaccines: who can get them")
WELSH = item("/cy/blog/winter-vaccines/", "Brechlynnau'r gaeaf: pwy all eu cael")
POLISH = item("/pl/blog/pomoc-w-nocy/", "Pomoc w nocy", MORNING + datetime.timedelta(hours=2))


def page(path: str, **more: object) -> dict[str, object]:
    words = WORDS.get(path, "")
    social = {"hashtags": [], "text": {"mastodon": words, "bluesky": words}} if words else {}
    return {"url": path, "title": path, "lang": LANG.get(path, "en-GB"), "social": social, **more}


def multilingual_site(out: Path, *, english: list[dict] | None = None) -> tuple[str, str]:
    """The build's output: the site's feed (with the Welsh translation in it too, as Pelican's
    all.atom.xml has), a feed per language, and the manifest listing them."""
    english = english or [ENGLISH]
    feed = write_atom(out / "feeds/all.atom.xml", [*english, WELSH], "en-gb")
    write_atom(out / "feeds/all-cy.atom.xml", [WELSH], "cy")
    write_atom(out / "feeds/all-pl.atom.xml", [POLISH], "pl")
    pages = [
        page("/blog/winter-vaccines/", translations={"cy": "/cy/blog/winter-vaccines/"}),
        page("/cy/blog/winter-vaccines/", translations={"en-GB": "/blog/winter-vaccines/"}),
        page("/pl/blog/pomoc-w-nocy/"),
        *(page(urlpath(post)) for post in english if post is not ENGLISH),
    ]
    site = {"language": "en-gb", "languages": LANGUAGES}
    return feed, write_manifest(out / "engagement.json", site, pages)


def urlpath(post: dict[str, object]) -> str:
    return str(post["url"]).removeprefix(SITE)


def crosspost(env: dict[str, str], feed: str, manifest: str, *args: str) -> int:
    return main(["--feed", feed, "--manifest", manifest, *args], env)


def statuses(fakes) -> list[tuple[str, str, str]]:
    """Mastodon: (text, `language` as sent, the status's language as Mastodon stored it)."""
    return [
        (post["text"], post["form"].get("language"), post["status"]["language"])
        for post in fakes["mastodon"].posts
    ]


def records(fakes) -> list[tuple[str, list[str]]]:
    """Bluesky: (text, langs) of each record written."""
    return [(post["text"], post.get("langs")) for post in fakes["bluesky"].posts]


# --- Each translation is a post of its own -----------------------------------------------------


def test_each_translation_is_posted_once_in_its_own_words_and_language(
    env, fakes, tmp_path, capsys
) -> None:
    feed, manifest = multilingual_site(tmp_path / "output")
    assert crosspost(env, feed, manifest, "--post", "--backfill", "3") == 0
    assert "Posted 15, skipped 0, failed 0." in capsys.readouterr().out
    posted = statuses(fakes)
    assert [(text.split("\n\n")[0], sent, kept) for text, sent, kept in posted] == [
        (WORDS["/blog/winter-vaccines/"], "en", "en"),
        (WORDS["/cy/blog/winter-vaccines/"], "cy", "cy"),
        (WORDS["/pl/blog/pomoc-w-nocy/"], "pl", "pl"),
    ], "oldest first; at the same moment, in the site's order of languages"
    assert [f"{SITE}/cy/blog/winter-vaccines/?via=mastodon" in text for text, *_ in posted] == [
        False,
        True,
        False,
    ]
    assert [(text.split("\n\n")[0], langs) for text, langs in records(fakes)] == [
        (WORDS["/blog/winter-vaccines/"], ["en-GB"]),
        (WORDS["/cy/blog/winter-vaccines/"], ["cy"]),
        (WORDS["/pl/blog/pomoc-w-nocy/"], ["pl"]),
    ]
    assert {name: len(fake.posts) for name, fake in fakes.items()} == dict.fromkeys(PLATFORMS, 3)
    assert crosspost(env, feed, manifest, "--post") == 0
    assert "Posted 0" in capsys.readouterr().out
    assert {name: len(fake.posts) for name, fake in fakes.items()} == dict.fromkeys(PLATFORMS, 3)


def test_the_report_names_each_entrys_language(env, fakes, tmp_path, capsys) -> None:
    feed, manifest = multilingual_site(tmp_path / "output")
    assert crosspost(env, feed, manifest, "--report", "--backfill", "3") == 0
    report = json.loads(capsys.readouterr().out)
    assert [(e["url"], e["language"]) for e in report["entries"]] == [
        (ENGLISH["url"], "en-GB"),
        (WELSH["url"], "cy"),
        (POLISH["url"], "pl"),
    ]


def test_the_published_feeds_are_read_from_beside_the_given_address() -> None:
    given = f"{SITE}/feeds/all.atom.xml"
    assert beside(given, "all-cy.atom.xml") == f"{SITE}/feeds/all-cy.atom.xml"
    assert beside("/srv/site/feeds/all.atom.xml", "all-pl.atom.xml") == (
        "/srv/site/feeds/all-pl.atom.xml"
    )


def test_an_entry_in_two_feeds_is_one_entry_in_its_own_language() -> None:
    def entry(url: str, language: str, hours: int = 0) -> Entry:
        moment = MORNING + datetime.timedelta(hours=hours)
        return Entry(f"tag:{url}", url, url, "", moment, language=language)

    site = [entry("/blog/a/", "en-GB"), entry("/cy/blog/a/", "en-GB")]  # a translation in it
    welsh = [entry("/cy/blog/a/", "cy"), entry("/cy/blog/b/", "cy", hours=1)]
    merged = merge([site, welsh])
    assert [(e.url, e.language) for e in merged] == [
        ("/cy/blog/b/", "cy"),
        ("/cy/blog/a/", "cy"),
        ("/blog/a/", "en-GB"),
    ], "newest first; the same moment: the site's language last, so it is posted first"


# --- Old manifests and none ------------------------------------------------------------------


def test_a_manifest_from_before_translations_posts_as_before(env, fakes, tmp_path) -> None:
    """No site.languages, no page lang: the one feed, in the site's language."""
    out = tmp_path / "output"
    feed = write_atom(out / "feeds/all.atom.xml", [ENGLISH])
    old = page("/blog/winter-vaccines/")
    del old["lang"]
    manifest = write_manifest(out / "engagement.json", {"language": "en-gb"}, [old])
    (out / "feeds/all-cy.atom.xml").write_text("never read: the manifest lists no languages")
    assert crosspost(env, feed, manifest, "--post", "--backfill", "1") == 0
    assert statuses(fakes) == [
        (f"{WORDS['/blog/winter-vaccines/']}\n\n{ENGLISH['url']}?via=mastodon", "en", "en")
    ]
    assert [langs for _, langs in records(fakes)] == [["en-GB"]]
    assert {name: len(fake.posts) for name, fake in fakes.items()} == dict.fromkeys(PLATFORMS, 1)


def test_without_a_manifest_the_feed_says_its_language(tmp_path) -> None:
    welsh = write_atom(tmp_path / "cy.xml", [WELSH], "cy")
    plain = write_atom(tmp_path / "plain.xml", [ENGLISH])
    assert [entry.language for entry in read(welsh, None)] == ["cy"]
    assert [entry.language for entry in read(plain, None)] == ["en"]


# --- A feed that is not there ----------------------------------------------------------------


def test_a_missing_language_feed_stops_the_run_and_nothing_is_posted_twice(
    env, fakes, tmp_path, capsys
) -> None:
    out = tmp_path / "output"
    feed, manifest = multilingual_site(out)
    assert crosspost(env, feed, manifest, "--post", "--backfill", "3") == 0
    capsys.readouterr()
    later = item("/blog/night-help/", "Help at night", MORNING + datetime.timedelta(days=1))
    feed, manifest = multilingual_site(out, english=[ENGLISH, later])
    welsh_feed = out / "feeds/all-cy.atom.xml"
    kept = welsh_feed.read_bytes()
    welsh_feed.unlink()
    assert crosspost(env, feed, manifest, "--post") == 2
    said = capsys.readouterr().err
    assert said.startswith("crosspost: cannot read the Welsh (cy) feed ")
    assert str(welsh_feed) in said and "nothing was posted" in said
    assert "Traceback" not in said
    assert {name: len(fake.posts) for name, fake in fakes.items()} == dict.fromkeys(PLATFORMS, 3)
    welsh_feed.write_text("<feed>not closed")
    assert crosspost(env, feed, manifest, "--post") == 2
    assert "the Welsh (cy) feed" in capsys.readouterr().err, "unreadable: the same"
    welsh_feed.write_bytes(kept)
    assert crosspost(env, feed, manifest, "--post") == 0
    assert {name: len(fake.posts) for name, fake in fakes.items()} == dict.fromkeys(PLATFORMS, 4)
    assert crosspost(env, feed, manifest, "--post") == 0
    for fake in fakes.values():
        links = [str(post) for post in fake.posts]
        for path in ("/blog/winter-vaccines/", "/cy/blog/winter-vaccines/", "/blog/night-help/"):
            assert sum(f"{SITE}{path}?via" in link for link in links) == 1, (fake.name, path)


# --- Hostile manifests ------------------------------------------------------------------------

LONG = "en-" + "-".join(["abcdefgh"] * 600)  # well-formed subtags, far too many of them
HOSTILE_TAGS = [LONG, "<script>alert(1)</script>", "cy\n", "c", "", 42, None, ["cy"]]


def short(value: object) -> str:
    """A test id for a hostile value: the start of its repr."""
    return repr(value)[:16]


def hostile(out: Path, **changes: object) -> tuple[str, str]:
    """The multilingual site with one value changed: `page_lang` (the English page's lang),
    `code` or `feed_file` (the Welsh language's), `site_lang` (site.language)."""
    feed, _ = multilingual_site(out)
    languages = [dict(language) for language in LANGUAGES]
    if "code" in changes:
        languages[1]["code"] = changes["code"]
    if "feed_file" in changes:
        languages[1]["feed"] = changes["feed_file"]
    site = {"language": changes.get("site_lang", "en-gb"), "languages": languages}
    english = page("/blog/winter-vaccines/")
    if "page_lang" in changes:
        english["lang"] = changes["page_lang"]
    pages = [english, page("/cy/blog/winter-vaccines/"), page("/pl/blog/pomoc-w-nocy/")]
    return feed, write_manifest(out / "engagement.json", site, pages)


def refused(env, fakes, capsys, feed: str, manifest: str) -> str:
    assert crosspost(env, feed, manifest, "--post", "--backfill", "3") == 2
    said = capsys.readouterr().err
    assert said.startswith(f"crosspost: the site manifest {manifest} ")
    assert "Traceback" not in said and len(said) < 600
    assert "<script>" not in said or "alert(1)</script>'" in said  # quoted as a value, not markup
    assert {name: len(fake.posts) for name, fake in fakes.items()} == dict.fromkeys(PLATFORMS, 0)
    with contextlib.closing(Ledger(env["DATABASE_URL"])) as ledger:
        assert ledger.is_empty(), "nothing recorded as seen either"
    return said


@pytest.mark.parametrize("tag", HOSTILE_TAGS[:5], ids=short)
def test_a_page_language_that_is_not_a_tag_is_refused(env, fakes, tmp_path, capsys, tag) -> None:
    feed, manifest = hostile(tmp_path / "output", page_lang=tag)
    said = refused(env, fakes, capsys, feed, manifest)
    assert "gives the page '/blog/winter-vaccines/' the language" in said
    assert "not a language tag (such as en-GB or cy)" in said


@pytest.mark.parametrize("code", HOSTILE_TAGS[:2] + HOSTILE_TAGS[5:], ids=short)
def test_a_site_language_that_is_not_a_tag_is_refused(env, fakes, tmp_path, capsys, code) -> None:
    feed, manifest = hostile(tmp_path / "output", code=code)
    assert "a language in site.languages" in refused(env, fakes, capsys, feed, manifest)
    feed, manifest = hostile(tmp_path / "output", site_lang=code or "<b>")
    assert "gives the site the language" in refused(env, fakes, capsys, feed, manifest)


@pytest.mark.parametrize(
    "feed_file",
    [
        "../../../etc/passwd",
        "feeds/../../secrets.atom.xml",
        "https://elsewhere.example/feeds/all-cy.atom.xml",
        "/etc/hostname",
        "feeds/all-cy.atom.xml?x=<b>",
        7,
    ],
)
def test_a_language_feed_outside_the_sites_feeds_is_refused(
    env, fakes, tmp_path, capsys, feed_file
) -> None:
    feed, manifest = hostile(tmp_path / "output", feed_file=feed_file)
    said = refused(env, fakes, capsys, feed, manifest)
    assert "gives the language cy the feed" in said
    assert "not one of the site's feeds (feeds/<name>.atom.xml)" in said


def test_languages_in_a_shape_not_read_are_refused(env, fakes, tmp_path, capsys) -> None:
    feed, _ = multilingual_site(tmp_path / "output")
    for languages in ("cy", ["cy"], {"code": "cy"}):
        manifest = write_manifest(
            tmp_path / "output/engagement.json", {"language": "en", "languages": languages}, []
        )
        assert "lists its languages in a form" in refused(env, fakes, capsys, feed, manifest)
    with pytest.raises(FeedError):
        read(feed, manifest)


# --- Tags as each platform takes them --------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "tag", "mastodon"),
    [
        ("en-GB", "en-GB", "en"),
        ("en-gb", "en-GB", "en"),
        ("EN_gb", "en-GB", "en"),
        ("cy", "cy", "cy"),
        ("CY", "cy", "cy"),
        ("zh-hant-tw", "zh-Hant-TW", "zh"),
        ("es-419", "es-419", "es"),
        ("sco", "sco", "sco"),
    ],
)
def test_tags_are_written_as_bcp_47_writes_them(given: str, tag: str, mastodon: str) -> None:
    assert language_tag(given) == bcp47(given) == tag
    assert iso639(given) == mastodon


@pytest.mark.parametrize("given", HOSTILE_TAGS, ids=short)
def test_what_is_not_a_tag_is_none_and_posts_are_tagged_english(given: object) -> None:
    assert language_tag(given) is None
    assert bcp47(given) == iso639(given) == "en"
