"""Listening on a Facebook Page through the Graph API, with the Page token that posts.

- notifications: posts that tag the Page, GET /{page-id}/tagged (reference/page/tagged), read
  from `since` the last one seen; the cursor is that post's created_time in epoch seconds;
- thread: GET /{post-id}/comments?filter=stream (reference/object/comments): every comment,
  replies to comments included, each with its `parent`;
- counts and existing: one multiple-id read, GET /?ids=a,b (at most 50 a call), with field
  expansion comments.filter(stream).limit(0).summary(true), reactions..., shares;
- reply: POST /{comment-id}/comments (or /{post-id}/comments for a post that tagged us).

Facebook has no public post search, no quotes Engage can read (a share is only counted), and no
private comments (messages are out of scope). Graph tells no time of a comment's edit: an edited
comment comes back with its new message and `edited` None. A message is plain text as written.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import requests

from .. import facebook
from ..facebook import NAME, THROTTLED, FacebookClient
from ..values import PlatformError, PostedRef
from . import Batch, Counts, Heard, HeardKind, Listener, ReplyTarget, Unsupported, plain_batch

COMMENT_FIELDS = "id,message,from,created_time,permalink_url,parent"
POST_FIELDS = "id,message,from,created_time,permalink_url"
COUNT_FIELDS = (
    "comments.filter(stream).limit(0).summary(true),reactions.limit(0).summary(true),shares"
)
PAGE = 100  # the most Graph serves a page of comments or posts
IDS_PER_CALL = 50  # Graph's limit on ids in one multiple-id read
MAX_PAGES = 200  # 20,000 comments: a bound, so a looping cursor cannot hold the run
TOKEN = 190  # OAuthException: the token expired, was revoked or never was
PERMISSION = {10, *range(200, 300)}  # "(#10)" and "(#2xx) Permissions error"
MISSING = 803  # "Some of the aliases you requested do not exist: a,b"
NO_OBJECT = (100, 33)  # "Object with ID 'x' does not exist, cannot be loaded..."


class _Gone(PlatformError):
    """Graph says these objects do not exist (deleted, or never there)."""

    def __init__(self, message: str, ids: set[str]) -> None:
        super().__init__(message, status=404)
        self.ids = ids


class FacebookListener(FacebookClient, Listener):
    """The Page's comments, the posts that tag it, and its answers in their threads."""

    def notifications(self, cursor: str | None) -> Batch:
        """Posts that tag the Page since `cursor` (only the newest page on the first call)."""
        params = {"fields": POST_FIELDS, "limit": str(PAGE)}
        if cursor:
            params["since"] = str(int(cursor) + 1)  # Graph's since includes that second
        posts = self._pages(
            f"{self._page_id}/tagged",
            params,
            every=cursor is not None,
            need="pages_read_user_content",
            purpose="read the posts that tag the Page",
        )
        items = [self._heard(post, HeardKind.MENTION, {"object": post["id"]}) for post in posts]
        if not items:
            return Batch([], None)
        newest = max(int(item.created.timestamp()) for item in items)
        return plain_batch(items, str(max(newest, int(cursor or 0))))

    def thread(self, post_id: str) -> Batch:
        """Every comment now on our post, replies to comments included (in_reply_to is the
        comment answered, or the post). A deleted post has none."""
        params = {
            "fields": COMMENT_FIELDS,
            "filter": "stream",
            "order": "chronological",
            "limit": str(PAGE),
        }
        try:
            comments = self._pages(
                f"{post_id}/comments",
                params,
                need="pages_read_engagement",
                purpose="read the comments on the Page's posts",
            )
        except _Gone:
            return Batch([], None)
        items = []
        for comment in comments:
            parent = (comment.get("parent") or {}).get("id")
            heard = self._heard(comment, HeardKind.REPLY, {"object": parent or comment["id"]})
            items.append(replace(heard, in_reply_to=parent or post_id, post_id=post_id))
        return plain_batch(items, None)

    def search(self, term: str, cursor: str | None) -> Batch:
        """Graph has no search of public posts (Page Public Content Access reads named Pages
        only)."""
        raise Unsupported(f"{NAME}: the Graph API offers no search of public posts")

    def counts(self, post_ids: Sequence[str]) -> dict[str, Counts]:
        """Comments (replies included), reactions and shares per post; quotes are not a thing
        Facebook counts. A deleted post is left out."""
        found = {}
        for post_id, post in self._objects(post_ids, COUNT_FIELDS):
            found[post_id] = Counts(
                replies=_total(post.get("comments")),
                likes=_total(post.get("reactions")),
                reposts=int((post.get("shares") or {}).get("count") or 0),
            )
        return found

    def existing(self, remote_ids: Sequence[str]) -> set[str]:
        """Which posts and comments Graph still has."""
        return {object_id for object_id, _ in self._objects(remote_ids, "id")}

    def reply(
        self,
        target: ReplyTarget,
        text: str,
        key: str,
        when: datetime.datetime,
        *,
        language: str | None = None,
    ) -> PostedRef:
        """Comment as the Page on the target's comment thread (a reply to a reply goes to its
        top-level comment, where Facebook keeps it). Graph takes no idempotency key: a retry
        looks first with find_reply()."""
        answer = self._ask(
            "POST",
            f"{_home(target)}/comments",
            {"message": text},
            need="pages_manage_engagement",
            purpose="reply to comments as the Page",
        )
        if not isinstance(answer.get("id"), str):
            raise PlatformError(f"{NAME}: replied, but the answer had no comment id")
        return _reply_ref(answer["id"])

    def find_reply(self, target: ReplyTarget, text: str) -> PostedRef | None:
        """The Page's newest comment with this message in the target's comment thread."""
        params = {
            "fields": "id,message,from",
            "order": "reverse_chronological",
            "limit": str(PAGE),
        }
        found = self._ask(
            "GET",
            f"{_home(target)}/comments",
            params,
            need="pages_read_engagement",
            purpose="read the comments on the Page's posts",
        )
        for comment in found.get("data") or ():
            author = (comment.get("from") or {}).get("id")
            if author == self._page_id and comment.get("message") == text:
                return _reply_ref(comment["id"])
        return None

    # --- Graph calls ----------------------------------------------------------------------

    def _pages(
        self, path: str, params: dict[str, str], *, every: bool = True, need: str, purpose: str
    ) -> list[dict[str, Any]]:
        """The data of every page (or only the first), following paging.cursors.after while
        Graph gives a `next` page."""
        found: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            answer = self._ask("GET", path, params, need=need, purpose=purpose)
            found += [item for item in answer.get("data") or () if isinstance(item, dict)]
            paging = answer.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not every or not paging.get("next") or not after:
                break
            params = {**params, "after": after}
        return found

    def _objects(self, ids: Sequence[str], fields: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each object Graph still has, 50 ids a call; a call naming a missing one fails
        whole, so it is made again without the ids Graph named."""
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), IDS_PER_CALL):
            chunk = wanted[start : start + IDS_PER_CALL]
            while chunk:
                try:
                    answer = self._ask(
                        "GET",
                        "",
                        {"ids": ",".join(chunk), "fields": fields},
                        need="pages_read_engagement",
                        purpose="count the reactions and comments on the Page's posts",
                    )
                except _Gone as gone:
                    named = gone.ids & set(chunk)
                    if not named:
                        raise
                    chunk = [object_id for object_id in chunk if object_id not in named]
                    continue
                for object_id in chunk:
                    if isinstance(answer.get(object_id), dict):
                        yield object_id, answer[object_id]
                break

    def _ask(
        self, method: str, path: str, values: dict[str, str], *, need: str, purpose: str
    ) -> dict[str, Any]:
        values = {**values, "access_token": self._token}
        where = {"params": values} if method == "GET" else {"data": values}
        response, body = self._send(method, f"{self._graph}/{path}", **where)
        if response.ok and isinstance(body, dict):
            return body
        raise _refusal(response, body, need, purpose)

    def _heard(self, item: dict[str, Any], kind: HeardKind, reply_to: dict[str, str]) -> Heard:
        author = item.get("from") or {}  # Graph leaves it out without pages_read_user_content
        return Heard(
            platform=NAME,
            remote_id=item["id"],
            url=item.get("permalink_url") or f"https://www.facebook.com/{item['id']}",
            kind=kind,
            handle=author.get("name") or "",  # Facebook shows people by name; ids are opaque
            name=author.get("name") or "",
            text=item.get("message") or "",
            created=_time(item.get("created_time")),
            reply_to=reply_to,
            ours=author.get("id") == self._page_id,
        )


def _refusal(response: requests.Response, body: Any, need: str, purpose: str) -> PlatformError:
    """Graph's error object as what the caller can act on: the token (code 190, which Graph
    answers with HTTP 400) as 401, a missing permission as Unsupported, throttling (a 400 with
    a throttling code) as 429 with the wait from the usage headers."""
    base = facebook._error(response, body)
    error = (body.get("error") if isinstance(body, dict) else None) or {}
    code, words = error.get("code"), str(error.get("message") or "")
    if code == TOKEN:
        return PlatformError(
            f"{NAME}: the Page token no longer works ({words}); make a new one", status=401
        )
    if code in PERMISSION:
        return Unsupported(
            f"{NAME}: the Page token lacks the {need} permission, needed to {purpose}; "
            "grant it to the app and make the token again",
            status=response.status_code,
        )
    if code in THROTTLED:
        return PlatformError(str(base), transient=True, retry_after=base.retry_after, status=429)
    if code == MISSING:
        listed = words.rpartition(":")[2]
        return _Gone(str(base), {part.strip() for part in listed.split(",") if part.strip()})
    if (code, error.get("error_subcode")) == NO_OBJECT:
        return _Gone(str(base), set(re.findall(r"Object with ID '([^']+)'", words)) or {""})
    return base


def _home(target: ReplyTarget) -> str:
    """Where a reply to `target` is posted: its top-level comment, or the post itself."""
    return target.reply_to.get("object") or target.remote_id


def _reply_ref(comment_id: str) -> PostedRef:
    return PostedRef(NAME, comment_id, f"https://www.facebook.com/{comment_id}")


def _total(edge: Any) -> int:
    return int(((edge or {}).get("summary") or {}).get("total_count") or 0)


def _time(value: Any) -> datetime.datetime:
    """Graph's 2026-11-25T09:30:00+0000 as an aware UTC time."""
    moment = datetime.datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z")
    return moment.astimezone(datetime.UTC)


LISTENER = FacebookListener
