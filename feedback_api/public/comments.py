"""The public comments API: post, list, count, and the writer's own edit and delete.

Every comment is stored pending and shown only once a moderator approves it. Each change is one
`transaction()`, and the answer is sent after its commit, so an acknowledged comment is never
lost.
"""

from __future__ import annotations

import datetime
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, request, url_for

from contract.vocabulary import CommentStatus
from contract.wordings import N_
from feedback_api import signals
from feedback_api.errors import FeedbackError
from feedback_api.limits import limiter
from feedback_api.manifest import page_language
from feedback_api.public.channel import arrival_channel
from feedback_api.public.submissions import (
    CommentInput,
    body_problem,
    comment_input,
    read_submission,
)
from feedback_api.public.tokens import client_hash, new_edit_token, token_matches
from feedback_api.render import render_comment
from feedback_api.screening import is_urgent, screen_comment
from feedback_api.screening.risk import lists_from
from feedback_api.storage import transaction
from feedback_api.storage.comments import (
    add_comment,
    approved_comments,
    approved_parent,
    delete_comment,
    edit_comment,
    get_comment,
)
from feedback_api.storage.models import Comment, utcnow
from feedback_api.storage.pages import approved_counts, page_state
from feedback_api.theme import render_page
from theme import i18n
from theme.i18n import gettext as _

bp = Blueprint("comments", __name__, url_prefix="/api")

LIST_CACHE_SIZE = 512
COUNTS_MAX = 100  # pages one counts request may ask for: a list page shows at most a few dozen


def _new_comment_limit() -> str:
    return current_app.config["ENGAGE_RATELIMIT_COMMENTS"]


@bp.post("/comments")
@limiter.limit(_new_comment_limit)
def post_comment() -> Any:
    """Store a new comment as pending; 202 with an edit token, or 303 to the thank-you page."""
    submission = read_submission("comment")
    manifest = current_app.extensions["engage_manifest"].get()
    named = submission.fields.get("page")
    entry = manifest.page(named.strip()) if isinstance(named, str) else None
    with i18n.rendering_in(page_language(manifest, entry)):  # what is wrong, in its words
        comment, problems = comment_input(submission.fields)
    if problems:
        if submission.is_form and entry:
            return _form_again(entry, submission.fields, problems)
        raise FeedbackError("Some fields need correcting.", 400, problems)
    if entry is None:
        raise FeedbackError(
            f"There is no page {comment.page} on this site.",
            404,
            {"page": "There is no such page on this site."},
        )
    if not manifest.comments_open(comment.page):
        raise FeedbackError(N_("Comments are closed on this page."), 409)
    if comment.parent is not None and approved_parent(comment.parent, comment.page) is None:
        with i18n.rendering_in(page_language(manifest, entry)):
            problems = {
                "parent": _("We could not find the comment you are replying to on this page.")
            }
        if submission.is_form:
            return _form_again(entry, submission.fields, problems)
        raise FeedbackError("Some fields need correcting.", 400, problems)
    token, token_hash = new_edit_token()
    with transaction():  # the comment and the moderators' notices, committed together
        channel = arrival_channel(submission.fields)
        stored = _store(comment, token_hash, channel, page_language(manifest, entry))
        if stored.status == CommentStatus.PENDING:
            signals.comment_received.send(current_app._get_current_object(), comment=stored)
    if submission.is_form:
        query = urlencode({"page": comment.page})
        return redirect(f"{url_for('comments.received')}?{query}", code=303)
    # A honeypot catch is answered exactly like a real comment, so bots learn nothing.
    return {"id": stored.id, "status": CommentStatus.PENDING.value, "edit_token": token}, 202


def _store(comment: CommentInput, token_hash: str, channel: str, language: str | None) -> Comment:
    """The comment, screened and committed (a honeypot's catch straight to spam), with the
    channel it came through and its page's language (the manifest's, never the reader's)."""
    html = render_comment(comment.body)
    held = screened(comment.body, comment.author, html)
    with transaction():
        return add_comment(
            page=comment.page,
            body=comment.body,
            html=html,
            status=CommentStatus.SPAM if comment.honeypot else CommentStatus.PENDING,
            held_reasons=held,
            edit_token_hash=token_hash,
            author=comment.author,
            email=comment.email,
            notify=comment.notify,
            parent_id=comment.parent,
            ip_hash=client_hash(),
            needs_response=comment.question,
            urgent=is_urgent(held),
            channel=channel,
            language=language,
        )


