"""Reading what platforms answer: a refusal or a call that got no answer, as PlatformError (with
how long to wait when the platform said), and the links in the posts `find()` reads back."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping
from html.parser import HTMLParser

from .values import PlatformError


def seconds_until(moment: float, now: float | None = None) -> float:
    """Whole seconds from now until an epoch time, never negative: a retry must not come early."""
    return float(max(0, math.ceil(moment - (time.time() if now is None else now))))


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The Retry-After header (seconds or an HTTP date) as seconds, or None when absent."""
    value = headers.get("Retry-After") or headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return seconds_until(moment.timestamp())


def transient_status(status: int) -> bool:
    """429, 408 and 5xx are worth retrying; any other refusal will be refused again."""
    return status in (408, 425, 429) or status >= 500


def http_error(
    platform: str, status: int, detail: str, *, wait: float | None = None
) -> PlatformError:
    """The PlatformError for an HTTP refusal, with the platform's own words in the message."""
    message = f"{platform}: HTTP {status}" + (f": {detail}" if detail else "")
    transient = transient_status(status)
    return PlatformError(
        message, transient=transient, retry_after=wait if transient else None, status=status
    )


def network_error(platform: str, error: BaseException) -> PlatformError:
    """A call that got no answer at all (refused, reset, timed out): try again later."""
    return PlatformError(f"{platform}: no answer ({error})", transient=True)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.update(value for name, value in attrs if name == "href" and value)


def hrefs(html: str) -> set[str]:
    """The link targets in an HTML fragment (Mastodon renders a post's text as HTML and shortens
    the visible text of long links, so only the href is the whole address)."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.hrefs


def words(text: str) -> set[str]:
    """The whitespace-separated tokens of a text, stripped of closing punctuation: an exact
    token match keeps https://site/post from matching https://site/post-2."""
    return {token.rstrip(".,;:!?)\"'") for token in text.split()}
