"""X, through tweepy's API v2 client with the account's OAuth 1.0a user keys.

X has no idempotency key, but it refuses a post whose text repeats a recent one of the same
account: publish() turns that refusal into the earlier post, found by its link."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
import tweepy

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
    seconds_until,
    unset,
)

NAME = "x"
TWEEPY_HOST = "https://api.twitter.com"  # what tweepy.Client.request puts before every route
RECENT = 20
DUPLICATE = "duplicate content"  # in X's 403 detail when the text repeats a recent post
SETTINGS = (
    Setting("ENGAGE_X_URL", "https://api.x.com", "Base address of the X API"),
    Setting("ENGAGE_X_API_KEY", REQUIRED, "The app's API key (OAuth 1.0a consumer key)"),
    Setting("ENGAGE_X_API_SECRET", REQUIRED, "The app's API key secret"),
    Setting("ENGAGE_X_ACCESS_TOKEN", REQUIRED, "The account's access token (read and write)"),
    Setting("ENGAGE_X_ACCESS_SECRET", REQUIRED, "The account's access token secret"),
)


def missing(env: Mapping[str, str]) -> list[str]:
    """The X settings still to set before posting there."""
    return unset(SETTINGS, env)


def from_environment(env: Mapping[str, str]) -> XClient | None:
    """A client from ENGAGE_X_* settings, or None when any required one is missing."""
    values = read(SETTINGS, env)
    if values is None:
        return None
    return XClient(
        values["ENGAGE_X_URL"],
        values["ENGAGE_X_API_KEY"],
        values["ENGAGE_X_API_SECRET"],
        values["ENGAGE_X_ACCESS_TOKEN"],
        values["ENGAGE_X_ACCESS_SECRET"],
    )


class _Session(requests.Session):
    """tweepy builds every URL from a fixed host; this session sends them to `base_url`
    instead (before OAuth signs them, so the signature covers the address really used), and
    gives each request a timeout, which tweepy never sets."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if isinstance(url, str) and url.startswith(TWEEPY_HOST + "/"):
            url = self.base_url + url[len(TWEEPY_HOST) :]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


class XClient:
    """Posts to one X account."""

    name = NAME

    def __init__(
        self,
        base_url: str,
        api_key: str,
        api_secret: str,
        access_token: str,
        access_secret: str,
        *,
        timeout: float = TIMEOUT,
    ) -> None:
        self._api = tweepy.Client(
            consumer_key=api_key,
            consumer_secret=api_secret,
            access_token=access_token,
            access_token_secret=access_secret,
            return_type=dict,  # the API's own JSON, as X documents it
            wait_on_rate_limit=False,  # never sleep inside a run: the runner decides
        )
        self._api.session = _Session(base_url, timeout)
        self._api.user_agent = f"{USER_AGENT} {self._api.user_agent}"

    def publish(self, composed: Composed, key: str) -> PostedRef:
        """Post the text (the link is in it: X makes the card from the link)."""
        try:
            answer = self._api.create_tweet(text=composed.text, user_auth=True)
        except tweepy.Forbidden as error:
            if any(DUPLICATE in message for message in error.api_messages):
                found = self.find(composed)
                if found is not None:
                    return found
            raise _error(error) from error
        except (tweepy.TweepyException, requests.RequestException) as error:
            raise _error(error) from error
        try:
            return _ref(answer["data"]["id"])
        except (KeyError, TypeError) as error:
            raise PlatformError(f"{NAME}: posted, but the answer had no post id") from error

    def find(self, composed: Composed) -> PostedRef | None:
        """The account's recent post whose link (X shortens it to t.co, but keeps the address
        as expanded_url) is the entry's."""
        try:
            me = self._api.get_me(user_auth=True)["data"]["id"]
            timeline = self._api.get_users_tweets(
                me, max_results=RECENT, tweet_fields=["entities"], user_auth=True
            )
        except (tweepy.TweepyException, requests.RequestException) as error:
            raise _error(error) from error
        except (KeyError, TypeError) as error:
            raise PlatformError(f"{NAME}: the account could not be read") from error
        for post in timeline.get("data") or ():
            urls = (post.get("entities") or {}).get("urls") or ()
            links = {url.get(field) for url in urls for field in ("expanded_url", "unwound_url")}
            if composed.link in links:
                return _ref(post["id"])
        return None


def _ref(post_id: str) -> PostedRef:
    # /i/web/status/ needs no user name, so publish() never makes a second call after posting.
    return PostedRef(NAME, str(post_id), f"https://x.com/i/web/status/{post_id}")


def _error(error: BaseException) -> PlatformError:
    """A PlatformError from what tweepy or requests raised."""
    if isinstance(error, requests.RequestException):
        return network_error(NAME, error)
    if not isinstance(error, tweepy.HTTPException):
        return PlatformError(f"{NAME}: {error}")
    response = error.response
    wait = retry_after(response.headers)
    if wait is None and isinstance(error, tweepy.TooManyRequests):
        reset = response.headers.get("x-rate-limit-reset", "")
        wait = seconds_until(int(reset)) if reset.isdigit() else None
    detail = "; ".join(str(message) for message in error.api_messages)
    return http_error(NAME, response.status_code, detail, wait=wait)
