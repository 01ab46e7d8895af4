"""Atom feeds of comments (feedgen): approved comments, site-wide and per page, for anyone; and
the pending queue for moderators' feed readers, opened by a revocable per-user token."""

from __future__ import annotations

import datetime
import hashlib

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, current_app, request

from contract.vocabulary import CommentStatus
from feedback_api.errors import FeedbackError
from feedback_api.manifest import language_tag
from feedback_api.storage.comments import recent_comments
from feedback_api.storage.models import Comment
from feedback_api.storage.users import user_by_feed_token
from feedback_api.textsafe import scrub

bp = Blueprint("feeds", __name__, url_prefix="/api/feeds")
FEED_SIZE = 50


def _feed(title: str, self_url: str, comments: list[Comment], private: bool) -> Response:
    manifest = current_app.extensions["engage_manifest"].get()
    site = manifest.site
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.author({"name": site["name"]})
    feed.link(href=site["url"] + "/", rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language(language_tag(site.get("language")) or "en-GB")
    newest = max((c.updated for c in comments), default=datetime.datetime.now(datetime.UTC))
    feed.updated(newest)
    for comment in reversed(comments):  # feedgen prepends: add oldest first
        page = manifest.page(comment.page)
        # The page address is a key, read back exactly as stored (text people typed is scrubbed
        # when read): what the feed writes of it must still be valid XML.
        address = scrub(comment.page)
        page_title = page["title"] if page else address
        entry = feed.add_entry()
        entry.id(f"{site['url']}/api/comments/{comment.id}")
        who = comment.author or "Anonymous"
        entry.title(f"{who} on ‘{page_title}’")  # noqa: RUF001 (typographic quotes)
        link = f"{site['url']}{address}#comment-{comment.id}"
        entry.link(href=f"{site['url']}/admin/?status=pending" if private else link)
        entry.author({"name": who})
        entry.published(comment.created)
        entry.updated(comment.updated)
        entry.content(comment.html, type="html")
    response = Response(feed.atom_str(pretty=False), mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=60"
    return response


@bp.get("/comments.atom")
def approved() -> Response:
    """The newest approved comments on the site, or on one page with ?page=."""
    page = request.args.get("page")
    manifest = current_app.extensions["engage_manifest"].get()
    if page is not None and manifest.page(page) is None:
        raise FeedbackError(f"There is no page {page} on this site.", 404)
    comments = recent_comments(CommentStatus.APPROVED, page=page, limit=FEED_SIZE)
    name = manifest.site["name"]
    title = f"Comments on ‘{manifest.page(page)['title']}’" if page else f"Comments: {name}"  # noqa: RUF001
    return _feed(title, request.url, comments, private=False)


@bp.get("/pending.atom")
def pending() -> Response:
    """The moderation queue for a feed reader; the token is the user's, revoked by a new one."""
    token = request.args.get("token", "")
    digest = hashlib.sha256(token.encode()).hexdigest()
    user = user_by_feed_token(digest) if token else None
    if user is None or user.disabled:
        raise FeedbackError("This feed needs a valid personal token.", 401)
    comments = recent_comments(CommentStatus.PENDING, limit=FEED_SIZE)
    return _feed("Waiting for moderation", request.base_url, comments, private=True)
