"""The Graph API's page feed: POST and GET /{version}/{page-id}/feed as the Page feed reference
documents them, with Graph's error object (developers.facebook.com/docs/graph-api/
using-graph-api/error-handling).

Graph does not throttle with a 429: it answers a plain 400 whose error code (here 32, "Page
request limit reached") says so, and tells the wait in minutes in X-Business-Use-Case-Usage.
`fail_next(status=429, retry_after=seconds)` answers that way."""

from __future__ import annotations

import json
import math
from http import HTTPStatus

from flask import Response, jsonify, request

from . import FakePlatform, bearer


def graph_error(status: int, code: int, message: str, **extra: object) -> Response:
    error = {"message": message, "type": "OAuthException", "code": code, **extra}
    answer = jsonify(error={**error, "fbtrace_id": "AbCdEfGhIjK"})
    answer.status_code = status
    return answer


class FakeFacebook(FakePlatform):
    name = "facebook"
    credential = "ENGAGE_FACEBOOK_TOKEN"

    def __init__(
        self, page_id: str = "104000000000001", token: str = "facebook-page-token"
    ) -> None:
        super().__init__()
        self.page_id = page_id
        self.publish_path = f"/v26.0/{page_id}/feed"
        self.token = token
        self.app.route("/<version>/<page_id>/feed", methods=["GET", "POST"])(self.feed)

    def settings(self) -> dict[str, str]:
        return {
            "ENGAGE_FACEBOOK_URL": f"{self.url}/v26.0",
            "ENGAGE_FACEBOOK_PAGE_ID": self.page_id,
            "ENGAGE_FACEBOOK_TOKEN": self.token,
        }

    def failure(self, status: int, retry_after: int | None) -> Response:
        if status == 429:
            minutes = math.ceil((retry_after or 60) / 60)
            answer = graph_error(400, 32, "(#32) Page request limit reached")
            usage = {"type": "pages", "call_count": 100, "total_cputime": 4, "total_time": 9}
            usage["estimated_time_to_regain_access"] = minutes
            answer.headers["X-Business-Use-Case-Usage"] = json.dumps({self.page_id: [usage]})
            return answer
        if status >= 500:
            return graph_error(
                status,
                2,
                "An unexpected error has occurred. Please retry your request later.",
                is_transient=True,
            )
        return graph_error(status, 100, HTTPStatus(status).phrase)

    def feed(self, version: str, page_id: str) -> Response:
        values = request.form if request.method == "POST" else request.args
        if (values.get("access_token") or bearer()) != self.token:
            return graph_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if page_id != self.page_id:
            return graph_error(
                400,
                100,
                f"Unsupported {request.method.lower()} request. Object with ID "
                f"'{page_id}' does not exist, cannot be loaded due to missing permissions, "
                "or does not support this operation.",
                error_subcode=33,
            )
        if request.method == "GET":
            return self.read_feed()
        if not values.get("message") and not values.get("link"):
            return graph_error(400, 100, "(#100) Missing message or attachment")
        post_id = f"{self.page_id}_{122_000_000_000_000_000 + self.next_id()}"
        post = {
            "id": post_id,
            "message": values.get("message", ""),
            "link": values.get("link"),
            "permalink_url": f"https://www.facebook.com/{self.page_id}/posts/{post_id.split('_')[1]}",
            "created_time": "2026-11-25T09:30:00+0000",
        }
        with self.lock:
            self.posts.append(post)
        return jsonify(id=post_id)

    def read_feed(self) -> Response:
        fields = request.args.get("fields", "id,message,created_time").split(",")
        limit = int(request.args.get("limit", 25))
        with self.lock:
            posts = list(reversed(self.posts))[:limit]
        data = [{key: post[key] for key in fields if post.get(key) is not None} for post in posts]
        return jsonify(data=data, paging={"cursors": {"before": "QVFIUmx", "after": "QVFIUkZA"}})
