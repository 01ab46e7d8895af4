"""Listening on a LinkedIn organisation page through the Community Management API (Rest.li 2.0,
versioned), with the token that posts.

- notifications: GET /rest/organizationalEntityNotifications?q=criteria with
  actions=List(COMMENT,SHARE_MENTION) and timeRange=(start:ms,end:ms) from the last one seen
  (Organization Social Action Notifications); a mention's text from GET /rest/posts?ids=List(..),
  a comment's from GET /rest/socialActions/{post}/comments/{id};
- thread: GET /rest/socialActions/{post}/comments (start/count paging), then the comments on
  each comment that has some (Comments API: nested one level, parentComment);
- counts: GET /rest/socialActions?ids=List(..), likesSummary and commentsSummary (reposts are
  not in the summary: 0; quotes are not a LinkedIn thing);
- reply: POST /rest/socialActions/{comment}/comments with actor, object (the post),
  message.text and parentComment; a mention gets a top-level comment on its post.

LinkedIn shows other members by URN only (names need the member's own consent), has no public
post search for pages, no private comments, and no text of a reshare in its notifications.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

import requests

from ..linkedin import NAME, LinkedInClient
from ..values import PlatformError, PostedRef
from . import Batch, Counts, Heard, HeardKind, Listener, ReplyTarget, Unsupported, plain_batch

PAGE = 100  # comments and notifications a page
PER_BATCH = 50  # keys in one BATCH_GET
MAX_PAGES = 200
COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<post>.+),(?P<id>[^,]+)\)$")
READ = ("r_organization_social", "read the comments on the page's posts")
FEED = (
    "r_organization_social_feed",
    "read the page's notifications (Community Management API access)",
)
WRITE = ("w_organization_social", "comment as the page")


class LinkedInListener(LinkedInClient, Listener):
    """The page's comments and mentions, and its answers in their threads."""

    def notifications(self, cursor: str | None) -> Batch:
        """Comments on the page's posts and posts mentioning the page since `cursor` (epoch
        milliseconds of the last notification seen; the first call reads the newest page)."""
        query = [
            ("q", "criteria"),
            ("actions", "List(COMMENT,SHARE_MENTION)"),
            ("organizationalEntity", _enc(self._author)),
        ]
        if cursor:
            now = int(time.time() * 1000)
            query.append(("timeRange", f"(start:{int(cursor) + 1},end:{now})"))
        notes = list(self._paged("/rest/organizationalEntityNotifications", query, FEED, cursor))
        if not notes:
            return Batch([], None)
        mentions = [n["generatedActivity"] for n in notes if n.get("action") == "SHARE_MENTION"]
        items = [self._mention(post) for post in self._batch("/rest/posts", mentions, READ)]
        for note in notes:
            if note.get("action") == "COMMENT" and (
                comment := self._comment(str(note.get("generatedActivity")))
            ):
                items.append(self._heard(comment, str(note.get("sourcePost"))))
        newest = max(int(note.get("lastModifiedAt") or 0) for note in notes)
        return plain_batch(items, str(max(newest, int(cursor or 0))))

    def thread(self, post_id: str) -> Batch:
        """Every comment on our post and on its comments; a deleted post has none."""
        items = []
        try:
            top = list(self._paged(f"/rest/socialActions/{_enc(post_id)}/comments", [], READ))
        except PlatformError as error:
            if error.status == 404:
                return Batch([], None)
            raise
        for comment in top:
            items.append(self._heard(comment, post_id))
            summary = comment.get("commentsSummary") or {}
            if summary.get("aggregatedTotalComments") or summary.get("totalFirstLevelComments"):
                path = f"/rest/socialActions/{_enc(_urn(comment))}/comments"
                items += [self._heard(reply, post_id) for reply in self._paged(path, [], READ)]
        return plain_batch(items, None)

    def search(self, term: str, cursor: str | None) -> Batch:
        """LinkedIn's API offers pages no search of members' public posts."""
        raise Unsupported(f"{NAME}: the LinkedIn API offers no search of public posts")

    def counts(self, post_ids: Sequence[str]) -> dict[str, Counts]:
        """Likes and comments (nested ones included) per post from the socialActions
        summaries; a deleted post is left out."""
        found = {}
        for summary in self._batch("/rest/socialActions", post_ids, READ):
            likes = summary.get("likesSummary") or {}
            comments = summary.get("commentsSummary") or {}
            found[summary["target"]] = Counts(
                replies=int(
                    comments.get("aggregatedTotalComments")
                    or comments.get("totalFirstLevelComments")
                    or 0
                ),
                likes=int(likes.get("totalLikes") or likes.get("aggregatedTotalLikes") or 0),
            )
        return found

    def existing(self, remote_ids: Sequence[str]) -> set[str]:
        """Posts by one batch read; comments one by one (there is no batch of comments)."""
        posts = [urn for urn in remote_ids if not COMMENT_URN.match(urn)]
        found = {post["id"] for post in self._batch("/rest/posts", posts, READ)}
        found |= {urn for urn in remote_ids if COMMENT_URN.match(urn) and self._comment(urn)}
        return found

    def reply(
        self,
        target: ReplyTarget,
        text: str,
        key: str,
        when: datetime.datetime,
        *,
        language: str | None = None,
    ) -> PostedRef:
        """Comment as the page: on the target's top-level comment (nested one level, as LinkedIn
        keeps them), or on the post that mentioned us. No idempotency key: a retry looks first
        with find_reply()."""
        post = target.reply_to.get("object") or target.remote_id
        parent = target.reply_to.get("comment")
        body: dict[str, Any] = {"actor": self._author, "object": post, "message": {"text": text}}
        if parent:
            body["parentComment"] = parent
        response = self._ask(
            "POST", f"/rest/socialActions/{_enc(parent or post)}/comments", WRITE, json=body
        )
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        urn = _urn(answer) if isinstance(answer, dict) else ""
        if not urn and response.headers.get("x-restli-id"):
            urn = f"urn:li:comment:({post},{response.headers['x-restli-id']})"
        if not urn:
            raise PlatformError(f"{NAME}: commented, but the answer had no comment URN")
        return _comment_ref(post, urn)

    def find_reply(self, target: ReplyTarget, text: str) -> PostedRef | None:
        """The page's comment with this text under the target's comment (or on its post)."""
        post = target.reply_to.get("object") or target.remote_id
        home = target.reply_to.get("comment") or post
        for comment in self._paged(f"/rest/socialActions/{_enc(home)}/comments", [], READ):
            if comment.get("actor") == self._author and _text(comment) == text:
                return _comment_ref(post, _urn(comment))
        return None

    # --- Calls ----------------------------------------------------------------------------

    def _paged(
        self,
        path: str,
        query: list[tuple[str, str]],
        need: tuple[str, str],
        cursor: str | None = "every",
    ) -> Iterator[dict[str, Any]]:
        """Elements page by page (start/count) while LinkedIn links a next page; only the first
        page when `cursor` is None."""
        start = 0
        for _ in range(MAX_PAGES):
            page = [*query, ("start", str(start)), ("count", str(PAGE))]
            body = _json(self._ask("GET", path, need, query=page))
            elements = [item for item in body.get("elements") or () if isinstance(item, dict)]
            yield from elements
            paging = body.get("paging") or {}
            more = any(link.get("rel") == "next" for link in paging.get("links") or ())
            if cursor is None or not elements or not more:
                return
            start += len(elements)

    def _batch(
        self, path: str, urns: Sequence[str], need: tuple[str, str]
    ) -> Iterator[dict[str, Any]]:
        """BATCH_GET results, PER_BATCH keys a call; keys under `errors` (404: deleted) are
        left out."""
        wanted = list(dict.fromkeys(urns))
        for start in range(0, len(wanted), PER_BATCH):
            keys = ",".join(_enc(urn) for urn in wanted[start : start + PER_BATCH])
            body = _json(self._ask("GET", path, need, query=[("ids", f"List({keys})")]))
            for urn, result in (body.get("results") or {}).items():
                if isinstance(result, dict):
                    yield {
                        **result,
                        "id": result.get("id", urn),
                        "target": result.get("target", urn),
                    }

    def _comment(self, urn: str) -> dict[str, Any] | None:
        """One comment by its URN, or None when it is gone."""
        match = COMMENT_URN.match(urn)
        if not match:
            return None
        path = f"/rest/socialActions/{_enc(match['post'])}/comments/{match['id']}"
        try:
            return _json(self._ask("GET", path, READ))
        except PlatformError as error:
            if error.status == 404:
                return None
            raise

    def _ask(
        self,
        method: str,
        path: str,
        need: tuple[str, str],
        *,
        query: list[tuple[str, str]] | None = None,
        json: dict[str, Any] | None = None,
    ) -> requests.Response:
        """One call; URNs in the path and query come encoded, Rest.li's List( ) and ( : , )
        structure not, so the query is written here rather than by requests."""
        url = self._base + path
        if query:
            url += "?" + "&".join(f"{name}={value}" for name, value in query)

        def forbidden(response: requests.Response, detail: str) -> None:
            if response.status_code == 403:
                scope, purpose = need
                raise Unsupported(
                    f"{NAME}: the token lacks {scope}, needed to {purpose}; grant it to the app "
                    f"and sign in again ({detail})",
                    status=403,
                )

        return self._send(method, url, forbidden, json=json)

    def _mention(self, post: dict[str, Any]) -> Heard:
        created = _time(post.get("createdAt") or post.get("publishedAt"))
        changed = _time(post.get("lastModifiedAt")) if post.get("lastModifiedAt") else created
        return Heard(
            platform=NAME,
            remote_id=post["id"],
            url=f"https://www.linkedin.com/feed/update/{post['id']}/",
            kind=HeardKind.MENTION,
            handle=str(post.get("author") or ""),
            name="",
            text=plain(str(post.get("commentary") or "")),
            created=created,
            edited=changed if changed > created else None,
            reply_to={"object": post["id"]},
            ours=post.get("author") == self._author,
        )

    def _heard(self, comment: dict[str, Any], post_id: str) -> Heard:
        urn = _urn(comment)
        created = _time((comment.get("created") or {}).get("time"))
        changed = _time(
            (comment.get("lastModified") or {}).get("time") or created.timestamp() * 1000
        )
        parent = comment.get("parentComment")
        post = str(comment.get("object") or post_id)
        return Heard(
            platform=NAME,
            remote_id=urn,
            url=_comment_ref(post, urn).url,
            kind=HeardKind.REPLY,
            handle=str(comment.get("actor") or ""),
            name="",
            text=_text(comment),
            created=created,
            in_reply_to=parent or post_id,
            post_id=post_id,
            edited=changed if changed > created else None,
            reply_to={"object": post, "comment": parent or urn},
            ours=comment.get("actor") == self._author,
        )


