"""A Bluesky PDS: createSession, createRecord and getRecord as the com.atproto lexicons define
them, with the reference PDS's errors.

A record key that is taken is refused the way the reference PDS refuses it today, a 500
InternalServerError (bluesky-social/atproto issue 3718); `duplicate` switches to the explicit
errors newer servers give (atproto pull request 4728, 400; cirrus, 409 RecordAlreadyExists)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from http import HTTPStatus

from flask import Response, jsonify, request

from . import FakePlatform, bearer

TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
CURRENT_PDS_DUPLICATE = (500, "InternalServerError", "Internal Server Error")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims: dict) -> str:
    """A JWT-shaped token: the SDK reads its exp to know when to refresh; nobody checks the
    signature here."""
    header = b64(json.dumps({"typ": "at+jwt", "alg": "ES256K"}).encode())
    return f"{header}.{b64(json.dumps(claims).encode())}.{b64(b'fake-signature')}"


def cid(value: dict) -> str:
    """A CID-shaped string (base32 sha-256), stable for the same record."""
    digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).digest()
    return "bafyrei" + base64.b32encode(digest).decode().lower().rstrip("=")


def xrpc_error(status: int, error: str, message: str) -> Response:
    answer = jsonify(error=error, message=message)
    answer.status_code = status
    return answer


class FakeBluesky(FakePlatform):
    name = "bluesky"
    publish_path = "/xrpc/com.atproto.repo.createRecord"
    credential = "ENGAGE_BLUESKY_APP_PASSWORD"

    def __init__(
        self,
        handle: str = "engage.example.org",
        password: str = "abcd-efgh-ijkl-mnop",
        duplicate: tuple[int, str, str] = CURRENT_PDS_DUPLICATE,
    ) -> None:
        super().__init__()
        self.handle = handle
        self.password = password
        self.did = "did:plc:z72i7hdynmk6r22z27h6tvur"
        self.duplicate = duplicate
        self.records: dict[str, dict] = {}  # rkey → {"uri", "cid", "value"}
        self.sessions: set[str] = set()
        app = self.app
        app.post("/xrpc/com.atproto.server.createSession")(self.create_session)
        app.post("/xrpc/com.atproto.repo.createRecord")(self.create_record)
        app.get("/xrpc/com.atproto.repo.getRecord")(self.get_record)

    def settings(self) -> dict[str, str]:
        return {
            "ENGAGE_BLUESKY_URL": self.url,
            "ENGAGE_BLUESKY_HANDLE": self.handle,
            "ENGAGE_BLUESKY_APP_PASSWORD": self.password,
        }

    def failure(self, status: int, retry_after: int | None) -> Response:
        """XRPC errors are {"error", "message"}; a 429 carries the RateLimit-* headers."""
        if status == 429:
            answer = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
            answer.headers["RateLimit-Limit"] = "5000"
            answer.headers["RateLimit-Remaining"] = "0"
            answer.headers["RateLimit-Reset"] = str(int(time.time()) + (retry_after or 300))
            answer.headers["RateLimit-Policy"] = "5000;w=3600"
            return answer
        phrase = HTTPStatus(status).phrase
        return xrpc_error(status, phrase.replace(" ", ""), phrase)

    def create_session(self) -> Response:
        body = request.get_json(silent=True) or {}
        if body.get("identifier") not in (self.handle, self.did) or (
            body.get("password") != self.password
        ):
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        now = int(time.time())
        access = jwt(
            {"scope": "com.atproto.appPass", "sub": self.did, "iat": now, "exp": now + 7200}
        )
        with self.lock:
            self.sessions.add(access)
        return jsonify(
            accessJwt=access,
            refreshJwt=jwt({"scope": "com.atproto.refresh", "sub": self.did, "exp": now + 86400}),
            handle=self.handle,
            did=self.did,
            didDoc={
                "@context": ["https://www.w3.org/ns/did/v1"],
                "id": self.did,
                "alsoKnownAs": [f"at://{self.handle}"],
                "service": [
                    {
                        "id": "#atproto_pds",
                        "type": "AtprotoPersonalDataServer",
                        "serviceEndpoint": request.host_url.rstrip("/"),
                    }
                ],
            },
            active=True,
        )

    def create_record(self) -> Response:
        if bearer() not in self.sessions:
            return xrpc_error(401, "AuthenticationRequired", "Authentication Required")
        body = request.get_json(silent=True) or {}
        record, rkey = body.get("record") or {}, body.get("rkey")
        if body.get("repo") not in (self.did, self.handle):
            return xrpc_error(400, "InvalidRequest", f"Could not find repo: {body.get('repo')}")
        if body.get("collection") != "app.bsky.feed.post":
            return xrpc_error(400, "InvalidRequest", "This fake stores posts only")
        if rkey is None or not TID.match(rkey):
            return xrpc_error(400, "InvalidRequest", f"Invalid TID: {rkey}")
        problem = self.invalid(record)
        if problem:
            return xrpc_error(
                400, "InvalidRequest", f"Invalid app.bsky.feed.post record: {problem}"
            )
        uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
        stored = {"uri": uri, "cid": cid(record), "value": record}
        with self.lock:
            taken = rkey in self.records
            if not taken:
                self.records[rkey] = stored
                self.posts.append(record)
        if taken:
            return xrpc_error(*self.duplicate)
        commit = {"cid": cid({"commit": uri}), "rev": rkey}
        return jsonify(uri=uri, cid=stored["cid"], commit=commit, validationStatus="valid")

    def invalid(self, record: dict) -> str:
        """What the lexicon check of a post would object to, or ''."""
        if record.get("$type") != "app.bsky.feed.post":
            return "$type must be app.bsky.feed.post"
        text = record.get("text")
        if not isinstance(text, str) or not record.get("createdAt"):
            return "must have text and createdAt"
        size = len(text.encode())
        for facet in record.get("facets") or ():
            index = facet.get("index") or {}
            if not 0 <= index.get("byteStart", -1) < index.get("byteEnd", -1) <= size:
                return f"facet {index} is outside the text"
        return ""

    def get_record(self) -> Response:
        rkey = request.args.get("rkey", "")
        uri = f"at://{self.did}/{request.args.get('collection')}/{rkey}"
        with self.lock:
            stored = self.records.get(rkey)
        if request.args.get("repo") not in (self.did, self.handle) or stored is None:
            return xrpc_error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return jsonify(stored)
