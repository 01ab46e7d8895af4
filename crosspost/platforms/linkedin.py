"""A LinkedIn organisation page, through the versioned Posts API: one article post per entry,
the composed text as commentary and the entry as the article."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from ..model import Composed, PlatformError, PostedRef
from ._common import (
    REQUIRED,
    TIMEOUT,
    USER_AGENT,
    Setting,
    http_error,
    network_error,
    read,
    retry_after,
    unset,
    words,
)

NAME = "linkedin"
RECENT = 20
# LinkedIn serves each monthly API version for about a year: raise this when it is sunset.
VERSION = "202607"  # LinkedIn keeps each monthly version at least a year
SETTINGS = (
    Setting("ENGAGE_LINKEDIN_URL", "https://api.linkedin.com", "Base address of the LinkedIn API"),
    Setting(
        "ENGAGE_LINKEDIN_TOKEN",
        REQUIRED,
        "An access token with w_organization_social and r_organization_social",
    ),
    Setting("ENGAGE_LINKEDIN_AUTHOR", REQUIRED, "The page's URN: urn:li:organization:<id>"),
    Setting("ENGAGE_LINKEDIN_VERSION", VERSION, "The Posts API version to ask for (YYYYMM)"),
)


def missing(env: Mapping[str, str]) -> list[str]:
    """The LinkedIn settings still to set before posting there."""
    return unset(SETTINGS, env)


def from_environment(env: Mapping[str, str]) -> LinkedInClient | None:
    """A client from ENGAGE_LINKEDIN_* settings, or None when any required one is missing."""
    values = read(SETTINGS, env)
    if values is None:
        return None
    return LinkedInClient(
        values["ENGAGE_LINKEDIN_URL"],
        values["ENGAGE_LINKEDIN_TOKEN"],
        values["ENGAGE_LINKEDIN_AUTHOR"],
        version=values["ENGAGE_LINKEDIN_VERSION"],
    )


class LinkedInClient:
    """Posts as one author (an organisation or a member URN)."""

    name = NAME

    def __init__(
        self,
        base_url: str,
        token: str,
        author: str,
        *,
        version: str = VERSION,
        timeout: float = TIMEOUT,
    ) -> None:
        self._posts = f"{base_url.rstrip('/')}/rest/posts"
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
        params = {"author": self._author, "q": "author", "count": str(RECENT)}
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
        try:
            response = self._http.request(method, self._posts, timeout=self._timeout, **kwargs)
        except requests.RequestException as error:
            raise network_error(NAME, error) from error
        if response.ok:
            return response
        try:
            body = response.json()
            detail = f"{body.get('code', '')} {body.get('message', '')}".strip()
        except (ValueError, AttributeError):
            detail = response.reason or ""
        raise http_error(NAME, response.status_code, detail, wait=retry_after(response.headers))


def _ref(urn: str) -> PostedRef:
    return PostedRef(NAME, urn, f"https://www.linkedin.com/feed/update/{urn}/")
