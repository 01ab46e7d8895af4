"""Listening on Mastodon: mentions, replies and quotes from the account's notifications, whole
threads from a status's context, hashtag timelines and full-text search, counts from the
statuses themselves, and the organisation's reply posted in the thread with an Idempotency-Key.

Shapes from docs.joinmastodon.org: methods/notifications and entities/Notification,
methods/statuses (#index, #get, #context, #create), methods/timelines#tag, methods/search#v2,
entities/Status and entities/Quote, api/guidelines#pagination. Every call goes through the
client's `_call`, so a refusal is the same PlatformError publishing gives (429 with the wait
from X-RateLimit-Reset, 401 with Mastodon's words on the token)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from mastodon.types_base import PaginationInfo

from ..answers import http_error
from ..base import TIMEOUT, iso639
from ..mastodon import NAME, MastodonClient
from ..values import PlatformError, PostedRef
from . import Batch, Counts, Heard, HeardKind, Listener, ReplyTarget, Unsupported, plain_batch
from .mastodon_text import plain

NOTIFICATIONS_PAGE = 80  # methods/notifications: "Defaults to 40 notifications. Max 80"
STATUSES_PAGE = 40  # methods/timelines#tag and methods/search#v2: max 40
IDS_PER_CALL = 20  # GET /api/v1/statuses refuses more (Api::BaseController DEFAULT_STATUSES_LIMIT)
MAX_PAGES = 10  # per call, so a long silence costs a bounded run; the next call goes on
TYPES = ["mention", "quote"]  # `quote`: Mastodon 4.5 quote posts (entities/Notification#type)
PRIVATE = {"direct", "private"}  # entities/Status#visibility: mentioned people, or followers
_LEADING_MENTIONS = re.compile(r"^(?:@[\w.-]+(?:@[\w.-]*\w)?\s+)+")


class MastodonListener(MastodonClient, Listener):
    """A Mastodon account's client that also reads what people say to it, and answers."""

    def __init__(self, url: str, token: str, *, timeout: float = TIMEOUT) -> None:
        super().__init__(url, token, timeout=timeout)
        self._me: str | None = None  # our account id, asked once per listener
        self._multiple = True  # False once the server answered 404 to GET /api/v1/statuses

    # --- Listening -------------------------------------------------------------------------

    def notifications(self, cursor: str | None) -> Batch:
        """Mentions (replies among them) and quotes since `cursor`, a notification id: pages
        forward with min_id ("results immediately newer than this ID"), 80 at a time, until a
        page is not full. No cursor: the newest page only."""
        found: dict[str, Heard] = {}
        newest = None
        for _ in range(MAX_PAGES):
            page = self._scoped(
                "read:notifications",
                self._api.notifications,
                types=TYPES,
                min_id=newest or cursor,
                limit=NOTIFICATIONS_PAGE,
            )
            if not page:
                break
            newest = str(page[0]["id"])  # newest first (api/guidelines: the server sorts)
            for note in reversed(page):
                heard = self._from_notification(note)
                if heard and (heard.kind is HeardKind.QUOTE or heard.remote_id not in found):
                    found[heard.remote_id] = heard  # a quote that also mentions us: a quote
            if cursor is None or len(page) < NOTIFICATIONS_PAGE:
                break
        return plain_batch(list(found.values()), newest)

    def thread(self, post_id: str) -> Batch:
        """Every reply under our status, replies to replies included (context's descendants:
        up to 4,096 with a user token). A status gone (404) has no thread left."""
        try:
            context = self._call(self._api.status_context, post_id)
        except PlatformError as error:
            if error.status == 404:
                return Batch([])
            raise
        me = self._account_id()
        items = [
            self._heard(status, HeardKind.REPLY, post_id=post_id, me=me)
            for status in context["descendants"]
        ]
        return plain_batch(items, None)

    def search(self, term: str, cursor: str | None) -> Batch:
        """Public statuses with `term`: a #hashtag from its timeline (paged forward with min_id,
        as notifications are), a phrase from full-text search, which answers the newest matches
        above min_id first, so it is paged back with max_id down to the cursor. The cursor is
        the newest status id seen. No cursor: the newest page only."""
        term = term.strip()
        tag = term[1:] if term.startswith("#") else None
        if tag is not None and not tag:
            raise ValueError("a hashtag to watch needs a name after the #")
        me = self._account_id()
        statuses: list[Mapping[str, Any]] = []
        newest = oldest = None
        for _ in range(MAX_PAGES):
            if tag is not None:
                page = self._tag_page(tag, newest or cursor)
            else:
                page = self._search_page(term, cursor, oldest)
            if not page:
                break
            statuses += page
            if tag is not None:
                newest = str(page[0]["id"])
            else:
                newest = newest or str(page[0]["id"])
                oldest = str(page[-1]["id"])
            if cursor is None or len(page) < STATUSES_PAGE:
                break
        items = {
            str(status["id"]): self._heard(status, HeardKind.TERM, term=term, me=me)
            for status in statuses
        }
        return plain_batch(list(items.values()), newest)

    def counts(self, post_ids: Sequence[str]) -> dict[str, Counts]:
        """Replies, boosts, favourites and (Mastodon 4.5) quotes, as each status counts them."""
        return {
            status_id: Counts(
                replies=int(status.get("replies_count") or 0),
                reposts=int(status.get("reblogs_count") or 0),
                likes=int(status.get("favourites_count") or 0),
                quotes=int(status.get("quotes_count") or 0),
            )
            for status_id, status in self._statuses(post_ids).items()
        }

    def existing(self, remote_ids: Sequence[str]) -> set[str]:
        """The statuses the server still has (a deleted one is not answered)."""
        return set(self._statuses(remote_ids))

    # --- Replying --------------------------------------------------------------------------

    def reply_text(self, target: ReplyTarget, text: str) -> str:
        """The author's handle first, unless the text already names them: Mastodon notifies
        only the accounts a status mentions, and a direct reply is seen by no one else."""
        handle = target.handle.strip()
        if not handle:
            return text
        handle = handle if handle.startswith("@") else f"@{handle}"
        if re.search(rf"(?<![\w@]){re.escape(handle)}(?![\w@]|[.-]\w)", text, re.IGNORECASE):
            return text
        return f"{handle} {text}"

    def reply(
        self,
        target: ReplyTarget,
        text: str,
        key: str,
        when: datetime.datetime,
        *,
        language: str | None = None,
    ) -> PostedRef:
        """Post the reply under `target` (POST /api/v1/statuses, in_reply_to_id). The
        Idempotency-Key makes a repeat within the hour answer with the first reply. A private
        or direct target is answered directly, never in public."""
        visibility = target.reply_to.get("visibility") or self._visibility(target.remote_id)
        status = self._call(
            self._api.status_post,
            self.reply_text(target, text),
            in_reply_to_id=target.remote_id,
            idempotency_key=key,
            visibility="direct" if visibility in PRIVATE else "public",
            language=iso639(language),
        )
        return self._ref(status)

    def find_reply(self, target: ReplyTarget, text: str) -> PostedRef | None:
        """Our status answering `target` with this text (its mentions aside), in the target's
        context, if an earlier try made it."""
        try:
            context = self._call(self._api.status_context, target.remote_id)
        except PlatformError as error:
            if error.status == 404:
                return None
            raise
        me, wanted = self._account_id(), _comparable(text)
        for status in context["descendants"]:
            if (
                str(status["account"]["id"]) == me
                and str(status.get("in_reply_to_id")) == target.remote_id
                and _comparable(plain(status.get("content") or "")) == wanted
            ):
                return self._ref(status)
        return None

    # --- Reading helpers -------------------------------------------------------------------

    def _call(self, method: Callable[..., Any], *args: object, **kwargs: object) -> Any:
        """The client's call, with Mastodon's own words on a refusal where Mastodon.py kept
        none (it reads no error body when the answer is not of the type it expected)."""
        try:
            return super()._call(method, *args, **kwargs)
        except PlatformError as error:
            words = self._words()
            if error.status and words and words not in str(error):
                raise http_error(NAME, error.status, words, wait=error.retry_after) from error
            raise

    def _words(self) -> str:
        """The `error` of the last answer's JSON body, or ''."""
        try:
            body = self._last.json() if self._last is not None else None
        except ValueError:
            return ""
        return str(body.get("error") or "") if isinstance(body, dict) else ""

    def _account_id(self) -> str:
        if self._me is None:
            self._me = str(self._call(self._api.account_verify_credentials)["id"])
        return self._me

    def _scoped(
        self, scope: str, method: Callable[..., Any], *args: object, **kwargs: object
    ) -> Any:
        """A call the token's scopes may not cover: a 403 is Unsupported, told to staff."""
        try:
            return self._call(method, *args, **kwargs)
        except PlatformError as error:
            if error.status == 403:
                raise Unsupported(
                    f"{NAME}: the access token lacks the {scope} scope; make a token with "
                    f"the read scope (or {scope}) to listen here",
                    status=403,
                ) from error
            raise

    def _tag_page(self, tag: str, after: str | None) -> list[Mapping[str, Any]]:
        """One page of GET /api/v1/timelines/tag/:hashtag. Through fetch_next with the page's
        parameters, because timeline_hashtag() first reads the instance to check the feed is
        open, a request more per listener."""
        info = {"limit": STATUSES_PAGE, "min_id": after}
        endpoint = f"/api/v1/timelines/tag/{quote(tag, safe='')}"
        return list(self._page(endpoint, info, "PaginatableList[Status]", "read:statuses") or [])

    def _search_page(
        self, term: str, after: str | None, before: str | None
    ) -> list[Mapping[str, Any]]:
        """One page of GET /api/v2/search, statuses only, no remote lookup. Through fetch_next,
        because search_v2() with min_id or max_id first asks the server's version. Full-text
        search needs the server's ElasticSearch, and finds only public posts of accounts that
        let themselves be indexed (user/network): a server without it finds nothing."""
        if " " in term and '"' not in term:  # user/network: "exact phrases", not any word
            term = f'"{term}"'
        info = {
            "q": term,
            "type": "statuses",
            "resolve": "false",
            "limit": STATUSES_PAGE,
            "min_id": after,
            "max_id": before,
        }
        answer = self._page("/api/v2/search", info, "SearchV2", "read:search")
        return list((answer or {}).get("statuses") or [])

    def _page(self, endpoint: str, params: Mapping[str, object], kind: str, scope: str) -> Any:
        info = PaginationInfo(
            {key: value for key, value in params.items() if value is not None},
            _pagination_method="GET",
            _pagination_endpoint=endpoint,
            _mastopy_type=kind,
        )
        return self._scoped(scope, self._api.fetch_next, info)

    def _statuses(self, ids: Iterable[str]) -> dict[str, Mapping[str, Any]]:
        """The statuses still there, by id: GET /api/v1/statuses?id[]= (4.3+), 20 at a time,
        or one GET /api/v1/statuses/:id each where the server answers that form with 404."""
        wanted = list(dict.fromkeys(str(status_id) for status_id in ids))
        found: dict[str, Mapping[str, Any]] = {}
        for start in range(0, len(wanted), IDS_PER_CALL):
            chunk = wanted[start : start + IDS_PER_CALL]
            statuses: list[Mapping[str, Any]] = []
            if self._multiple:
                try:
                    statuses = self._call(self._api.statuses, chunk)
                except PlatformError as error:
                    if error.status != 404:
                        raise
                    self._multiple = False  # a server before 4.3: ask one by one from now on
            if not self._multiple:
                statuses = [status for status in map(self._one, chunk) if status is not None]
            found.update((str(status["id"]), status) for status in statuses)
        return found

    def _one(self, status_id: str) -> Mapping[str, Any] | None:
        try:
            status: Mapping[str, Any] = self._call(self._api.status, status_id)
        except PlatformError as error:
            if error.status == 404:
                return None
            raise
        return status

    def _visibility(self, status_id: str) -> str:
        """The target's visibility, read when the caller did not keep it ('direct' when gone,
        so a reply to something unknown is never made in public)."""
        status = self._one(status_id)
        return str(status.get("visibility") or "public") if status else "direct"

    def _from_notification(self, note: Mapping[str, Any]) -> Heard | None:
        status = note.get("status")
        if not status or note.get("type") not in TYPES:  # a server that ignored types[]
            return None
        if note.get("type") == "quote":
            return self._heard(status, HeardKind.QUOTE, post_id=_quoted_id(status))
        kind = HeardKind.REPLY if status.get("in_reply_to_id") else HeardKind.MENTION
        return self._heard(status, kind)

    def _heard(
        self,
        status: Mapping[str, Any],
        kind: HeardKind,
        *,
        post_id: str | None = None,
        term: str | None = None,
        me: str | None = None,
    ) -> Heard:
        account = status["account"]
        visibility = str(status.get("visibility") or "public")
        parent = status.get("in_reply_to_id")
        spoiler = plain(status.get("spoiler_text") or "")
        body = plain(status.get("content") or "")
        return Heard(
            platform=NAME,
            remote_id=str(status["id"]),
            url=status.get("url") or status["uri"],
            kind=kind,
            handle=f"@{account['acct']}",
            name=account.get("display_name") or "",
            text=f"{spoiler}\n\n{body}".strip() if spoiler else body,
            created=_utc(status["created_at"]),
            in_reply_to=str(parent) if parent else None,
            post_id=post_id,
            private=visibility in PRIVATE,
            edited=_utc(status["edited_at"]) if status.get("edited_at") else None,
            term=term,
            reply_to={"visibility": visibility},
            ours=me is not None and str(account["id"]) == me,
        )


def _quoted_id(status: Mapping[str, Any]) -> str | None:
    """The quoted status's id: a Quote carries the status, a ShallowQuote only its id."""
    quoted = status.get("quote") or {}
    inner = quoted.get("quoted_status") or {}
    found = inner.get("id") or quoted.get("quoted_status_id")
    return str(found) if found else None


def _utc(value: datetime.datetime | str) -> datetime.datetime:
    """Mastodon.py's datetime (in local time) or an ISO 8601 string, as aware UTC."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC)


def _comparable(text: str) -> str:
    """A reply's words for comparison: leading mentions (which Mastodon renders without the
    domain) dropped, whitespace collapsed."""
    return " ".join(_LEADING_MENTIONS.sub("", text.strip() + " ").split())


LISTENER = MastodonListener
