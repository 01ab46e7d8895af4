"""render_comment: the one path from reader text to HTML, checked by example and against a
public XSS corpus, with the output parsed (not pattern-matched) so the checks see what a
browser would."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from feedback_api.render import render_comment
from fixtures.site import ROOT

CORPUS = ROOT / "tests" / "data" / "xss" / "payloadbox-xss-payload-list.txt"
ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "a"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
REL = "nofollow ugc noopener"
URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f]")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
DANGEROUS_MARKUP = re.compile(r"<\s*/?\s*(script|iframe|img|svg|style)", re.IGNORECASE)


class _Audit(HTMLParser):
    """Collects every reason the markup is not what the allow-list permits."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        if tag == "a" and dict(attrs).get("rel") != REL:
            self.problems.append(f"link without rel={REL!r}")
        for name, value in attrs:
            if tag != "a" or name not in {"href", "rel"}:
                self.problems.append(f"attribute {name} on <{tag}>")
            elif name == "href" and not _safe_href(value or ""):
                self.problems.append(f"href {value!r}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"end tag </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration {data!r}")


def _safe_href(value: str) -> bool:
    """An absolute http(s)/mailto address, read as a browser would read the attribute.

    HTMLParser has already unescaped the attribute once, as a browser does; browsers then
    ignore tabs and newlines anywhere and controls and spaces at the ends, so drop them all.
    """
    match = SCHEME.match(URL_NOISE.sub("", value).lower())
    return bool(match) and match.group(1) in ALLOWED_SCHEMES


def audit(output: str) -> _Audit:
    """Parse rendered HTML and record every departure from the allow-list."""
    parser = _Audit()
    parser.feed(output)
    parser.close()
    if match := DANGEROUS_MARKUP.search(output):
        parser.problems.append(f"markup {match.group(0)!r}")
    return parser


def tags(output: str) -> list[str]:
    """Start tags in document order."""
    return [tag for tag, _ in audit(output).starts]


def links(output: str) -> list[dict[str, str | None]]:
    """The attributes of every <a>."""
    return [attrs for tag, attrs in audit(output).starts if tag == "a"]


def text(output: str) -> str:
    """What a reader sees, entities decoded."""
    return "".join(audit(output).text)


# --- examples -------------------------------------------------------------------------------


def test_paragraphs() -> None:
    assert render_comment("First.\n\nSecond.") == "<p>First.</p>\n<p>Second.</p>"


def test_single_newline_is_a_line_break() -> None:
    assert render_comment("Line one\nLine two") == "<p>Line one<br>\nLine two</p>"


def test_emphasis_and_strong() -> None:
    assert render_comment("*a* _b_ **c** __d__") == (
        "<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong></p>"
    )


def test_bulleted_and_numbered_lists() -> None:
    out = render_comment("- one\n- two\n\nThen:\n\n1. first\n2. second")
    assert tags(out) == ["ul", "li", "li", "p", "ol", "li", "li"]
    assert "one" in out
    assert "second" in out


def test_nested_list() -> None:
    assert tags(render_comment("- outer\n    - inner")) == ["ul", "li", "ul", "li"]


def test_block_quote() -> None:
    out = render_comment("> They said this.\n\nI disagree.")
    assert out == "<blockquote>\n<p>They said this.</p>\n</blockquote>\n<p>I disagree.</p>"


def test_inline_code_is_escaped_and_not_linked() -> None:
    out = render_comment("Try `<b>x</b>` or `https://example.org`")
    assert out == (
        "<p>Try <code>&lt;b&gt;x&lt;/b&gt;</code> or <code>https://example.org</code></p>"
    )


def test_indented_text_is_not_a_code_block() -> None:
    assert render_comment("    indented") == "<p>indented</p>"


@pytest.mark.parametrize(
    "href", ["https://www.nhs.uk/conditions/", "http://example.org/a?b=1&c=2", "mailto:a@b.org"]
)
def test_inline_link_gets_exact_rel(href: str) -> None:
    [attrs] = links(render_comment(f"[the page]({href})"))
    assert attrs == {"href": href, "rel": REL}


def test_link_title_and_target_never_survive() -> None:
    [attrs] = links(render_comment('[x](https://example.org "A title")'))
    assert set(attrs) == {"href", "rel"}


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript&colon;alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "ftp://example.org/file",
        "/relative/path",
        "//example.org/protocol-relative",
        "#fragment",
    ],
)
def test_other_hrefs_lose_the_link_but_keep_the_words(href: str) -> None:
    out = render_comment(f"Click [here & now]({href}) please")
    assert links(out) == []
    assert text(out) == "Click here & now please"


