"""Listening on X through tweepy's API v2 client, with the account's OAuth 1.0a user keys.

- notifications: GET /2/users/:id/mentions from since_id (the cursor, meta.newest_id of the
  last call), pages by pagination_token; a mention answering one of our posts is a reply;
- thread: recent search, GET /2/tweets/search/recent?query=conversation_id:ID, which reaches
  only the last 7 days, and GET /2/tweets/:id/quote_tweets for the quotes of the post;
- search: recent search for the term (retweets left out), from since_id;
- counts and existing: GET /2/tweets?ids= (100 a call) with public_metrics; an id X no longer
  has comes back under `errors` and is left out;
- reply: POST /2/tweets with reply.in_reply_to_tweet_id; find_reply reads the account's
  latest posts (GET /2/users/:id/tweets with referenced_tweets).

X's free tier reads nothing: each of those reads answers 403 (client-not-enrolled), which is
Unsupported here. X serves text with &, < and > escaped and links as t.co: both are undone. An
edit is a new post id; the original (first in edit_history_tweet_ids) stays the remote id.
X has no private mentions Engage reads (direct messages are out of scope).
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import requests
import tweepy

from ..values import PlatformError, PostedRef
from ..x import NAME, XClient, _error
from . import Batch, Counts, Heard, HeardKind, Listener, ReplyTarget, Unsupported, plain_batch

FIELDS = [
    "created_at",
    "author_id",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "edit_history_tweet_ids",
    "entities",
    "note_tweet",
]
PAGE = 100  # the most a page of mentions or search results holds
MAX_PAGES = 100


class XListener(XClient, Listener):
    """Mentions of the account, the conversations of its posts, and its replies."""

    _me: dict[str, str] | None = None  # our id and username, read once per listener

    def notifications(self, cursor: str | None) -> Batch:
        """Mentions since `cursor` (meta.newest_id); the first call reads the newest page."""
        me = self._account()
        return self._timeline(
            lambda **page: self._api.get_users_mentions(me["id"], **page),
            cursor,
            "read the account's mentions",
            self._kind_of,
        )

    def thread(self, post_id: str) -> Batch:
        """Replies in our post's conversation (recent search: the last 7 days only) and the
        posts quoting it."""
        items = []
        query = f"conversation_id:{post_id}"
        for body in self._pages(
            lambda **page: self._api.search_recent_tweets(query, **page),
            "read a post's replies (recent search)",
            "next_token",
        ):
            items += [
                self._heard(post, users, HeardKind.REPLY, post_id=post_id)
                for post, users in _posts(body)
                if post["id"] != post_id
            ]
        for body in self._pages(
            lambda **page: self._api.get_quote_tweets(post_id, **page),
            "read the posts quoting ours",
            "pagination_token",
        ):
            items += [
                self._heard(post, users, HeardKind.QUOTE, post_id=post_id)
                for post, users in _posts(body)
            ]
        return plain_batch(items, None)

    def search(self, term: str, cursor: str | None) -> Batch:
        """Recent public posts (7 days) with the term, retweets left out, since `cursor`."""
        query = f"{term} -is:retweet"
        return self._timeline(
            lambda **page: self._api.search_recent_tweets(query, **page),
            cursor,
            "search recent posts",
            lambda post: HeardKind.TERM,
            term=term,
            token="next_token",
        )

    def counts(self, post_ids: Sequence[str]) -> dict[str, Counts]:
        """public_metrics per post; a deleted post is left out."""
        found = {}
        for original, post in self._lookup(post_ids, ["public_metrics"]):
            metrics = post.get("public_metrics") or {}
            found[original] = Counts(
                replies=int(metrics.get("reply_count") or 0),
                reposts=int(metrics.get("retweet_count") or 0),
                likes=int(metrics.get("like_count") or 0),
                quotes=int(metrics.get("quote_count") or 0),
            )
        return found

    def existing(self, remote_ids: Sequence[str]) -> set[str]:
        """Which posts X still has."""
        return {original for original, _ in self._lookup(remote_ids, [])}

    def reply(
        self,
        target: ReplyTarget,
        text: str,
        key: str,
        when: datetime.datetime,
        *,
        language: str | None = None,
    ) -> PostedRef:
        """Post our reply in the target's conversation. X has no idempotency key, but refuses
        the same text twice: that refusal is the earlier reply, found by find_reply()."""
        parent = target.reply_to.get("id") or target.remote_id
        try:
            answer = self._api.create_tweet(text=text, in_reply_to_tweet_id=parent, user_auth=True)
        except tweepy.Forbidden as error:
            if any("duplicate content" in str(m) for m in error.api_messages):
                found = self.find_reply(target, text)
                if found is not None:
                    return found
            raise _refusal(error, "post replies", read=False) from error
        except (tweepy.TweepyException, requests.RequestException) as error:
            raise _error(error) from error
        try:
            return PostedRef(NAME, str(answer["data"]["id"]), _url(answer["data"]["id"]))
        except (KeyError, TypeError) as error:
            raise PlatformError(f"{NAME}: replied, but the answer had no post id") from error

    def find_reply(self, target: ReplyTarget, text: str) -> PostedRef | None:
        """Our latest post replying to the target with this text."""
        me = self._account()
        answers = {target.remote_id, target.reply_to.get("id") or target.remote_id}
        body = self._ask(
            lambda: self._api.get_users_tweets(
                me["id"],
                max_results=PAGE,
                tweet_fields=["referenced_tweets", "entities"],
                user_auth=True,
            ),
            "read the account's posts",
        )
        for post in body.get("data") or ():
            replied = {
                ref.get("id")
                for ref in post.get("referenced_tweets") or ()
                if ref.get("type") == "replied_to"
            }
            if replied & answers and _text(post) == text:
                return PostedRef(NAME, str(post["id"]), _url(post["id"]))
        return None

    # --- Calls ----------------------------------------------------------------------------

    def _account(self) -> dict[str, str]:
        """Our own id and username (GET /2/users/me), once per listener."""
        if self._me is None:
            body = self._ask(lambda: self._api.get_me(user_auth=True), "read the account")
            data = body.get("data") or {}
            if not data.get("id"):
                raise PlatformError(f"{NAME}: the account could not be read")
            self._me = {"id": str(data["id"]), "username": str(data.get("username") or "")}
        return self._me

    def _ask(self, call: Callable[[], Any], purpose: str) -> dict[str, Any]:
        try:
            body = call()
        except tweepy.Forbidden as error:
            raise _refusal(error, purpose) from error
        except (tweepy.TweepyException, requests.RequestException) as error:
            raise _error(error) from error
        if not isinstance(body, dict):
            raise PlatformError(f"{NAME}: the answer was not a JSON object")
        return body

    def _pages(
        self,
        call: Callable[..., Any],
        purpose: str,
        token: str,
        *,
        since: str | None = None,
        every: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """Each answer, page after page by meta.next_token (only the first unless `every`)."""
        page: dict[str, Any] = {
            "max_results": PAGE,
            "tweet_fields": FIELDS,
            "expansions": ["author_id"],
            "user_fields": ["username", "name"],
            "user_auth": True,
        }
        if since:
            page["since_id"] = since
        for _ in range(MAX_PAGES):
            body = self._ask(lambda: call(**page), purpose)
            yield body
            following = (body.get("meta") or {}).get("next_token")
            if not every or not following:
                return
            page[token] = following

    def _timeline(
        self,
        call: Callable[..., Any],
        cursor: str | None,
        purpose: str,
        kind: Callable[[dict[str, Any]], HeardKind],
        *,
        term: str | None = None,
        token: str = "pagination_token",
    ) -> Batch:
        """A since_id timeline as a Batch whose cursor is the first page's meta.newest_id."""
        items, newest = [], None
        for body in self._pages(call, purpose, token, since=cursor, every=cursor is not None):
            newest = newest or (body.get("meta") or {}).get("newest_id")
            items += [self._heard(p, users, kind(p), term=term) for p, users in _posts(body)]
        return plain_batch(items, newest if items else None)

    def _kind_of(self, post: dict[str, Any]) -> HeardKind:
        refs = {ref.get("type") for ref in post.get("referenced_tweets") or ()}
        if "replied_to" in refs and post.get("in_reply_to_user_id") == self._account()["id"]:
            return HeardKind.REPLY
        return HeardKind.QUOTE if "quoted" in refs else HeardKind.MENTION

    def _lookup(
        self, ids: Sequence[str], fields: list[str]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """(asked id, post) for each post X still has, 100 ids a call."""
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), 100):
            chunk = wanted[start : start + 100]
            body = self._ask(
                lambda chunk=chunk: self._api.get_tweets(
                    chunk, tweet_fields=[*fields, "edit_history_tweet_ids"], user_auth=True
                ),
                "read posts by id",
            )
            for post in body.get("data") or ():
                versions = {str(post["id"]), *map(str, post.get("edit_history_tweet_ids") or ())}
                for asked in versions & set(chunk):
                    yield asked, post

    def _heard(
        self,
        post: dict[str, Any],
        users: dict[str, dict[str, Any]],
        kind: HeardKind,
        *,
        post_id: str | None = None,
        term: str | None = None,
    ) -> Heard:
        author = users.get(post.get("author_id", "")) or {}
        history = [str(i) for i in post.get("edit_history_tweet_ids") or ()] or [str(post["id"])]
        created = _time(post.get("created_at"))
        replied = next(
            (r["id"] for r in post.get("referenced_tweets") or () if r.get("type") == "replied_to"),
            None,
        )
        if kind is HeardKind.REPLY and post_id is None:
            post_id = post.get("conversation_id")
        return Heard(
            platform=NAME,
            remote_id=history[0],
            url=_url(post["id"], author.get("username")),
            kind=kind,
            handle=f"@{author['username']}" if author.get("username") else "",
            name=str(author.get("name") or ""),
            text=_text(post),
            created=created,
            in_reply_to=replied,
            post_id=post_id,
            edited=created if len(history) > 1 else None,  # an edit's created_at is its time
            term=term,
            reply_to={"id": str(post["id"])},
            ours=post.get("author_id") == self._account()["id"],
        )


