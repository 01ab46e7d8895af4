"""Listening on Bluesky: the app view's notifications, threads, search and post views, asked
through the account's PDS (the SDK sends every app.bsky call to the client's base address,
which proxies it to the app view), and our answer as a reply record.

Bluesky has no private posts: every post is public, so nothing heard here is ever `private`
(direct messages are chat.bsky, which an app password without the DM permission cannot read,
and which Engage does not read anywhere).

Edits: the Bluesky app cannot edit a post, but any client can rewrite the record in place
(putRecord). The post view carries no edit time; the app view re-indexes a rewritten record,
so a post indexed well after the time its record says it was written (EDIT_GRACE) is taken as
edited then. A post backdated by its client reads as edited too; its text is its text either
way, which is what the feedback API compares. Notifications carry their own indexedAt, not the
post's, so an edit shows in thread() and search(), not in notifications().

Reading notifications does not mark them seen (no updateSeen call): staff who also use the app
still find them unread there.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx
from atproto_client import models
from atproto_core.exceptions import AtProtocolError

from ..base import bcp47
from ..bluesky import COLLECTION, NAME, BlueskyClient, platform_error, tid
from ..values import PlatformError, PostedRef
from . import Batch, Counts, Heard, HeardKind, Listener, ReplyTarget, Unsupported, plain_batch
from .bluesky_text import facets, moment, plain_text

REASONS = ["reply", "mention", "quote"]  # listNotifications#notification reasons we hear
PAGE = 100  # the largest page listNotifications and searchPosts give
POSTS_PER_CALL = 25  # getPosts takes at most 25 uris
THREAD_DEPTH = 1000  # getPostThread's deepest reply level
# Pages read in one call before giving up on reaching the cursor (10,000 notifications): the
# newest are kept, and the next call starts from them.
MAX_PAGES = 100
EDIT_GRACE = datetime.timedelta(minutes=5)  # indexing delay and client clock skew, not an edit
QUOTE_EMBEDS = ("app.bsky.embed.record", "app.bsky.embed.recordWithMedia")


class BlueskyListener(BlueskyClient, Listener):
    """Hears replies, mentions, quotes and hashtags for the account, and replies in threads."""

    def notifications(self, cursor: str | None) -> Batch:
        """Replies, mentions and quotes from app.bsky.notification.listNotifications. Its own
        cursor pages to older notifications; ours is the newest indexedAt seen, so pages are
        read, newest first, until one reaches it (with nothing new, one request). The first
        call reads the newest page only."""
        did = self._login()
        since = moment(cursor)
        items: dict[str, Heard] = {}
        newest: tuple[datetime.datetime, str] | None = None
        page: str | None = None
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"limit": PAGE, "reasons": REASONS}
            if page:
                params["cursor"] = page
            answer = self._ask(self._client.app.bsky.notification.list_notifications, params)
            reached = False
            for notification in answer.notifications:
                indexed = moment(notification.indexed_at)
                if indexed is None:
                    continue
                if since is not None and indexed <= since:
                    reached = True
                    break
                if newest is None or indexed > newest[0]:
                    newest = (indexed, notification.indexed_at)
                heard = self._notified(notification, did)
                if heard is not None:
                    items.setdefault(heard.remote_id, heard)
            page = answer.cursor
            if since is None or reached or not page or not answer.notifications:
                break
        return plain_batch(list(items.values()), newest[1] if newest else None)

    def thread(self, post_id: str) -> Batch:
        """Every reply under our post, from app.bsky.feed.getPostThread at full depth. Deleted
        replies come back as #notFoundPost (or not at all) and replies by accounts that block
        us, or that we block, as #blockedPost: neither can be read, so neither is heard."""
        did = self._login()
        root = self._thread(post_id, THREAD_DEPTH)
        if root is None:
            return Batch([])
        items = [
            self._heard(node.post, HeardKind.REPLY, did, post_id=post_id)
            for node in _descendants(root)
        ]
        return plain_batch(items, None)

    def search(self, term: str, cursor: str | None) -> Batch:
        """Public posts matching `term`, newest first, from app.bsky.feed.searchPosts
        (sort=latest). Our cursor is the newest indexedAt seen; `since` (which the lexicon
        says filters on sortAt, inclusive) is set EDIT_GRACE before it, for clients whose
        clock runs behind, and what was indexed by the cursor is left out. The first call
        reads the newest page only."""
        did = self._login()
        since = moment(cursor)
        params: dict[str, Any] = {"q": term, "sort": "latest", "limit": PAGE}
        if since is not None:
            params["since"] = (since - EDIT_GRACE).isoformat().replace("+00:00", "Z")
        items: dict[str, Heard] = {}
        newest: tuple[datetime.datetime, str] | None = None
        for _ in range(MAX_PAGES):
            try:
                answer = self._ask(self._client.app.bsky.feed.search_posts, params)
            except PlatformError as error:
                if error.status in (501, 404):
                    raise Unsupported(
                        f"{NAME}: this PDS does not offer post search (app.bsky.feed."
                        "searchPosts); an account on a PDS that proxies to the Bluesky app "
                        "view would allow it",
                        status=error.status,
                    ) from error
                raise
            for post in answer.posts:
                indexed = moment(post.indexed_at)
                if indexed is None or (since is not None and indexed <= since):
                    continue
                if newest is None or indexed > newest[0]:
                    newest = (indexed, post.indexed_at)
                heard = self._heard(post, HeardKind.TERM, did, term=term)
                items.setdefault(heard.remote_id, heard)
            if since is None or not answer.cursor or not answer.posts:
                break
            params["cursor"] = answer.cursor
        return plain_batch(list(items.values()), newest[1] if newest else None)

    def counts(self, post_ids: Sequence[str]) -> dict[str, Counts]:
        """Replies, reposts, likes and quotes from app.bsky.feed.getPosts, 25 posts a call; a
        deleted post is not in the answer, so not in ours."""
        return {
            post.uri: Counts(
                replies=post.reply_count or 0,
                reposts=post.repost_count or 0,
                likes=post.like_count or 0,
                quotes=post.quote_count or 0,
            )
            for post in self._posts(post_ids)
        }

    def existing(self, remote_ids: Sequence[str]) -> set[str]:
        """The posts app.bsky.feed.getPosts still has (it leaves deleted ones out)."""
        return {post.uri for post in self._posts(remote_ids)}

    def reply(
        self,
        target: ReplyTarget,
        text: str,
        key: str,
        when: datetime.datetime,
        *,
        language: str | None = None,
    ) -> PostedRef:
        """An app.bsky.feed.post record replying to `target` (its reply refs: the thread's root
        and the post answered), with link and hashtag facets, written at a TID made from
        `when` and `key`: a repeat lands on the same record key, which the PDS refuses, and
        the record found there is this reply."""
        did = self._login()
        root, parent = self._refs(target)
        when = when.astimezone(datetime.UTC)
        record = models.AppBskyFeedPost.Record(
            text=text,
            created_at=when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            langs=[bcp47(language)],
            facets=facets(text) or None,
            reply=models.AppBskyFeedPost.ReplyRef(root=root, parent=parent),
        )
        rkey = tid(when, key)
        self._write(did, rkey, record, lambda found: _answers(found, parent.uri), "reply")
        return self._ref(did, rkey)

    def find_reply(self, target: ReplyTarget, text: str) -> PostedRef | None:
        """Our reply with this text among the direct replies to `target`
        (app.bsky.feed.getPostThread, depth 1)."""
        did = self._login()
        node = self._thread(target.remote_id, 1)
        for reply in (node.replies or ()) if node is not None else ():
            post = getattr(reply, "post", None)
            if post is None or post.author.did != did:
                continue
            if (getattr(post.record, "text", None) or "").strip() == text.strip():
                return self._ref(did, post.uri.rsplit("/", 1)[-1])
        return None

    # --- Reading ---------------------------------------------------------------------------

    def _ask(self, call: Callable[[dict[str, Any]], Any], params: dict[str, Any]) -> Any:
        """One app view call through the SDK, its refusals as PlatformError."""
        try:
            return call(params)
        except (AtProtocolError, httpx.HTTPError) as error:
            raise platform_error(error) from error

    def _thread(self, uri: str, depth: int) -> Any | None:
        """The #threadViewPost at `uri` with replies to `depth`, or None when the post is gone
        (the app view answers NotFound, or a #notFoundPost / #blockedPost in its place)."""
        try:
            answer = self._client.app.bsky.feed.get_post_thread(
                {"uri": uri, "depth": depth, "parent_height": 0}
            )
        except (AtProtocolError, httpx.HTTPError) as error:
            content = getattr(getattr(error, "response", None), "content", None)
            if getattr(content, "error", None) == "NotFound":
                return None
            raise platform_error(error) from error
        return answer.thread if getattr(answer.thread, "post", None) is not None else None

    def _posts(self, uris: Sequence[str]) -> Iterator[Any]:
        """Post views for `uris`, 25 a call, as app.bsky.feed.getPosts gives them."""
        self._login()
        wanted = list(dict.fromkeys(uris))
        for start in range(0, len(wanted), POSTS_PER_CALL):
            chunk = wanted[start : start + POSTS_PER_CALL]
            yield from self._ask(self._client.app.bsky.feed.get_posts, {"uris": chunk}).posts

    def _refs(self, target: ReplyTarget) -> tuple[Any, Any]:
        """The thread's root and the post answered, as strong refs: from `reply_to` as heard,
        or read from the post itself when an older item lacks them."""
        given = target.reply_to
        uri = given.get("uri") or target.remote_id
        if given.get("cid") and given.get("root_uri") and given.get("root_cid"):
            return _strong(given["root_uri"], given["root_cid"]), _strong(uri, given["cid"])
        posts = list(self._posts([uri]))
        if not posts:
            raise PlatformError(f"{NAME}: the post to reply to is gone: {uri}", status=404)
        found = _reply_to(posts[0])
        return _strong(found["root_uri"], found["root_cid"]), _strong(uri, found["cid"])

    def _notified(self, notification: Any, did: str) -> Heard | None:
        """A Heard for a reply, mention or quote notification, None for any other reason."""
        reason = notification.reason
        record = notification.record
        if reason == "reply":
            return self._heard(notification, HeardKind.REPLY, did)
        if reason == "mention":
            return self._heard(notification, HeardKind.MENTION, did)
        if reason == "quote":
            quoted = _quoted(record) or notification.reason_subject
            return self._heard(notification, HeardKind.QUOTE, did, post_id=quoted)
        return None

    def _heard(
        self,
        view: Any,
        kind: HeardKind,
        did: str,
        *,
        post_id: str | None = None,
        term: str | None = None,
    ) -> Heard:
        """A Heard from a post view or a notification (both carry uri, cid, author, record and
        indexedAt). Without `post_id`, a reply's thread root is it when the root is ours."""
        record = view.record
        indexed = moment(view.indexed_at) or datetime.datetime.now(datetime.UTC)
        created = moment(getattr(record, "created_at", None)) or indexed
        reply = getattr(record, "reply", None)
        root = reply.root.uri if reply is not None else None
        if post_id is None and root is not None and _in_repo(root, did):
            post_id = root
        handle = view.author.handle
        return Heard(
            platform=NAME,
            remote_id=view.uri,
            url=f"https://bsky.app/profile/{handle}/post/{view.uri.rsplit('/', 1)[-1]}",
            kind=kind,
            handle=handle,
            name=view.author.display_name or "",
            text=plain_text(record),
            created=created,
            in_reply_to=reply.parent.uri if reply is not None else None,
            post_id=post_id,
            private=False,  # Bluesky has no private posts
            edited=indexed if indexed - created > EDIT_GRACE else None,
            term=term,
            reply_to=_reply_to(view),
            ours=view.author.did == did,
        )