def test_bare_urls_are_linked() -> None:
    out = render_comment("See https://www.nhs.uk/conditions. Or www.nhs.uk, (http://example.org)")
    assert links(out) == [
        {"href": "https://www.nhs.uk/conditions", "rel": REL},
        {"href": "https://www.nhs.uk", "rel": REL},
        {"href": "http://example.org", "rel": REL},
    ]
    assert text(out) == "See https://www.nhs.uk/conditions. Or www.nhs.uk, (http://example.org)"


def test_words_joined_by_a_full_stop_are_not_links() -> None:
    assert links(render_comment("We waited hours.No one came. I emailed gp@example.org")) == []


def test_angle_bracket_url_is_linked_but_email_is_not() -> None:
    out = render_comment("<https://example.org> <someone@example.org>")
    assert links(out) == [{"href": "https://example.org", "rel": REL}]
    assert "someone@example.org" in text(out)


def test_image_becomes_its_alt_text() -> None:
    out = render_comment("Look ![a chart <b>](https://example.org/x.png) here")
    assert "<img" not in out
    assert text(out) == "Look a chart <b> here"


def test_heading_is_a_paragraph() -> None:
    assert render_comment("# Not a heading") == "<p># Not a heading</p>"


def test_setext_heading_and_rule_are_text() -> None:
    out = render_comment("Title\n=====\n\n---")
    assert tags(out) == ["p", "br", "p"]
    assert "<h" not in out


def test_reference_links_are_text() -> None:
    out = render_comment("[a][1]\n\n[1]: javascript:alert(1)")
    assert "javascript:alert(1)" in text(out)
    assert links(out) == []


def test_raw_html_is_shown_as_text() -> None:
    assert render_comment("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>"


def test_script_is_escaped() -> None:
    out = render_comment("<script>alert(1)</script>")
    assert out == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_html_block_is_escaped() -> None:
    out = render_comment('<div onclick="x()">\n<iframe src="https://example.org"></iframe>\n</div>')
    assert tags(out) == ["p", "br", "a", "br"]  # the address in `src` is linkified as text
    assert audit(out).problems == []


def test_tables_are_not_markup() -> None:
    assert tags(render_comment("| a | b |\n|---|---|\n| 1 | 2 |")) == ["p", "br", "br"]


def test_entities_are_kept_as_text() -> None:
    assert text(render_comment("Fish &amp; chips &lt;3 & more")) == "Fish & chips <3 & more"


@pytest.mark.parametrize(
    "source",
    ["[" * 5000, "![" * 2500, "[](" * 1666, "(" * 5000, ">" * 5000, "<" * 5000, "*a " * 1666],
)
def test_hostile_5000_characters_render_safely(source: str) -> None:
    assert audit(render_comment(source[:5000])).problems == []


# --- the XSS corpus -------------------------------------------------------------------------


def _payloads() -> list[str]:
    return CORPUS.read_text(encoding="utf-8", errors="surrogateescape").splitlines()


def test_corpus_is_complete() -> None:
    assert len(_payloads()) == 6613


def test_xss_corpus_renders_only_allowed_markup() -> None:
    failures = []
    for line, payload in enumerate(_payloads(), start=1):
        for placing, source in (
            ("alone", payload),
            ("in a sentence", f"I think {payload} is what they meant, thanks."),
        ):
            problems = audit(render_comment(source)).problems
            if problems:
                failures.append(f"line {line} {placing}: {problems[:3]} from {payload!r}")
    assert not failures, f"{len(failures)} failures; first 20:\n" + "\n".join(failures[:20])


# --- rendering the output again --------------------------------------------------------------


def _escaped_markup_count(tag: str, output: str) -> int:
    return len(re.findall(rf"</?{tag}[\s>/]", text(output)))


def _markup_count(tag: str, output: str) -> int:
    return len(re.findall(rf"</?{tag}[\s>/]", output))


def test_rendered_html_fed_back_in_is_only_text() -> None:
    """Each tag of the first rendering reappears, escaped, as text in the second: old markup
    never turns back into markup (as it would if the HTML were pasted into a comment)."""
    samples = [
        "Para one\nline\n\n- *a*\n- **b**\n\n1. c\n\n> quote `code`",
        "[link](https://example.org) and https://www.nhs.uk/ and <b>x</b>",
        *_payloads()[::50],
    ]
    failures = []
    for source in samples:
        first = render_comment(source)
        second = render_comment(first)
        problems = list(audit(second).problems)
        for tag in ALLOWED_TAGS:
            if _escaped_markup_count(tag, second) < _markup_count(tag, first):
                problems.append(f"<{tag}> became markup again")
        if problems:
            failures.append(f"{source!r}: {problems[:3]}")
    assert not failures, f"{len(failures)} failures; first 20:\n" + "\n".join(failures[:20])
