"""Bluesky, through the atproto SDK: one app.bsky.feed.post record per entry, with link and
hashtag facets and an external embed card.

A post may be 300 graphemes, the whole text counted (links are not shortened), and 3,000 UTF-8
bytes (the lexicon's maxGraphemes and maxLength).

The record key is a TID computed from the entry (its publication time and a hash of its id), not
from the clock: a retry writes to the same key, the PDS refuses a second record there, and
find() knows where to look without any listing."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

import httpx
from atproto_client import Client, models
from atproto_client.client.session import Session, SessionEvent
from atproto_client.exceptions import (
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError

from contract.vocabulary import Platform

from .answers import http_error, network_error, seconds_until
from .base import TIMEOUT, Idempotency, PlatformClient, Rules, bcp47
from .counting import graphemes
from .settings import REQUIRED, Setting
from .values import Composed, Entry, PlatformError, PostedRef

NAME = Platform.BLUESKY
COLLECTION = "app.bsky.feed.post"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, as the atproto spec names it
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# app.bsky.richtext.facet#tag: a longer hashtag stays plain text rather than have the PDS (or
# the SDK, before it) refuse the whole post.
TAG_MAX_GRAPHEMES, TAG_MAX_LENGTH = 64, 640


def length(text: str) -> int:
    """Length as Bluesky counts it: app.bsky.feed.post `text` has maxGraphemes 300, the
    whole text counted, links included (there is no link shortening). The record's other
    limit, maxLength 3000, is UTF-8 bytes (Rules.max_bytes)."""
    return graphemes(text)


def record_key(entry: Entry) -> str:
    """The entry's TID: made from its publication time and its Atom id (see `tid`)."""
    return tid(entry.published, entry.id)


def tid(moment: datetime.datetime, seed: str) -> str:
    """A TID fixed by a moment and a seed: 53 bits of microseconds since 1970 at `moment`, 10
    bits of clock id from a hash of `seed` (two writes would need the same microsecond and 1 in
    1024 luck to collide), written as 13 base32-sortable characters."""
    micros = (moment - EPOCH) // datetime.timedelta(microseconds=1)
    clock = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:2], "big") % 1024
    value = micros << 10 | clock
    return "".join(TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -5, -5))


class BlueskyClient(PlatformClient):
    """Posts records to one account's repository on its PDS."""

    name = NAME
    rules = Rules(limit=300, count=length, max_hashtags=2, max_bytes=3000, card=True, facets=True)
    settings = (
        Setting(
            "ENGAGE_BLUESKY_URL",
            "https://bsky.social",
            "Base address of the account's PDS (the entryway, for bsky.social accounts)",
        ),
        Setting(
            "ENGAGE_BLUESKY_HANDLE", REQUIRED, "The account's handle, e.g. engage.example.nhs.uk"
        ),
        Setting("ENGAGE_BLUESKY_APP_PASSWORD", REQUIRED, "An app password made for Engage"),
    )
    idempotency = Idempotency.RECORD_KEY
    look_back = None  # find() reads the record at the entry's key, no listing

    def __init__(
        self, url: str, handle: str, app_password: str, *, timeout: float = TIMEOUT
    ) -> None:
        self._handle = handle
        self._password = app_password
        self._client = Client(base_url=url, request=Request(timeout=timeout))
        self._client.on_session_change(self._keep)
        self._session: Session | None = None

    def publish(self, composed: Composed, key: str) -> PostedRef:
        """Create the record at the entry's own key; a record already there from an earlier try
        is this post, and is returned as such. (`key` is not needed: the record key is.)"""
        did = self._login()
        rkey = record_key(composed.entry)
        self._write(
            did, rkey, _record(composed), lambda found: _links_to(found, composed.link), "link"
        )
        return self._ref(did, rkey)

    def _write(
        self,
        did: str,
        rkey: str,
        record: models.AppBskyFeedPost.Record,
        same: Callable[[Any], bool],
        what: str,
    ) -> None:
        """Create `record` at `rkey`; a record already there that is `same` is this one, from an
        earlier try. Otherwise raises PlatformError (`what`: what a different record is for)."""
        try:
            self._client.app.bsky.feed.post.create(repo=did, record=record, rkey=rkey)
        except (AtProtocolError, httpx.HTTPError) as error:
            refused = platform_error(error)
            if isinstance(error, UnauthorizedError | RateLimitExceededError):
                raise refused from error
            # A PDS answers a taken key with a 500 today (atproto issue 3718) and a 400 or 409
            # on newer builds: whichever it was, a record already at our key settles it.
            try:
                existing = self._get(did, rkey)
            except PlatformError as lookup:
                if not lookup.transient:
                    raise refused from error
                # Whether our record is there cannot be told now; a later try will know.
                raise PlatformError(
                    f"{refused}; reading record {rkey} back failed too",
                    transient=True,
                    status=refused.status,
                ) from error
            if existing is None:
                raise refused from error
            if not same(existing):
                raise PlatformError(
                    f"{NAME}: record {rkey} already holds a post for another {what}",
                    status=refused.status,
                ) from error

    def find(self, composed: Composed) -> PostedRef | None:
        """The record at the entry's key, if it is there and links to the entry."""
        did = self._login()
        rkey = record_key(composed.entry)
        record = self._get(did, rkey)
        if record is None or not _links_to(record, composed.link):
            return None
        return self._ref(did, rkey)

    def _keep(self, event: SessionEvent, session: Session) -> None:
        self._session = session

    def _login(self) -> str:
        """Sign in once per client (createSession is limited to 30 per 5 minutes); the DID.
        No profile lookup, so nothing but the PDS is ever asked."""
        if self._session is None:
            try:
                self._client.login(self._handle, self._password, fetch_bsky_profile=False)
            except (AtProtocolError, httpx.HTTPError) as error:
                raise platform_error(error) from error
        if self._session is None:
            raise PlatformError(f"{NAME}: signed in, but the PDS sent no session")
        return self._session.did

    def _get(self, did: str, rkey: str) -> models.AppBskyFeedPost.Record | None:
        """The post record at `rkey`, or None when the PDS has no record there."""
        try:
            return self._client.app.bsky.feed.post.get(did, rkey).value
        except AtProtocolError as error:
            response = getattr(error, "response", None)
            content = getattr(response, "content", None)
            if getattr(content, "error", None) == "RecordNotFound":
                return None
            raise platform_error(error) from error
        except httpx.HTTPError as error:
            raise platform_error(error) from error

    def _ref(self, did: str, rkey: str) -> PostedRef:
        handle = self._session.handle if self._session else self._handle
        uri = f"at://{did}/{COLLECTION}/{rkey}"
        return PostedRef(NAME, uri, f"https://bsky.app/profile/{handle}/post/{rkey}")