def _descendants(node: Any) -> Iterator[Any]:
    """Every #threadViewPost below `node`, parents before their replies; #notFoundPost and
    #blockedPost entries (and anything newer the lexicon may add) are passed over."""
    stack = list(reversed(node.replies or ()))
    while stack:
        child = stack.pop()
        if getattr(child, "post", None) is None:
            continue
        yield child
        stack.extend(reversed(child.replies or ()))


def _reply_to(view: Any) -> dict[str, str]:
    """What a reply to this post needs: its own uri and cid, and its thread root's (itself,
    when it starts the thread)."""
    reply = getattr(view.record, "reply", None)
    root = reply.root if reply is not None else None
    return {
        "uri": view.uri,
        "cid": view.cid,
        "root_uri": root.uri if root is not None else view.uri,
        "root_cid": root.cid if root is not None else view.cid,
    }


def _quoted(record: Any) -> str | None:
    """The uri a quote post embeds (app.bsky.embed.record, or recordWithMedia's record)."""
    embed = getattr(record, "embed", None)
    if embed is None or not str(getattr(embed, "py_type", "")).startswith(QUOTE_EMBEDS):
        return None
    ref = embed.record
    ref = getattr(ref, "record", ref)  # recordWithMedia nests the embed record one deeper
    return getattr(ref, "uri", None)


def _in_repo(uri: str, did: str) -> bool:
    """Whether an at:// uri is a post in this account's repository."""
    return uri.startswith(f"at://{did}/{COLLECTION}/")


def _strong(uri: str, cid: str) -> models.ComAtprotoRepoStrongRef.Main:
    return models.ComAtprotoRepoStrongRef.Main(uri=uri, cid=cid)


def _answers(record: Any, parent: str) -> bool:
    """Whether a post record found at our key is a reply to `parent`."""
    reply = getattr(record, "reply", None)
    return reply is not None and reply.parent.uri == parent


LISTENER = BlueskyListener
