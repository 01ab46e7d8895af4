"""Reading the built site the way a browser would: pages, the addresses they use, and hosts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

# Attributes through which a page makes the browser fetch something (as opposed to a plain link).
FETCHING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "track": ("src",),
}
LINK_FETCHING_RELS = {
    "stylesheet",
    "icon",
    "mask-icon",
    "apple-touch-icon",
    "manifest",
    "preload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "modulepreload",
}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
IMPORT = re.compile(r"""import\s*(?:[^'";]*from\s*)?['"]([^'"]+)['"]""")


@dataclass
class PageRefs:
    """Everything one page points at."""

    links: list[str] = field(default_factory=list)  # <a href>, <link rel=alternate|canonical>
    fetched: list[str] = field(default_factory=list)  # what the browser loads by itself
    form_actions: list[str] = field(default_factory=list)
    inline_styles: list[str] = field(default_factory=list)
    inline_scripts: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs = PageRefs()
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "style" in values:
            self.refs.inline_styles.append(values["style"])
        if tag == "a" and "href" in values:
            self.refs.links.append(values["href"])
        elif tag == "link" and "href" in values:
            rels = set(values.get("rel", "").lower().split())
            target = self.refs.fetched if rels & LINK_FETCHING_RELS else self.refs.links
            target.append(values["href"])
        elif tag == "form" and "action" in values:
            self.refs.form_actions.append(values["action"])
        elif tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.refs.fetched.append(values.get("content", "").partition("url=")[2])
        for attribute in FETCHING.get(tag, ()):
            if attribute in values:
                for candidate in values[attribute].split(","):
                    self.refs.fetched.append(candidate.strip().split(" ")[0])
        self._in = tag if tag in ("style", "script") else None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.refs.inline_styles.append(data)
        elif self._in == "script":
            self.refs.inline_scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def page_refs(html: str) -> PageRefs:
    """Collect the addresses in a page, including url() in inline CSS."""
    collector = _Collector()
    collector.feed(html)
    refs = collector.refs
    for css in refs.inline_styles:
        refs.fetched += CSS_URL.findall(css)
    for script in refs.inline_scripts:
        refs.fetched += IMPORT.findall(script)
    return refs


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def pages_with_refs(output: Path, site_url: str) -> list[tuple[Path, str, PageRefs]]:
    """Every built page with the address it is served at and what it points at."""
    return [
        (path, url_of(output, path, site_url), page_refs(path.read_text(encoding="utf-8")))
        for path in html_pages(output)
    ]


def url_of(output: Path, path: Path, site_url: str) -> str:
    """The address a file is served at."""
    relative = path.relative_to(output).as_posix()
    if relative.endswith("index.html"):
        relative = relative[: -len("index.html")]
    return f"{site_url}/{relative}"


def local_file(output: Path, address: str, base: str, site_url: str) -> Path | None:
    """The file a same-site address resolves to, or None when the address is another host's."""
    absolute = urljoin(base, address)
    parts = urlsplit(absolute)
    own = urlsplit(site_url)
    if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
        return None
    target = output / parts.path.lstrip("/")
    return target / "index.html" if parts.path.endswith("/") else target