def screened(body: str, author: str | None = None, html: str | None = None) -> list[dict]:
    """Why a moderator should look closely at this comment, as stored with it: its body as
    readers will read it (`html`, its rendering, is checked too; rendered here if not given),
    and the author's name (those holds carry `"field": "author"`). A phrase suggesting a risk
    of harm (ENGAGE_SAFEGUARDING_*) is a hold of kind "risk": the comment is urgent."""
    config = current_app.config
    words, max_links = config["ENGAGE_SCREEN_WORDS"], config["ENGAGE_MAX_LINKS"]
    holds = screen_comment(body, author, words, max_links, html=html, risk=lists_from(config))
    return [hold.as_dict() for hold in holds]


@bp.get("/comments/received")
def received() -> str:
    """The no-JavaScript thank-you page, linking back to the page commented on."""
    manifest = current_app.extensions["engage_manifest"].get()
    entry = manifest.page(request.args.get("page", ""))
    return render_page(
        "feedback/comment_received.html", language=page_language(manifest, entry), entry=entry
    )


def _form_again(entry: dict, fields: dict[str, Any], problems: dict[str, str]) -> Response:
    """The comment form again, in its page's language, with the error summary and everything
    the reader typed."""
    manifest = current_app.extensions["engage_manifest"].get()
    html = render_page(
        "feedback/comment_form.html",
        language=page_language(manifest, entry),
        entry=entry,
        values={
            **{name: str(value) for name, value in fields.items() if isinstance(value, str)},
            "via": arrival_channel(fields),  # the next post comes from this page, not the link
        },
        errors=problems,
    )
    return Response(html, status=400, mimetype="text/html")


class Fresh:
    """Per-worker micro-cache of small database answers (page versions, counts), each kept for
    ENGAGE_READ_CACHE_SECONDS: busy pages cost one query a second instead of one a request."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[float, object]] = {}

    def get(self, key: str, load: Callable[[], object]) -> object:
        ttl = current_app.config["ENGAGE_READ_CACHE_SECONDS"]
        now = time.monotonic()
        found = self.items.get(key)
        if found is not None and now < found[0]:
            return found[1]
        value = load()
        if ttl > 0:
            if len(self.items) > 10_000:
                self.items.clear()
            self.items[key] = (now + ttl, value)
        return value


def fresh() -> Fresh:
    return current_app.extensions.setdefault("engage_fresh", Fresh())


class ListCache:
    """Rendered comment lists by (page, version): a page's list is built once per change."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple[str, int]) -> bytes | None:
        with self.lock:
            body = self.items.get(key)
            if body is not None:
                self.items.move_to_end(key)
            return body

    def put(self, key: tuple[str, int], body: bytes) -> None:
        with self.lock:
            self.items[key] = body
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@bp.get("/comments")
def list_comments() -> Response:
    """A page's approved comments, oldest first, replies nested; ETag and 304 for revalidation."""
    page = request.args.get("page", "")
    if not page:
        raise FeedbackError(
            "Say which page: /api/comments?page=/blog/example/",
            400,
            {"page": "Say which page you want comments for."},
        )
    manifest = current_app.extensions["engage_manifest"].get()
    if manifest.page(page) is None:
        raise FeedbackError(f"There is no page {page} on this site.", 404)
    version, count = fresh().get(f"state {page}", lambda: page_state(page))
    etag = f"{version}-{count}"
    if etag in request.if_none_match:
        return _cacheable(Response(status=304), etag)
    cache = current_app.extensions.setdefault("engage_list_cache", ListCache(LIST_CACHE_SIZE))
    key = (page, version)
    body = cache.get(key)
    if body is None:
        body = _list_body(page, approved_comments(page))
        cache.put(key, body)
    return _cacheable(Response(body, mimetype="application/json"), etag)


