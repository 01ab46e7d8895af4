"""A Facebook Page, through the Graph API's page feed: one post per entry, with the link as
the post's link so Facebook draws its preview card.

A post's `message` may be 63,206 characters, counted here in UTF-16 code units."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests

from contract.vocabulary import Platform

from .answers import network_error, retry_after, words
from .base import TIMEOUT, USER_AGENT, Idempotency, PlatformClient, Rules
from .counting import utf16_units
from .settings import REQUIRED, Setting
from .values import Composed, PlatformError, PostedRef

NAME = Platform.FACEBOOK
GRAPH = "https://graph.facebook.com/v26.0"  # July 2026; Meta keeps each version two years
# Graph error codes that mean "too many calls, wait" (4 app, 17 user, 32 page, 613 custom,
# 80001 page business use case) or "temporary trouble" (1 unknown, 2 service): see
# developers.facebook.com/docs/graph-api/using-graph-api/error-handling
THROTTLED = {4, 17, 32, 613, 80001}
TEMPORARY = {1, 2}


def length(text: str) -> int:
    """Length of a Facebook Page post `message`: Graph API allows 63,206 characters; counted
    in UTF-16 code units, as Facebook's JavaScript composer counts, which is never fewer
    than code points."""
    return utf16_units(text)


class FacebookClient(PlatformClient):
    """Posts to one Page's feed."""

    name = NAME
    rules = Rules(limit=63_206, count=length, max_hashtags=3, link_in_text=False, card=True)
    settings = (
        Setting("ENGAGE_FACEBOOK_URL", GRAPH, "Base address of the Graph API, with its version"),
        Setting("ENGAGE_FACEBOOK_PAGE_ID", REQUIRED, "The numeric id of the Page to post on"),
        Setting("ENGAGE_FACEBOOK_TOKEN", REQUIRED, "A Page access token with pages_manage_posts"),
    )
    idempotency = Idempotency.LOOK_FIRST
    look_back = 25

    def __init__(self, url: str, page_id: str, token: str, *, timeout: float = TIMEOUT) -> None:
        self._graph = url.rstrip("/")  # the versioned base, for the listener's other edges
        self._page_id = page_id
        self._feed = f"{self._graph}/{page_id}/feed"
        self._token = token
        self._timeout = timeout
        self._http = requests.Session()
        self._http.headers["User-Agent"] = USER_AGENT

    def publish(self, composed: Composed, key: str) -> PostedRef:
        """Post message and link; the answer's id is PAGEID_POSTID. (Graph takes no
        idempotency key: after a crash, find() is what keeps a retry from posting twice.)"""
        data = {"message": composed.text, "link": composed.link, "access_token": self._token}
        answer = self._call("POST", data=data)
        if not isinstance(answer.get("id"), str):
            raise PlatformError(f"{NAME}: posted, but the answer had no post id")
        return _ref(answer["id"])

    def find(self, composed: Composed) -> PostedRef | None:
        """The Page's recent post whose link is the entry's (or whose text carries it)."""
        params = {
            "fields": "id,message,link",
            "limit": str(self.look_back),
            "access_token": self._token,
        }
        for post in self._call("GET", params=params).get("data") or ():
            if post.get("link") == composed.link or composed.link in words(post.get("message", "")):
                return _ref(post["id"])
        return None

    def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        response, body = self._send(method, self._feed, **kwargs)
        if response.ok and isinstance(body, dict):
            return body
        raise _error(response, body)

    def _send(self, method: str, url: str, **kwargs: Any) -> tuple[requests.Response, Any]:
        """One Graph call: the answer and its JSON body (None when it was not JSON)."""
        try:
            response = self._http.request(method, url, timeout=self._timeout, **kwargs)
        except requests.RequestException as error:
            raise network_error(NAME, error) from error
        try:
            return response, response.json()
        except ValueError:
            return response, None


def _ref(post_id: str) -> PostedRef:
    # The same address whether publish() or find() made the reference.
    return PostedRef(NAME, post_id, f"https://www.facebook.com/{post_id}")


def _error(response: requests.Response, body: Any) -> PlatformError:
    """Graph errors come as {"error": {"message", "type", "code", "fbtrace_id"}}; the code, not
    the HTTP status (often a plain 400), says whether to wait."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    code = error.get("code")
    message = f"{NAME}: HTTP {response.status_code}"
    if error:
        message += f": ({code}) {error.get('message', '')}".rstrip()
    transient = (
        code in THROTTLED
        or code in TEMPORARY
        or bool(error.get("is_transient"))
        or response.status_code in (408, 429)
        or response.status_code >= 500
    )
    if not transient:
        return PlatformError(message, status=response.status_code)
    wait = retry_after(response.headers) or _regain_access(response.headers)
    return PlatformError(message, transient=True, retry_after=wait, status=response.status_code)


def _regain_access(headers: Mapping[str, str]) -> float | None:
    """Seconds until Facebook lifts throttling, from estimated_time_to_regain_access (minutes)
    in the X-Business-Use-Case-Usage or X-Page-Usage headers, when either says."""
    minutes: list[float] = []
    for name in ("X-Business-Use-Case-Usage", "X-Page-Usage"):
        try:
            usage = json.loads(headers.get(name) or "null")
        except ValueError:
            continue
        entries: list[Any] = []
        if isinstance(usage, dict) and "estimated_time_to_regain_access" in usage:
            entries = [usage]
        elif isinstance(usage, dict):
            lists = [value for value in usage.values() if isinstance(value, list)]
            entries = [item for value in lists for item in value]
        for item in entries:
            value = item.get("estimated_time_to_regain_access") if isinstance(item, dict) else None
            if isinstance(value, int | float) and value > 0:
                minutes.append(float(value))
    return max(minutes) * 60 if minutes else None


CLIENT = FacebookClient
