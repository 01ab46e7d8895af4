"""A LinkedIn organisation page, through the versioned Posts API: one article post per entry,
the composed text as commentary and the entry as the article.

The commentary may be 3,000 characters, in LinkedIn's "little" text format: its reserved
characters escaped, hashtags as templates, all of it counted in UTF-16 code units."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from contract.vocabulary import Platform

from .answers import http_error, network_error, retry_after, words
from .base import TIMEOUT, USER_AGENT, Idempotency, PlatformClient, Rules
from .counting import utf16_units
from .settings import REQUIRED, Setting
from .values import Composed, PlatformError, PostedRef

NAME = Platform.LINKEDIN
# LinkedIn serves each monthly API version for about a year: raise this when it is sunset.
VERSION = "202607"  # LinkedIn keeps each monthly version at least a year


def length(text: str) -> int:
    """Length of LinkedIn `commentary` (Posts API, 3,000 characters), counted on the
    little-format text as sent: escaping backslashes and {hashtag|\\#|Tag} templates
    included, in UTF-16 code units (LinkedIn's API is Java). LinkedIn does not say whether
    it counts escapes; counting them can make our count larger than LinkedIn's, never smaller."""
    return utf16_units(text)


class LinkedInClient(PlatformClient):
    """Posts as one author (an organisation or a member URN)."""

    name = NAME
    rules = Rules(limit=3_000, count=length, max_hashtags=3, card=True, little=True)
    settings = (
        Setting(
            "ENGAGE_LINKEDIN_URL", "https://api.linkedin.com", "Base address of the LinkedIn API"
        ),
        Setting(
            "ENGAGE_LINKEDIN_TOKEN",
            REQUIRED,
            "An access token with w_organization_social and r_organization_social",
        ),
        Setting("ENGAGE_LINKEDIN_AUTHOR", REQUIRED, "The page's URN: urn:li:organization:<id>"),
        Setting("ENGAGE_LINKEDIN_VERSION", VERSION, "The Posts API version to ask for (YYYYMM)"),
    )
    idempotency = Idempotency.LOOK_FIRST
    look_back = 20

    def __init__(
        self,
        url: str,
        token: str,
        author: str,
        *,
        version: str = VERSION,
        timeout: float = TIMEOUT,
    ) -> None:
        self._base = url.rstrip("/")  # for the listener's other resources
        self._posts = f"{self._base}/rest/posts"
        self._author = author
        self._timeout = timeout
        self._http = requests.Session()
        self._http.headers.update(
            {
                "Authorization": f"Bearer {token}",
                "LinkedIn-Version": version,
                "X-Restli-Protocol-Version": "2.0.0",
                "User-Agent": USER_AGENT,
            }
        )

    def publish(self, composed: Composed, key: str) -> PostedRef:
        """Create the post; LinkedIn answers 201 with the new post's URN in x-restli-id. (It
        takes no idempotency key: after a crash, find() keeps a retry from posting twice.)"""
        card = composed.card or {}
        article = {
            "source": composed.link,
            "title": card.get("title") or composed.entry.title,
            "description": card.get("description") or composed.entry.summary,
        }
        body = {
            "author": self._author,
            "commentary": composed.text,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "content": {"article": {key: value for key, value in article.items() if value}},
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        response = self._call("POST", json=body)
        urn = response.headers.get("x-restli-id")
        if not urn:
            raise PlatformError(f"{NAME}: posted, but the answer had no post URN")
        return _ref(urn)

    def find(self, composed: Composed) -> PostedRef | None:
        """The author's recent post whose article (or commentary) is the entry."""
        params = {"author": self._author, "q": "author", "count": str(self.look_back)}
        response = self._call("GET", params=params, headers={"X-RestLi-Method": "FINDER"})
        try:
            posts = response.json().get("elements") or ()
        except (ValueError, AttributeError) as error:
            raise PlatformError(f"{NAME}: the posts list was not JSON") from error
        for post in posts:
            article = (post.get("content") or {}).get("article") or {}
            if article.get("source") == composed.link or composed.link in words(
                post.get("commentary") or ""
            ):
                return _ref(post["id"])
        return None

    def _call(self, method: str, **kwargs: Any) -> requests.Response:
        return self._send(method, self._posts, **kwargs)

    def _send(
        self,
        method: str,
        url: str,
        refused: Callable[[requests.Response, str], None] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """One call; a refusal raised as PlatformError with LinkedIn's own words (`refused`
        sees it first, and may raise an error of its own)."""
        try:
            response = self._http.request(method, url, timeout=self._timeout, **kwargs)
        except requests.RequestException as error:
            raise network_error(NAME, error) from error
        if response.ok:
            return response
        try:
            body = response.json()
            detail = f"{body.get('code', '')} {body.get('message', '')}".strip()
        except (ValueError, AttributeError):
            detail = response.reason or ""
        if refused is not None:
            refused(response, detail)
        raise http_error(NAME, response.status_code, detail, wait=retry_after(response.headers))


def _ref(urn: str) -> PostedRef:
    return PostedRef(NAME, urn, f"https://www.linkedin.com/feed/update/{urn}/")


CLIENT = LinkedInClient
