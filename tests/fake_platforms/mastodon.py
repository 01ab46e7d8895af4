"""A Mastodon server: the four endpoints the client calls, answering as docs.joinmastodon.org
documents them (methods/statuses, methods/accounts, methods/instance, api/rate-limits)."""

from __future__ import annotations

import datetime
import html
import re
from http import HTTPStatus

from flask import Response, jsonify, request

from . import FakePlatform, bearer

URL = re.compile(r"https?://[^\s<>\"]+")


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def iso(moment: datetime.datetime) -> str:
    """Mastodon's timestamps: ISO 8601 in UTC with milliseconds and a Z."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def render(text: str) -> str:
    """Status text as Mastodon serves it: HTML paragraphs, links made anchors whose visible
    text hides the scheme and shortens the rest (so only the href is the whole address)."""

    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        scheme, _, rest = url.partition("://")
        return (
            f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
            f'<span class="invisible">{scheme}://</span><span class="ellipsis">'
            f'{html.escape(rest[:30])}</span><span class="invisible">{html.escape(rest[30:])}'
            "</span></a>"
        )

    paragraphs = []
    for paragraph in text.split("\n\n"):
        parts = URL.split(paragraph)
        links = [link(match) for match in URL.finditer(paragraph)]
        escaped = [html.escape(part).replace("\n", "<br />") for part in parts]
        anchors = [*links, ""]
        paragraphs.append("".join(part + anchors[i] for i, part in enumerate(escaped)))
    return "".join(f"<p>{p}</p>" for p in paragraphs)


class FakeMastodon(FakePlatform):
    name = "mastodon"
    publish_path = "/api/v1/statuses"
    credential = "ENGAGE_MASTODON_TOKEN"

    def __init__(self, token: str = "mastodon-token", max_characters: int = 500) -> None:
        super().__init__()
        self.token = token
        self.max_characters = max_characters
        self.account_id = "109000000000000001"
        self.keys: dict[str, dict] = {}  # Idempotency-Key → the status it made
        app = self.app
        app.get("/api/v1/accounts/verify_credentials")(self.verify_credentials)
        app.get("/api/v1/accounts/<account_id>/statuses")(self.account_statuses)
        app.post("/api/v1/statuses")(self.post_status)
        app.get("/api/v2/instance/")(self.instance)

    def settings(self) -> dict[str, str]:
        return {"ENGAGE_MASTODON_URL": self.url, "ENGAGE_MASTODON_TOKEN": self.token}

    def failure(self, status: int, retry_after: int | None) -> Response:
        """Mastodon's errors are {"error": ...}; its 429 (rack-attack) carries X-RateLimit-*
        headers with an ISO 8601 reset time, and no Retry-After."""
        if status == 429:
            answer = jsonify(error="Too many requests")
            reset = now() + datetime.timedelta(seconds=retry_after or 300)
            answer.headers["X-RateLimit-Limit"] = "300"
            answer.headers["X-RateLimit-Remaining"] = "0"
            answer.headers["X-RateLimit-Reset"] = reset.isoformat(timespec="microseconds")
        else:
            answer = jsonify(error=HTTPStatus(status).phrase)
        answer.status_code = status
        return answer

    def account(self) -> dict:
        created = iso(datetime.datetime(2024, 1, 8, tzinfo=datetime.UTC))
        return {
            "id": self.account_id,
            "username": "engage",
            "acct": "engage",
            "display_name": "Engage NHS",
            "locked": False,
            "bot": True,
            "discoverable": True,
            "group": False,
            "created_at": created,
            "note": "<p>Engagement news</p>",
            "url": f"{self.url}/@engage",
            "uri": f"{self.url}/users/engage",
            "avatar": f"{self.url}/avatars/original/missing.png",
            "avatar_static": f"{self.url}/avatars/original/missing.png",
            "header": f"{self.url}/headers/original/missing.png",
            "header_static": f"{self.url}/headers/original/missing.png",
            "followers_count": 10,
            "following_count": 1,
            "statuses_count": len(self.posts),
            "last_status_at": None,
            "emojis": [],
            "fields": [],
        }

    def unauthorized(self) -> Response | None:
        if bearer() == self.token:
            return None
        answer = jsonify(error="The access token is invalid")
        answer.status_code = 401
        answer.headers["WWW-Authenticate"] = 'Bearer realm="Doorkeeper", error="invalid_token"'
        return answer

    def verify_credentials(self) -> Response:
        return self.unauthorized() or jsonify(self.account())

    def account_statuses(self, account_id: str) -> Response:
        refusal = self.unauthorized()
        if refusal:
            return refusal
        if account_id != self.account_id:
            return Response('{"error":"Record not found"}', 404, mimetype="application/json")
        limit = min(int(request.args.get("limit", 20)), 40)
        with self.lock:
            newest_first = [post["status"] for post in reversed(self.posts)][:limit]
        return jsonify(newest_first)

    def post_status(self) -> Response:
        refusal = self.unauthorized()
        if refusal:
            return refusal
        form = request.get_json(silent=True) or request.form
        text = form.get("status", "")
        if not text:
            return self.error(422, "Validation failed: Text can't be blank")
        if len(text) > self.max_characters:
            return self.error(
                422, f"Validation failed: Text character limit of {self.max_characters} exceeded"
            )
        key = request.headers.get("Idempotency-Key")
        with self.lock:
            if key and key in self.keys:
                return jsonify(self.keys[key])
        status_id = str(113_000_000_000_000_000 + self.next_id())
        status = {
            "id": status_id,
            "created_at": iso(now()),
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": form.get("visibility", "public"),
            "language": form.get("language"),
            "uri": f"{self.url}/users/engage/statuses/{status_id}",
            "url": f"{self.url}/@engage/{status_id}",
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "edited_at": None,
            "content": render(text),
            "reblog": None,
            "application": {"name": "Engage", "website": None},
            "account": self.account(),
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
        }
        received = {"text": text, "key": key, "form": dict(form), "status": status}
        with self.lock:
            self.posts.append(received)
            if key:
                self.keys[key] = status
        return jsonify(status)

    def error(self, status: int, message: str) -> Response:
        answer = jsonify(error=message)
        answer.status_code = status
        return answer

    def instance(self) -> Response:
        return jsonify(
            {
                "domain": "127.0.0.1",
                "title": "Fake Mastodon",
                "version": "4.5.0",
                "source_url": "https://github.com/mastodon/mastodon",
                "description": "A loopback stand-in",
                "usage": {"users": {"active_month": 1}},
                "thumbnail": {"url": f"{self.url}/thumbnail.png"},
                "languages": ["en"],
                "configuration": {
                    "urls": {"streaming": "ws://127.0.0.1"},
                    "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
                    "statuses": {
                        "max_characters": self.max_characters,
                        "max_media_attachments": 4,
                        "characters_reserved_per_url": 23,
                    },
                    "translation": {"enabled": False},
                },
                "registrations": {"enabled": False, "approval_required": False, "message": None},
                "contact": {"email": "admin@example.org", "account": None},
                "rules": [],
            }
        )
