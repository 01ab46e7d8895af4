"""The X API v2: POST /2/tweets, GET /2/users/me and GET /2/users/:id/tweets in the shapes
docs.x.com documents, every call checked for a valid OAuth 1.0a HMAC-SHA1 signature.

Like X, it wraps every link in a t.co address (keeping the original as expanded_url) and refuses
a post whose text repeats a recent one with 403 "duplicate content"."""

from __future__ import annotations

import hmac
import re
import time
from http import HTTPStatus

from flask import Response, jsonify, request
from oauthlib.oauth1 import Client as OAuthKeys
from oauthlib.oauth1.rfc5849 import signature, utils

from . import FakePlatform

URL = re.compile(r"https?://\S+")


def problem(status: int, detail: str = "", title: str = "") -> Response:
    """X's error body (RFC 7807 problem details)."""
    title = title or HTTPStatus(status).phrase
    answer = jsonify(title=title, detail=detail or title, type="about:blank", status=status)
    answer.status_code = status
    return answer


class FakeX(FakePlatform):
    name = "x"
    publish_path = "/2/tweets"
    credential = "ENGAGE_X_ACCESS_SECRET"  # a wrong one spoils the OAuth signature

    def __init__(
        self,
        api_key: str = "x-api-key",
        api_secret: str = "x-api-secret",
        access_token: str = "1500000000000000000-x-access-token",
        access_secret: str = "x-access-secret",
    ) -> None:
        super().__init__()
        self.api_key, self.api_secret = api_key, api_secret
        self.access_token, self.access_secret = access_token, access_secret
        self.user = {"id": "1500000000000000000", "name": "Engage NHS", "username": "EngageNHS"}
        app = self.app
        app.post("/2/tweets")(self.create_tweet)
        app.get("/2/users/me")(self.me)
        app.get("/2/users/<user_id>/tweets")(self.user_tweets)

    def settings(self) -> dict[str, str]:
        return {
            "ENGAGE_X_URL": self.url,
            "ENGAGE_X_API_KEY": self.api_key,
            "ENGAGE_X_API_SECRET": self.api_secret,
            "ENGAGE_X_ACCESS_TOKEN": self.access_token,
            "ENGAGE_X_ACCESS_SECRET": self.access_secret,
        }

    def failure(self, status: int, retry_after: int | None) -> Response:
        """A 429 from X carries x-rate-limit-* headers, the reset as epoch seconds."""
        answer = problem(status)
        if status == 429:
            answer.headers["x-rate-limit-limit"] = "100"
            answer.headers["x-rate-limit-remaining"] = "0"
            answer.headers["x-rate-limit-reset"] = str(int(time.time()) + (retry_after or 900))
        return answer

    def signed(self) -> bool:
        """Whether the request carries an OAuth 1.0a signature made with our four keys over
        this very method, address and query (a JSON body is not signed)."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("OAuth "):
            return False
        params = {k: utils.unescape(v) for k, v in utils.parse_authorization_header(header)}
        if (params.get("oauth_consumer_key"), params.get("oauth_token")) != (
            self.api_key,
            self.access_token,
        ):
            return False
        collected = signature.collect_parameters(
            uri_query=request.query_string.decode(),
            headers={"Authorization": header},
            exclude_oauth_signature=True,
        )
        base = signature.signature_base_string(
            request.method,
            signature.base_string_uri(request.base_url),
            signature.normalize_parameters(collected),
        )
        keys = OAuthKeys(
            self.api_key,
            client_secret=self.api_secret,
            resource_owner_key=self.access_token,
            resource_owner_secret=self.access_secret,
        )
        expected = signature.sign_hmac_sha1_with_client(base, keys)
        return hmac.compare_digest(expected, params.get("oauth_signature", ""))

    def create_tweet(self) -> Response:
        if not self.signed():
            return problem(401)
        text = (request.get_json(silent=True) or {}).get("text", "")
        if not text:
            return problem(400, "Invalid Request: text or media is required", "Invalid Request")
        with self.lock:
            if any(post["sent"] == text for post in self.posts[-20:]):
                return problem(
                    403,
                    "You are not allowed to create a Tweet with duplicate content.",
                    "Forbidden",
                )
        post_id = str(1_860_000_000_000_000_000 + self.next_id())
        shown, urls = text, []
        for number, match in enumerate(URL.finditer(text)):
            short = f"https://t.co/{post_id[-6:]}{number:04d}"
            shown = shown.replace(match.group(0), short, 1)
            start = shown.index(short)
            urls.append(
                {
                    "start": start,
                    "end": start + len(short),
                    "url": short,
                    "expanded_url": match.group(0),
                    "display_url": match.group(0).split("://", 1)[1][:26] + "…",
                }
            )
        post = {
            "id": post_id,
            "text": shown,
            "edit_history_tweet_ids": [post_id],
            "entities": {"urls": urls},
        }
        with self.lock:
            self.posts.append({"sent": text, "post": post})
        answer = jsonify(data={"id": post_id, "text": shown, "edit_history_tweet_ids": [post_id]})
        answer.status_code = 201
        return answer

    def me(self) -> Response:
        return jsonify(data=self.user) if self.signed() else problem(401)

    def user_tweets(self, user_id: str) -> Response:
        if not self.signed():
            return problem(401)
        if user_id != self.user["id"]:
            return problem(404, f"Could not find user with id: [{user_id}].", "Not Found Error")
        count = int(request.args.get("max_results", 10))
        fields = request.args.get("tweet.fields", "").split(",")
        with self.lock:
            posts = [dict(post["post"]) for post in reversed(self.posts)][:count]
        for post in posts:
            if "entities" not in fields:
                del post["entities"]
        if not posts:
            return jsonify(meta={"result_count": 0})
        meta = {
            "result_count": len(posts),
            "newest_id": posts[0]["id"],
            "oldest_id": posts[-1]["id"],
        }
        return jsonify(data=posts, meta=meta)
