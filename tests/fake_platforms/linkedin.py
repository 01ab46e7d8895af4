"""LinkedIn's versioned Posts API: POST /rest/posts (201, the URN in x-restli-id) and the
author finder GET /rest/posts?q=author, as learn.microsoft.com's Posts API page documents them,
with the headers every versioned call must carry."""

from __future__ import annotations

from http import HTTPStatus

from flask import Response, jsonify, request

from . import FakePlatform, bearer

REQUIRED = ("author", "commentary", "visibility", "distribution", "lifecycleState")


def linkedin_error(
    status: int, code: str, message: str, service_code: int | None = None
) -> Response:
    body: dict = {"status": status, "code": code, "message": message}
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    answer = jsonify(body)
    answer.status_code = status
    return answer


class FakeLinkedIn(FakePlatform):
    name = "linkedin"
    publish_path = "/rest/posts"
    credential = "ENGAGE_LINKEDIN_TOKEN"

    def __init__(
        self,
        token: str = "linkedin-token",
        author: str = "urn:li:organization:5515715",
        versions: tuple[str, ...] = ("202607", "202610"),
    ) -> None:
        super().__init__()
        self.token = token
        self.author = author
        self.versions = versions
        self.headers: list[dict[str, str]] = []
        self.app.post("/rest/posts")(self.create)
        self.app.get("/rest/posts")(self.find)

    def settings(self) -> dict[str, str]:
        return {
            "ENGAGE_LINKEDIN_URL": self.url,
            "ENGAGE_LINKEDIN_TOKEN": self.token,
            "ENGAGE_LINKEDIN_AUTHOR": self.author,
        }

    def failure(self, status: int, retry_after: int | None) -> Response:
        if status == 429:
            answer = linkedin_error(
                429,
                "TOO_MANY_REQUESTS",
                "Resource level throttle APPLICATION DAY limit for "
                "calls to this resource is reached.",
                101,
            )
        else:
            answer = linkedin_error(status, HTTPStatus(status).name, HTTPStatus(status).phrase)
        if retry_after is not None:
            answer.headers["Retry-After"] = str(retry_after)
        return answer

    def refusal(self) -> Response | None:
        """What LinkedIn says to a call without a valid token or the versioning headers."""
        if bearer() != self.token:
            return linkedin_error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        version = request.headers.get("LinkedIn-Version")
        if not version:
            return linkedin_error(
                400,
                "VERSION_MISSING",
                "A version must be present. Please specify a version "
                "by adding the LinkedIn-Version header.",
            )
        if version not in self.versions:
            return linkedin_error(
                426, "NONEXISTENT_VERSION", f"Requested version {version} is not active"
            )
        if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            return linkedin_error(400, "BAD_REQUEST", "X-Restli-Protocol-Version must be 2.0.0")
        return None

    def create(self) -> Response:
        refused = self.refusal()
        if refused:
            return refused
        body = request.get_json(silent=True) or {}
        absent = [name for name in REQUIRED if name not in body]
        if absent:
            return linkedin_error(422, "UNPROCESSABLE_ENTITY", f"/{absent[0]} :: field is required")
        if body["author"] != self.author:
            return linkedin_error(
                403, "ACCESS_DENIED", f"Not enough permissions to post as {body['author']}", 100
            )
        urn = f"urn:li:share:{7_260_000_000_000_000_000 + self.next_id()}"
        with self.lock:
            self.posts.append({"id": urn, **body})
            self.headers.append(dict(request.headers))
        answer = Response(status=201)
        answer.headers["x-restli-id"] = urn
        return answer

    def find(self) -> Response:
        refused = self.refusal()
        if refused:
            return refused
        if request.args.get("q") != "author" or request.args.get("author") != self.author:
            return linkedin_error(400, "BAD_REQUEST", "Finder author needs author=<this URN>")
        if "author=urn%3Ali%3A" not in request.query_string.decode():
            # Rest.li 2.0 wants URNs in query parameters percent-encoded.
            return linkedin_error(400, "BAD_REQUEST", "Syntax exception in query parameter author")
        count = int(request.args.get("count", 10))
        with self.lock:
            posts = list(reversed(self.posts))[:count]
        paging = {"start": 0, "count": count, "links": [], "total": len(self.posts)}
        return jsonify(paging=paging, elements=posts)
