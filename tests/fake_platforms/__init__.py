"""Loopback stand-ins for the five social platforms, one module each, answering the endpoints our
clients call in the shapes the platforms document.

Each fake keeps what it was sent in memory (`posts`, `requests`), checks credentials as the
platform does, and has two switches:

- `fail_next(count, status, retry_after=..., path=...)`: the next matching calls answer with
  that status instead, rate limits in the platform's own form (Retry-After, X-RateLimit-Reset,
  x-rate-limit-reset, ratelimit-reset or Facebook's usage headers);
- `lose_next(count, status, path=...)`: the next matching calls are carried out, but their
  answer is replaced by that error, as when a proxy times out after the platform acted.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus

from flask import Flask, Response, request

from conftest import serving


@dataclass
class Failure:
    status: int
    retry_after: int | None
    path: str | None

    def matches(self, path: str) -> bool:
        return self.path is None or self.path == path


class FakePlatform:
    """The machinery every fake shares; subclasses add routes and say how they refuse."""

    name = "fake"
    publish_path = ""  # where the client posts: fail_next(path=...) aims at it
    credential = ""  # the client setting that, wrong, makes this fake refuse the client

    def __init__(self) -> None:
        self.app = Flask(f"fake_{self.name}")
        self.lock = threading.Lock()
        self.posts: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.url = ""
        self._failures: list[Failure] = []
        self._losses: list[Failure] = []
        self._ids = itertools.count(1)
        self.app.before_request(self._before)
        self.app.after_request(self._after)

    def fail_next(
        self,
        count: int = 1,
        status: int = 500,
        *,
        retry_after: int | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next `count` calls (to `path`, or any) with `status` instead."""
        with self.lock:
            self._failures += [Failure(status, retry_after, path)] * count

    def lose_next(self, count: int = 1, status: int = 502, *, path: str | None = None) -> None:
        """Carry out the next `count` calls, then answer them with `status`."""
        with self.lock:
            self._losses += [Failure(status, None, path)] * count

    def settings(self) -> dict[str, str]:
        """The ENGAGE_* settings that point the platform's client at this fake."""
        raise NotImplementedError

    def next_id(self) -> int:
        with self.lock:
            return next(self._ids)

    def failure(self, status: int, retry_after: int | None) -> Response:
        """The platform's answer for a refusal with `status` (subclasses give its shape)."""
        return Response(HTTPStatus(status).phrase, status)

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        """The fake on a free loopback port; its base address while the block runs."""
        with serving(self.app) as url:
            self.url = url
            yield url

    def _take(self, queue: list[Failure]) -> Failure | None:
        with self.lock:
            for index, failure in enumerate(queue):
                if failure.matches(request.path):
                    return queue.pop(index)
        return None

    def _before(self) -> Response | None:
        with self.lock:
            self.requests.append((request.method, request.path))
        failure = self._take(self._failures)
        return self.failure(failure.status, failure.retry_after) if failure else None

    def _after(self, response: Response) -> Response:
        if response.status_code < 300:
            lost = self._take(self._losses)
            if lost:
                return self.failure(lost.status, None)
        return response

    def calls(self, method: str, path: str) -> int:
        """How many calls of `method` to `path` arrived."""
        with self.lock:
            return self.requests.count((method, path))


class Loopback:
    """One loopback server kept for many tests, each plugging in a fresh fake: werkzeug's
    server takes half a second to stop, which adds up over dozens of tests."""

    def __init__(self) -> None:
        self.url = ""
        self.fake: FakePlatform | None = None

    def __call__(self, environ: dict, start_response: object) -> object:
        assert self.fake is not None, "plug a fake in first"
        return self.fake.app(environ, start_response)

    def plug(self, fake: FakePlatform) -> FakePlatform:
        """Serve `fake` from now on, at this server's address."""
        fake.url = self.url
        self.fake = fake
        return fake


@contextlib.contextmanager
def loopback() -> Iterator[Loopback]:
    """A Loopback on a free port for the duration of the block."""
    server = Loopback()
    with serving(server) as url:
        server.url = url
        yield server


def bearer() -> str:
    """The bearer token of the current request, or ''."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" else ""
