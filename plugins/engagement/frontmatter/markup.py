"""What an editor's text may not contain once it is HTML: scripts, embeds, event handlers,
`javascript:` links, anything fetched from another host, and pictures without a description.

Markdown lets raw HTML through, and Pelican would publish it as written. A pasted embed code or
tracking pixel would break the promise that pages contact no other host; a script would run with
the site's authority. Such content stops the build with what to do instead.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

FORBIDDEN_TAGS = {
    "script": "scripts cannot be added to content",
    "iframe": "embedded frames load another site: for a video use the !!! youtube block",
    "object": "embedded objects cannot be added to content",
    "embed": "embedded objects cannot be added to content",
    "style": "styles come from the theme, not from content",
    "link": "stylesheets and other linked resources come from the theme",
    "form": "forms come from the theme (comments and questionnaires)",
    "base": "the page address cannot be changed from content",
    "meta": "page metadata comes from the front matter",
}
FETCHING = {"img": "src", "source": "src", "video": "src", "audio": "src", "track": "src"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.faults: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.faults.append(f"<{tag}>: {FORBIDDEN_TAGS[tag]}.")
            return
        if tag == "img" and not (dict(attrs).get("alt") or "").strip():
            self.faults.append(
                "a picture has no description: write what it shows in the square brackets, "
                "![like this](/images/name.png), so people who cannot see it are told."
            )
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.faults.append(f"<{tag} {name}=...>: event handlers run scripts; remove it.")
            elif name in ("href", "src", "action", "formaction") and _is_script_url(value):
                self.faults.append(f'<{tag} {name}="{value[:40]}">: script links are not allowed.')
            elif name in ("src", "srcset", "poster") and tag in FETCHING and _is_other_host(value):
                self.faults.append(
                    f'<{tag} {name}="{value[:60]}">: pictures and media must be stored with the '
                    "site (content/images/), so pages load nothing from another host."
                )
            elif name == "style" and "url(" in value.replace(" ", "").lower():
                self.faults.append(f"<{tag} style=...>: styles may not load images or fonts.")


def _is_script_url(value: str) -> bool:
    compact = "".join(value.split()).lower()
    return compact.startswith(("javascript:", "vbscript:", "data:text/html"))


def _is_other_host(value: str) -> bool:
    first = value.split(",")[0].strip().split(" ")[0]
    parts = urlsplit(first)
    return bool(parts.netloc) or first.startswith("//")


def unsafe_markup(html: str) -> list[str]:
    """Sentences describing each thing in `html` that content may not contain."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return list(dict.fromkeys(checker.faults))
