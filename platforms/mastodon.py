"""Mastodon, through Mastodon.py: one public status per entry, made safe to retry by the
Idempotency-Key header, which Mastodon remembers for an hour.

A status may be 500 characters (or the server's own `max_characters`), counted as Mastodon's
StatusLengthValidator counts: every link 23, a mention without its domain."""

from __future__ import annotations

import datetime
import email.utils
import time
from collections.abc import Callable, Mapping
from typing import Any

import regex
import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonRatelimitError,
)

from contract.vocabulary import Platform

from .answers import hrefs, http_error, network_error, retry_after, seconds_until
from .base import TIMEOUT, USER_AGENT, Idempotency, PlatformClient, Rules, iso639
from .counting import URL_LENGTH, find_urls, graphemes
from .settings import REQUIRED, Setting
from .values import Composed, PlatformError, PostedRef

NAME = Platform.MASTODON

# @user@domain, from Mastodon's Account::MENTION_RE, and twitter-text's "not a mention if
# followed by" rule (another @, a Latin accent, or ://).
_MENTION = regex.compile(
    r"(?<![=/\w])@(?>(?P<user>[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?P<domain>@\w+(?:[.-]+\w+)*))"
    r"(?![@\uff20\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f]|://)",
    regex.IGNORECASE,
)


def length(text: str) -> int:
    """Length as Mastodon's StatusLengthValidator counts it (app/validators/
    status_length_validator.rb): every http(s) link twitter-text extracts becomes 23 'x's
    whatever its length, each @user@domain mention keeps only '@user', then Ruby's
    String#each_grapheme_cluster counts what is left. The limit is the instance's
    configuration.statuses.max_characters, 500 by default."""
    entities = [(start, end, "x" * URL_LENGTH) for start, end, _ in find_urls(text)]
    if "@" in text:
        entities += [(m.start(), m.end(), "@" + m["user"]) for m in _MENTION.finditer(text)]
    entities.sort()
    pieces, index = [], 0
    for start, end, replacement in entities:
        if start < index:  # overlapping entities: the first one wins, as in Mastodon
            continue
        pieces += [text[index:start], replacement]
        index = end
    pieces.append(text[index:])
    return graphemes("".join(pieces))


class MastodonClient(PlatformClient):
    """Posts statuses to one account on one Mastodon server."""

    name = NAME
    rules = Rules(limit=500, count=length, max_hashtags=4)
    settings = (
        Setting("ENGAGE_MASTODON_URL", REQUIRED, "Base address of the account's Mastodon server"),
        Setting(
            "ENGAGE_MASTODON_TOKEN", REQUIRED, "The account's access token (write:statuses, read)"
        ),
    )
    idempotency = Idempotency.KEY
    look_back = 40  # the most statuses one accounts/:id/statuses call returns

    def __init__(self, url: str, token: str, *, timeout: float = TIMEOUT) -> None:
        # Our own session, so that after a refusal we can read the answer's headers
        # (Mastodon.py's errors carry the status code but not the rate-limit reset time).
        self._session = requests.Session()
        self._session.hooks["response"].append(self._keep)
        self._last: requests.Response | None = None
        self._api = Mastodon(
            api_base_url=url.rstrip("/"),
            access_token=token,
            session=self._session,
            request_timeout=timeout,
            ratelimit_method="throw",  # never sleep inside a run: the runner decides when to retry
            version_check_mode="none",  # no version probe of the server before each call
            user_agent=USER_AGENT,
        )

    def publish(self, composed: Composed, key: str) -> PostedRef:
        """Post the status, in the entry's language as Mastodon names languages (ISO 639:
        "cy", not "cy-GB"); the same `key` within the hour answers with the first status."""
        status = self._call(
            self._api.status_post,
            composed.text,
            idempotency_key=key,
            visibility="public",
            language=iso639(composed.entry.language),
        )
        return self._ref(status)

    def find(self, composed: Composed) -> PostedRef | None:
        """The account's recent status linking to the entry, if there is one."""
        account = self._call(self._api.account_verify_credentials)
        statuses = self._call(self._api.account_statuses, account["id"], limit=self.look_back)
        for status in statuses:
            links = hrefs(status.get("content") or "") | {(status.get("card") or {}).get("url")}
            if composed.link in links:
                return self._ref(status)
        return None

    def max_characters(self) -> int | None:
        """The server's own status length limit (many allow more than the usual 500), or None
        when the server cannot say: the composer then keeps its default."""
        try:
            instance = self._api.instance_v2()
            return int(instance["configuration"]["statuses"]["max_characters"])
        except (MastodonError, KeyError, TypeError, ValueError):
            return None

    def _ref(self, status: Mapping[str, Any]) -> PostedRef:
        return PostedRef(NAME, str(status["id"]), status.get("url") or status["uri"])

    def _keep(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        self._last = response

    def _call(self, method: Callable[..., Any], *args: object, **kwargs: object) -> Any:
        self._last = None
        try:
            return method(*args, **kwargs)
        except MastodonRatelimitError as error:
            raise http_error(NAME, 429, str(error), wait=self._wait(limited=True)) from error
        except MastodonNetworkError as error:
            raise network_error(NAME, error) from error
        except MastodonAPIError as error:
            # Mastodon.py raises MastodonAPIError('...', status, reason, message).
            status = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else 0
            detail = str(error.args[3]) if len(error.args) > 3 and error.args[3] else str(error)
            if not status:
                raise PlatformError(f"{NAME}: {detail}") from error
            raise http_error(NAME, status, detail, wait=self._wait(status == 429)) from error
        except MastodonError as error:
            raise PlatformError(f"{NAME}: {error}") from error

    def _wait(self, limited: bool = False) -> float | None:
        """Seconds to wait, from the last answer: Retry-After when one came (a proxy's, say),
        else for a rate limit Mastodon's X-RateLimit-Reset (an ISO time) against the server's
        own Date. (Mastodon sends X-RateLimit-Reset on every answer: it says nothing about
        when a 503 will pass.)"""
        if self._last is None:
            return None
        headers = self._last.headers
        wait = retry_after(headers)
        if wait is not None or not limited or "X-RateLimit-Reset" not in headers:
            return wait
        try:
            reset = datetime.datetime.fromisoformat(headers["X-RateLimit-Reset"]).timestamp()
            date = headers.get("Date")
            now = email.utils.parsedate_to_datetime(date).timestamp() if date else time.time()
        except (TypeError, ValueError, OverflowError):
            return None
        return seconds_until(reset, now)


CLIENT = MastodonClient