def _record(composed: Composed) -> models.AppBskyFeedPost.Record:
    """The post: text, a link or hashtag facet per composed facet, and the card as an
    external embed."""
    facets = [
        models.AppBskyRichtextFacet.Main(
            index=models.AppBskyRichtextFacet.ByteSlice(
                byte_start=facet["start"], byte_end=facet["end"]
            ),
            features=[
                models.AppBskyRichtextFacet.Tag(tag=facet["tag"])
                if "tag" in facet
                else models.AppBskyRichtextFacet.Link(uri=facet["uri"])
            ],
        )
        for facet in composed.facets
        if "tag" not in facet or _taggable(facet["tag"])
    ]
    embed = None
    if composed.card:
        embed = models.AppBskyEmbedExternal.Main(
            external=models.AppBskyEmbedExternal.External(
                uri=composed.card["uri"],
                title=composed.card.get("title", ""),
                description=composed.card.get("description", ""),
            )
        )
    return models.AppBskyFeedPost.Record(
        text=composed.text,
        created_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
        langs=[bcp47(composed.entry.language)],  # BCP 47, as the lexicon's format says
        facets=facets or None,
        embed=embed,
    )


def _taggable(tag: str) -> bool:
    """Whether a hashtag is short enough for a tag facet."""
    return len(tag) <= TAG_MAX_LENGTH and graphemes(tag) <= TAG_MAX_GRAPHEMES


def _links_to(record: Any, link: str) -> bool:
    """Whether a post record carries the link, in its card or in a link facet."""
    embed = getattr(record, "embed", None)
    external = getattr(embed, "external", None)
    if getattr(external, "uri", None) == link:
        return True
    for facet in getattr(record, "facets", None) or ():
        if any(getattr(feature, "uri", None) == link for feature in facet.features):
            return True
    return False


def platform_error(error: BaseException) -> PlatformError:
    """A PlatformError from what atproto raised: status-coded when the PDS answered."""
    response = getattr(error, "response", None) if isinstance(error, RequestErrorBase) else None
    if response is None:
        if isinstance(error, RequestErrorBase | httpx.HTTPError):
            return network_error(NAME, error)
        return PlatformError(f"{NAME}: {error}")
    wait = None
    if isinstance(error, RateLimitExceededError):
        wait = error.retry_after
        if wait is None and error.reset_at is not None:
            wait = seconds_until(error.reset_at.timestamp())
    content = response.content  # an XrpcError {error, message} when the PDS sent one
    detail = str(getattr(content, "error", "") or "")
    if getattr(content, "message", None):
        detail += f": {content.message}"
    return http_error(NAME, response.status_code, detail, wait=wait)


CLIENT = BlueskyClient
