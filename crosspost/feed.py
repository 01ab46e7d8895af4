"""What the cross-poster reads: the site's Atom feeds (built files or the published URLs) and the
manifest's social copy for each post, joined into Entry values, newest first.

A site in several languages has a feed of posts per language (the manifest's site.languages).
Each translation of a post is an entry of its own, with its own address, its page's social
text and its language tag, so the ledger (keyed by Atom id) posts the English and the Welsh
version once each. A manifest from before translations lists no languages: the one feed is
read, and its entries are in the site's language."""

from __future__ import annotations

import calendar
import datetime
import re
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from markupsafe import Markup

from contract import languages, manifest
from contract.languages import same as languages_same
from contract.social import hashtag
from platforms.base import LANGUAGE, language_tag
from platforms.values import Entry

TIMEOUT = 20
# A language's feed as the manifest names it (its schema's pattern): a file in feeds/.
FEED_FILE = re.compile(r"feeds/([A-Za-z0-9._-]+\.atom\.xml)")


class FeedError(Exception):
    """The feed or manifest cannot be read; the message says which and what to do."""


@dataclass(frozen=True)
class Site:
    """What the cross-poster needs of the manifest: the site's language (a BCP 47 tag), its
    pages by path, and each other language's feed as (tag, file name beside the site's)."""

    language: str
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    feeds: tuple[tuple[str, str], ...] = ()


NO_MANIFEST = Site(LANGUAGE)


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def read_bytes(source: str, *, what: str = "", listed_in: str | None = None) -> bytes:
    """The file at a path, or the body at an http(s) address. `what` names it in an error ("the
    Welsh (cy) feed"), `listed_in` the manifest that says it exists."""
    named = f"{what} {source}" if what else source
    try:
        if _is_url(source):
            with urllib.request.urlopen(source, timeout=TIMEOUT) as answer:
                return answer.read()
        return Path(source).read_bytes()
    except FileNotFoundError:
        if listed_in:
            raise FeedError(
                f"cannot read {named}, which the site manifest {listed_in} lists: there is no "
                "such file. Build the site again (invoke publish, or invoke build) so that every "
                "language's feed is written; nothing was posted."
            ) from None
        raise FeedError(
            f"cannot read {named}: there is no such file. Build the site first (invoke publish, "
            "or invoke build), or give the published feed's address with --feed."
        ) from None
    except (OSError, ValueError) as error:
        raise FeedError(f"cannot read {named}: {error}") from None


def read_site(source: str | None) -> Site:
    """The manifest's pages by path, the site's language and its other languages' feeds, read
    and checked as the feedback API reads it (NO_MANIFEST when none is given). A language tag
    that is not one (too long, markup) is refused here, naming where it is, never posted."""
    if not source:
        return NO_MANIFEST
    try:
        found = manifest.read(Path(source))
    except manifest.ManifestError as error:
        raise FeedError(error.message) from None
    except (AttributeError, KeyError, TypeError):  # well-formed JSON, but not a manifest
        raise FeedError(
            f"the site manifest {source} is not one this release understands: rebuild the site "
            "with the matching Engage release."
        ) from None
    facts = found.site if isinstance(found.site, dict) else {}
    language = _tag(facts.get("language") or LANGUAGE, "the site", source)
    pages = {}
    for url, page in found.pages.items():
        if isinstance(page, dict) and "lang" in page:
            page = {**page, "lang": _tag(page["lang"], f"the page {_shown(url)}", source)}
        pages[url] = page
    return Site(language, pages, _feeds(facts.get("languages") or [], language, source))


def _feeds(languages: object, site_language: str, source: str) -> tuple[tuple[str, str], ...]:
    """Each language's feed but the site's own: (tag, file name in the feeds folder)."""
    if not isinstance(languages, list) or not all(isinstance(i, dict) for i in languages):
        raise FeedError(
            f"the site manifest {source} lists its languages in a form this release "
            "does not read: rebuild the site with the matching Engage release."
        )
    codes = [language_tag(item.get("code")) for item in languages]
    # The site's own language is listed first; its feed is the one given (--feed).
    own = next(
        (i for i, code in enumerate(codes) if code == site_language),
        next((i for i, code in enumerate(codes) if languages_same(code, site_language)), 0),
    )
    feeds: dict[str, str] = {}  # file name -> tag: a file listed twice is read once
    for index, item in enumerate(languages):
        if index == own:
            continue
        code = _tag(item.get("code"), "a language in site.languages", source)
        name = item.get("feed")
        matched = FEED_FILE.fullmatch(name) if isinstance(name, str) else None
        if matched is None:
            raise FeedError(
                f"the site manifest {source} gives the language {code} the feed {_shown(name)}, "
                "which is not one of the site's feeds (feeds/<name>.atom.xml): rebuild the site "
                "with the matching Engage release."
            )
        feeds.setdefault(matched[1], code)
    own_name = FEED_FILE.fullmatch(str(languages[own].get("feed", ""))) if languages else None
    if own_name:
        feeds.pop(own_name[1], None)
    return tuple((code, name) for name, code in feeds.items())