def _refusal(error: tweepy.Forbidden, purpose: str, *, read: bool = True) -> PlatformError:
    """X's 403 to a read is the app's access level (reason client-not-enrolled, or a plain
    Forbidden problem): Unsupported. A 403 to a post is that too only when X says so; else
    (a reply X will not take) it stays a refusal."""
    try:
        body = error.response.json()
    except ValueError:
        body = {}
    words = " ".join(str(body.get(k) or "") for k in ("reason", "title", "detail"))
    tier = "client-not-enrolled" in words or "access level" in words.lower()
    if read or tier:
        return Unsupported(
            f"{NAME}: this app's X API access level cannot {purpose}; it needs the Basic tier "
            f"or higher (X said: {body.get('title') or 'Forbidden'})",
            status=403,
        )
    return _error(error)


def _posts(body: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, dict[str, Any]]]]:
    """Each post of an answer with the users `includes` gives beside it."""
    users = {u["id"]: u for u in (body.get("includes") or {}).get("users") or ()}
    return [(post, users) for post in body.get("data") or () if isinstance(post, dict)]


def _text(post: dict[str, Any]) -> str:
    """Plain text: the long form when X gives one, t.co links written out, entities decoded."""
    note = post.get("note_tweet") or {}
    text = str(note.get("text") or post.get("text") or "")
    urls = (note.get("entities") or post.get("entities") or {}).get("urls") or ()
    for url in urls:
        if url.get("url") and (url.get("unwound_url") or url.get("expanded_url")):
            text = text.replace(url["url"], url.get("unwound_url") or url["expanded_url"])
    return html.unescape(text)


def _time(value: Any) -> datetime.datetime:
    """X's 2026-11-25T10:00:01.000Z as aware UTC."""
    if not value:
        return datetime.datetime.now(datetime.UTC)
    return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(
        datetime.UTC
    )


def _url(post_id: Any, username: str | None = None) -> str:
    return f"https://x.com/{username or 'i/web'}/status/{post_id}"


LISTENER = XListener
