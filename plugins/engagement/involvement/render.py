"""The report's words as safe HTML and as blocks for a Word writer, which always agree.

Markdown is rendered as for a page, then passed through an allow-list (as the API does with
readers' text): paragraphs, sub-headings, lists, quotes, bold, italics, code and links to a page
of the site, https, mailto or tel, with no attribute but a link's address. Any other tag is
dropped and its words kept, except scripts, styles and embeds, whose content goes too; a script
link loses its address and keeps its words. The blocks are read from that same HTML with the
standard library's parser, so the HTML page and the .docx can never say different things. The
build also refuses such markup with a fix (`markup_faults`): the allow-list is the second line,
so nothing unsafe reaches the manifest in any case.
"""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import markdown

from engagement.frontmatter.markup import unsafe_markup

SAFE_SCHEMES = ("http", "https", "mailto", "tel")
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
# Markdown's own tags, as the report keeps them: a heading in the words is a sub-heading of its
# section (the section's title is the heading above it), so h1-h3 become h3 and h4-h6 h4.
RENAMED = {
    "h1": "h3",
    "h2": "h3",
    "h3": "h3",
    "h4": "h4",
    "h5": "h4",
    "h6": "h4",
    "b": "strong",
    "i": "em",
    "pre": "p",
}
KEPT = {"p", "h3", "h4", "ul", "ol", "li", "blockquote", "strong", "em", "a", "code", "br"}
# Tags whose content is no words of the report.
DROPPED = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "template",
    "noscript",
    "textarea",
    "select",
    "svg",
    "math",
    "title",
    "head",
}
BLOCK_TAGS = {"p", "h3", "h4", "li"}
RAW_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")
FIX_RAW = (
    "the report's words are markdown only, because HTML cannot go into the Word document: use "
    "**bold**, *italics*, [words](/page/) for links, - for lists and > for people's own words."
)


def _markdown(allow_html: bool) -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    if not allow_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


def markup_faults(text: str) -> list[str]:
    """What an editor must change: raw HTML, script links, pictures (the report carries words)."""
    as_page = _markdown(allow_html=True).convert(text)
    faults = unsafe_markup(as_page)
    if as_page != _markdown(allow_html=False).convert(text):
        tags = sorted({f"<{name.lower()}>" for name in RAW_TAG.findall(text)})
        faults.append(f"{', '.join(tags) or 'HTML'}: {FIX_RAW}")
    if "<img" in as_page:
        faults.append(
            "pictures are not carried into the report: say in words what the picture shows, or "
            "link to the page it is on."
        )
    for href in re.findall(r'<a href="([^"]*)"', as_page):
        address = "".join(unescape(href).split())
        # Script links are told by `unsafe_markup`; other schemes (file:, ftp:) here.
        if not _safe_link(address) and not address.lower().startswith(SCRIPT_SCHEMES):
            faults.append(
                f'<a href="{address[:40]}">: this link cannot go into the report: link to a '
                "page of the site (/page/) or a full https:// address."
            )
    return list(dict.fromkeys(faults))


def render(text: str) -> str:
    """The editor's markdown as the report's safe HTML."""
    cleaner = _Cleaner()
    cleaner.feed(_markdown(allow_html=True).convert(text))
    cleaner.close()
    return "".join(cleaner.out).strip()


def _safe_link(href: str) -> bool:
    compact = "".join(ch for ch in href if ch.isprintable() and not ch.isspace())
    if compact.startswith(("/", "#")) and not compact.startswith("//"):
        return True
    scheme = urlsplit(compact).scheme.lower()
    return scheme in SAFE_SCHEMES


class _Cleaner(HTMLParser):
    """Rewrites markdown's HTML through the allow-list, with only `href` on links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open_links: list[bool] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED:
            self.skipping += 1
        tag = RENAMED.get(tag, tag)
        if tag not in KEPT or self.skipping:
            return
        if tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            keep = bool(href) and _safe_link(href)
            self.open_links.append(keep)
            if keep:
                self.out.append(f'<a href="{escape(href, quote=True)}">')
            return
        self.out.append("<br>" if tag == "br" else f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        tag = RENAMED.get(tag, tag)
        if tag not in KEPT or tag == "br" or self.skipping:
            return
        if tag == "a":
            if self.open_links and self.open_links.pop():
                self.out.append("</a>")
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(escape(data, quote=False))


def blocks(html: str) -> list[dict[str, Any]]:
    """The report's HTML (from `render`) as a flat list for a Word writer: headings, paragraphs,
    bullet and numbered items and quotes, each with runs of text marked bold, italic or linked."""
    reader = _Blocks()
    reader.feed(html)
    reader.close()
    reader.finish_block()
    return reader.blocks


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.lists: list[str] = []
        self.quotes = 0
        self.bold = 0
        self.italic = 0
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self.finish_block()
            self.lists.append("bullet" if tag == "ul" else "number")
        elif tag == "blockquote":
            self.finish_block()
            self.quotes += 1
        elif tag in ("h3", "h4"):
            self.start_block({"type": "heading", "level": int(tag[1]), "text": ""})
        elif tag == "li":
            self.start_block({"type": self.lists[-1] if self.lists else "bullet", "runs": []})
        elif tag == "p":
            if self.current is not None and self.current["type"] in ("bullet", "number"):
                self.add_text(" ")  # a loose list: the item's paragraphs run on
            else:
                self.start_block({"type": "quote" if self.quotes else "paragraph", "runs": []})
        elif tag == "strong":
            self.bold += 1
        elif tag == "em":
            self.italic += 1
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
        elif tag == "br":
            self.add_text("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self.finish_block()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self.finish_block()
            self.quotes = max(0, self.quotes - 1)
        elif tag in BLOCK_TAGS:
            if tag == "p" and self.current and self.current["type"] in ("bullet", "number"):
                return
            self.finish_block()
        elif tag == "strong":
            self.bold = max(0, self.bold - 1)
        elif tag == "em":
            self.italic = max(0, self.italic - 1)
        elif tag == "a" and self.links:
            self.links.pop()

    def handle_data(self, data: str) -> None:
        if self.current is None:
            if not data.strip():
                return
            # Text outside any block (not made by `render`) still reaches the document.
            self.start_block({"type": "quote" if self.quotes else "paragraph", "runs": []})
        self.add_text(data)

    def start_block(self, block: dict[str, Any]) -> None:
        self.finish_block()
        self.current = block

    def add_text(self, data: str) -> None:
        if self.current is None:
            return
        text = data if data == "\n" else re.sub(r"\s+", " ", data)
        if self.current["type"] == "heading":
            self.current["text"] += text
            return
        runs = self.current["runs"]
        style = {
            "bold": self.bold > 0,
            "italic": self.italic > 0,
            "link": self.links[-1] if self.links else None,
        }
        if runs and all(runs[-1][key] == value for key, value in style.items()):
            runs[-1]["text"] += text
        else:
            runs.append({"text": text, **style})

    def finish_block(self) -> None:
        block, self.current = self.current, None
        if block is None:
            return
        if block["type"] == "heading":
            block["text"] = block["text"].strip()
            if block["text"]:
                self.blocks.append(block)
            return
        runs = block["runs"]
        for run in runs:
            run["text"] = re.sub(r" ?\n ?", "\n", run["text"])
        while runs and not runs[0]["text"].lstrip():
            runs.pop(0)
        while runs and not runs[-1]["text"].rstrip():
            runs.pop()
        if runs:
            runs[0]["text"] = runs[0]["text"].lstrip()
            runs[-1]["text"] = runs[-1]["text"].rstrip()
            self.blocks.append(block)