def _cacheable(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=10, must-revalidate"
    return response


def public_list(page: str, comments: list[Comment]) -> dict[str, Any]:
    """A page's approved comments as the public sees them: replies nested, oldest first.

    The same document is served by GET /api/comments and baked into the static pages.
    """
    items: dict[int, dict[str, Any]] = {}
    top: list[dict[str, Any]] = []
    for comment in comments:
        item = {
            "id": comment.id,
            "author": comment.author,
            "created": iso(comment.created),
            "html": comment.html,
            "official": comment.official,
            "tag": comment.reply_tag,
            "replies": [],
        }
        if comment.parent_id is None:
            top.append(item)
        elif comment.parent_id in items:
            items[comment.parent_id]["replies"].append(item)
        else:
            continue  # a reply whose comment is no longer published would make no sense alone
        items[comment.id] = item
    return {"page": page, "count": len(items), "comments": top}


def _list_body(page: str, comments: list[Comment]) -> bytes:
    document = public_list(page, comments)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def iso(moment: datetime.datetime) -> str:
    """UTC, ISO 8601 with Z."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@bp.get("/comments/counts")
def counts() -> Response:
    """Approved comments for each `page` asked for (up to 100), for list pages."""
    pages = request.args.getlist("page")
    if not pages:
        raise FeedbackError("Say which pages: /api/comments/counts?page=/a/&page=/b/", 400)
    if len(pages) > COUNTS_MAX:
        raise FeedbackError(f"Ask for {COUNTS_MAX} pages or fewer at a time.", 400)
    key = "counts " + "\n".join(pages)
    found = fresh().get(key, lambda: approved_counts(pages))
    response = current_app.response_class(
        json.dumps({"counts": found}, separators=(",", ":")), mimetype="application/json"
    )
    response.headers["Cache-Control"] = "public, max-age=10"
    return response


def _json_object() -> dict[str, Any]:
    """The JSON body of an edit or withdrawal: an object of fields, or none at all."""
    if not request.is_json or not request.get_data():
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise FeedbackError(
            'The request body should be a JSON object, like {"edit_token": "...", "body": "..."}.',
            400,
        )
    return data


def _own_comment(comment_id: int) -> Comment:
    """The comment, if the request carries its edit token and it may still be changed."""
    comment = get_comment(comment_id)
    if comment is None or comment.status == CommentStatus.SPAM:
        raise FeedbackError("There is no such comment.", 404)
    data = _json_object()  # a body of the wrong shape is refused even with the token in a header
    token = request.headers.get("X-Edit-Token") or data.get("edit_token")
    if not token_matches(token, comment.edit_token_hash):
        raise FeedbackError("This comment cannot be changed without its edit token.", 403)
    window = datetime.timedelta(minutes=current_app.config["ENGAGE_EDIT_MINUTES"])
    if comment.status != CommentStatus.PENDING and utcnow() - comment.created > window:
        raise FeedbackError("This comment can no longer be changed.", 409)
    return comment


@bp.patch("/comments/<int:comment_id>")
def edit(comment_id: int) -> Any:
    """The writer changes their text: it is screened again and waits for a moderator again."""
    if not request.is_json:
        raise FeedbackError('Send the change as JSON: {"edit_token": ..., "body": ...}.', 415)
    comment = _own_comment(comment_id)
    body = _json_object().get("body")
    body = body.replace("\r\n", "\n").strip() if isinstance(body, str) else ""
    if trouble := body_problem(body):
        raise FeedbackError("Some fields need correcting.", 400, {"body": trouble})
    html = render_comment(body)
    held = screened(body, comment.author, html)
    newly_urgent = is_urgent(held) and not comment.urgent
    with transaction():
        edit_comment(comment, body, html, held)
        if newly_urgent:  # now suggesting a risk of harm: moderators are told at once
            comment.urgent = True
            signals.comment_received.send(current_app._get_current_object(), comment=comment)
    return {"id": comment.id, "status": comment.status}


@bp.delete("/comments/<int:comment_id>")
def delete(comment_id: int) -> Response:
    """The writer withdraws their comment."""
    comment = _own_comment(comment_id)
    with transaction():
        delete_comment(comment)
    return Response(status=204)
