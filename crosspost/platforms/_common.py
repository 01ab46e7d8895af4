"""What the platform clients share: their settings tables, one reading of a failed HTTP answer
into PlatformError, and the link matching `find()` relies on."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from ..model import PlatformError

TIMEOUT = 30.0  # seconds for any one request: a hung platform must not hold the whole run
USER_AGENT = "Engage-crosspost/0.1"
LANGUAGE = "en"  # the site is written in English; entries carry no language of their own


REQUIRED = None  # the default of a setting the operator must give


@dataclass(frozen=True)
class Setting:
    """One environment variable a client reads (name, default, help, as the API's settings)."""

    name: str
    default: str | None  # REQUIRED: no default, the client is skipped until it is set
    help: str


def unset(settings: Sequence[Setting], env: Mapping[str, str]) -> list[str]:
    """The required settings that are unset or blank, in declaration order."""
    return [s.name for s in settings if s.default is None and not env.get(s.name, "").strip()]


def read(settings: Sequence[Setting], env: Mapping[str, str]) -> dict[str, str] | None:
    """Every setting's value (defaults filled in), or None when a required one is missing."""
    if unset(settings, env):
        return None
    return {s.name: (env.get(s.name, "").strip() or s.default or "") for s in settings}


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
    return PlatformError(message, transient=transient, retry_after=wait if transient else None)


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
