"""X, through tweepy's API v2 client with the account's OAuth 1.0a user keys.

X has no idempotency key, but it refuses a post whose text repeats a recent one of the same
account: publish() turns that refusal into the earlier post, found by its link.

A post may weigh 280, by the twitter-text v3 rules (`length`). twitter-text-parser (the Python
port of twitter-text) is not used: it imports pkg_resources, which Python 3.12+ virtualenvs no
longer carry (ImportError on 3.13) and newer setuptools deprecates, and its emoji table is Unicode
Emoji 12.0, so newer sequences such as ❤️‍🔥 count as their parts. The v3 rules are short enough to
follow here instead. X may still count an emoji ZWJ sequence it does not know (not RGI, or newer
than its table) as its parts."""

from __future__ import annotations

import unicodedata
from typing import Any

import regex
import requests
import tweepy

from contract.vocabulary import Platform

from .answers import http_error, network_error, retry_after, seconds_until
from .base import TIMEOUT, USER_AGENT, Idempotency, PlatformClient, Rules
from .counting import URL_LENGTH, find_urls
from .settings import REQUIRED, Setting
from .values import Composed, PlatformError, PostedRef

NAME = Platform.X
TWEEPY_HOST = "https://api.twitter.com"  # what tweepy.Client.request puts before every route
DUPLICATE = "duplicate content"  # in X's 403 detail when the text repeats a recent post

# One emoji, as a unit X counts as 2: a flag, a keycap, a modifier, tag or presentation
# sequence, or one emoji, joined by ZWJ into a sequence (UTS #51 grammar).
_EMOJI_CORE = (
    r"(?:\p{Regional_Indicator}{2}|[#*0-9]\ufe0f\u20e3"
    r"|\p{Emoji_Modifier_Base}\p{Emoji_Modifier}"
    r"|(?![#*0-9])\p{Emoji}(?:[\U000e0020-\U000e007e]+\U000e007f|\ufe0f)?)"
)
_EMOJI = regex.compile(rf"{_EMOJI_CORE}(?:\u200d{_EMOJI_CORE})*")
# twitter-text v3 config: these code point ranges weigh 1, everything else 2.
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_HEAVY = regex.compile(
    "[^" + "".join(rf"\u{start:04x}-\u{end:04x}" for start, end in LIGHT_RANGES) + "]"
)


def length(text: str) -> int:
    """Weighted length as X counts it (twitter-text v3 parseTweet, limit 280): text NFC
    normalised first; each link counts 23 (t.co); each emoji, including a whole ZWJ,
    modifier, flag, keycap or tag sequence, counts 2; every other code point weighs 1 in the
    ranges 0-4351, 8192-8205, 8208-8223 and 8242-8247, and 2 elsewhere (CJK is 2).

    Bare domains ("111.nhs.uk") may or may not be links to X (its TLD list is its own), so
    they count as the larger of 23 and their own weight."""
    text = unicodedata.normalize("NFC", text)
    total, index = 0, 0
    for start, end, certain in find_urls(text, protocol=False):
        total += _plain(text[index:start])
        total += URL_LENGTH if certain else max(URL_LENGTH, _plain(text[start:end]))
        index = end
    return total + _plain(text[index:])


def _plain(text: str) -> int:
    """X weight of text without links: 2 per emoji unit, then 1 or 2 per code point."""
    total, index = 0, 0
    for match in _EMOJI.finditer(text):
        total += _code_points(text[index : match.start()]) + 2
        index = match.end()
    return total + _code_points(text[index:])


def _code_points(text: str) -> int:
    return len(text) + len(_HEAVY.findall(text))


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


class XClient(PlatformClient):
    """Posts to one X account."""

    name = NAME
    rules = Rules(limit=280, count=length, max_hashtags=2)
    settings = (
        Setting("ENGAGE_X_URL", "https://api.x.com", "Base address of the X API"),
        Setting("ENGAGE_X_API_KEY", REQUIRED, "The app's API key (OAuth 1.0a consumer key)"),
        Setting("ENGAGE_X_API_SECRET", REQUIRED, "The app's API key secret"),
        Setting("ENGAGE_X_ACCESS_TOKEN", REQUIRED, "The account's access token (read and write)"),
        Setting("ENGAGE_X_ACCESS_SECRET", REQUIRED, "The account's access token secret"),
    )
    idempotency = Idempotency.LOOK_FIRST
    look_back = 20

    def __init__(
        self,
        url: str,
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
        self._api.session = _Session(url, timeout)
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
                me, max_results=self.look_back, tweet_fields=["entities"], user_auth=True
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


CLIENT = XClient