def _tag(value: object, where: str, source: str) -> str:
    """A manifest's language tag as BCP 47 writes it, or a FeedError saying where it is."""
    tag = language_tag(value)
    if tag is None:
        raise FeedError(
            f"the site manifest {source} gives {where} the language {_shown(value)}, which is "
            "not a language tag (such as en-GB or cy): rebuild the site with the matching "
            "Engage release."
        )
    return tag


def _shown(value: object) -> str:
    """A value from the manifest as a message quotes it: on one line, and short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _name(source: str) -> str:
    """The file name of a path or an address."""
    return (urlsplit(source).path if _is_url(source) else source).replace("\\", "/").rsplit("/")[-1]


def beside(feed_source: str, name: str) -> str:
    """The feed called `name` in the same folder (or at the same address) as `feed_source`."""
    if _is_url(feed_source):
        return urljoin(feed_source, name)
    return str(Path(feed_source).with_name(name))


def _plain(html: str) -> str:
    return " ".join(Markup(html or "").striptags().split())


def _published(item: Any) -> datetime.datetime:
    parsed = item.get("published_parsed") or item.get("updated_parsed")
    if parsed is None:
        return datetime.datetime.now(datetime.UTC)
    return datetime.datetime.fromtimestamp(calendar.timegm(parsed), datetime.UTC)


def parse(
    feed: bytes,
    pages: dict[str, dict[str, Any]],
    source: str = "feed",
    language: str | None = None,
) -> list[Entry]:
    """Entries of an Atom (or RSS) feed, newest first, with the manifest's social copy. Each
    entry's language is its page's (the manifest's `lang`), else `language` (the feed's
    language as the manifest names it), else what the feed itself declares, else LANGUAGE."""
    parsed = feedparser.parse(feed)
    if parsed.get("bozo") and not parsed.entries:
        raise FeedError(f"{source} is not a feed: {parsed.get('bozo_exception')}")
    language = language or language_tag(parsed.feed.get("language")) or LANGUAGE
    found = []
    for item in parsed.entries:
        url = item.get("link")
        entry_id = item.get("id") or url
        if not url or not entry_id:
            continue
        page = pages.get(urlsplit(url).path, {})
        social = page.get("social") or {}
        tags = [tag.get("term", "") for tag in item.get("tags", [])]
        hashtags = social.get("hashtags") or [made for tag in tags if (made := hashtag(tag))]
        found.append(
            Entry(
                id=entry_id,
                url=url,
                title=_plain(item.get("title", "")),
                summary=_plain(item.get("summary", "")) or (page.get("summary") or ""),
                published=_published(item),
                hashtags=tuple(dict.fromkeys(hashtags)),
                text=dict(social.get("text") or {}),
                language=page.get("lang") or language,
            )
        )
    found.sort(key=lambda entry: entry.published, reverse=True)
    return found


def read(feed_source: str, manifest_source: str | None) -> list[Entry]:
    """Read every language's feed and join each entry to its page in the manifest: newest
    first, each entry once. `feed_source` is the site's own language's feed; the others the
    manifest lists (site.languages) are read from beside it, and one that cannot be read stops
    the run, so nothing is posted (or, on a first run, recorded as seen) from half the site."""
    site = read_site(manifest_source)
    readings = []
    for code, name in site.feeds:
        if name == _name(feed_source):  # the feed given is this language's: read below
            continue
        path = beside(feed_source, name)
        what = f"the {languages.language(code).english} ({code}) feed"
        body = read_bytes(path, what=what, listed_in=manifest_source)
        readings.append(parse(body, site.pages, f"{what} {path}", code))
    own = site.language if manifest_source else None
    readings.insert(0, parse(read_bytes(feed_source), site.pages, feed_source, own))
    return merge(readings)


def merge(readings: list[list[Entry]]) -> list[Entry]:
    """One list, newest first, of the entries of several feeds (the site's own first, then each
    translation's). An entry in two feeds (a translation in the site's feed and its own) is
    taken once, from its own language's feed; entries published at the same moment are posted
    in the order of the site's languages (the plan posts oldest first)."""
    chosen: dict[str, tuple[int, Entry]] = {}
    urls: set[str] = set()
    for rank in [*range(1, len(readings)), 0]:
        for entry in readings[rank]:
            if entry.id in chosen or entry.url in urls:
                continue
            chosen[entry.id] = (rank, entry)
            urls.add(entry.url)
    ordered = sorted(chosen.values(), key=lambda pair: (pair[1].published, pair[0]), reverse=True)
    return [entry for _, entry in ordered]