def plain(little: str) -> str:
    """LinkedIn's "little" text as plain text: @[Name](urn) mentions as the name,
    {hashtag|\\#|Tag} as #Tag, backslash escapes undone."""
    text = re.sub(r"@\[([^\]]*)\]\([^)]*\)", r"\1", little)
    text = re.sub(r"\{hashtag\|\\?#\|([^}]*)\}", r"#\1", text)
    return re.sub(r"\\(.)", r"\1", text)


def _enc(urn: str) -> str:
    return quote(urn, safe="")


def _urn(comment: dict[str, Any]) -> str:
    return str(comment.get("commentUrn") or comment.get("$URN") or "")


def _text(comment: dict[str, Any]) -> str:
    return str((comment.get("message") or {}).get("text") or "")


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as error:
        raise PlatformError(f"{NAME}: the answer was not JSON") from error
    if not isinstance(body, dict):
        raise PlatformError(f"{NAME}: the answer was not a JSON object")
    return body


def _time(milliseconds: Any) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(int(milliseconds or 0) / 1000, tz=datetime.UTC)


def _comment_ref(post: str, urn: str) -> PostedRef:
    return PostedRef(
        NAME, urn, f"https://www.linkedin.com/feed/update/{post}/?commentUrn={_enc(urn)}"
    )


LISTENER = LinkedInListener
