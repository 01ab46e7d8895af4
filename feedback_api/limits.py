"""Rate limits per client (Flask-Limiter): memory by default, Redis when configured.

`memory://` counts in each process, so with `gunicorn -w 4` a client gets four times each limit.
`redis://host:6379` (ENGAGE_RATELIMIT_STORAGE) keeps one count shared by every worker and host.

If Redis goes away the API keeps answering: Flask-Limiter's in-memory fallback takes over, each
worker counting on its own again (so limits are looser, per worker, until Redis is back), and
Flask-Limiter checks Redis again now and then and returns to it by itself. Each switch is logged
once per worker (as a warning: when memory takes over, and when Redis is back), and `/api/health`
reports whether the storage answers (`rate_limits`).
"""

from __future__ import annotations

import itertools
import threading
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])

# A Redis that hangs rather than refusing must not hold every request for long: give up after
# a second and fall back to memory.
REDIS_TIMEOUT_SECONDS = 1.0
_episodes = itertools.count(1)


def storage_kind(uri: str) -> str:
    """The kind of storage: redis for redis://, rediss:// and redis+sentinel://, else the scheme."""
    scheme = urlsplit(uri).scheme.partition("+")[0]
    return "redis" if scheme in ("redis", "rediss") else scheme


def storage_name(uri: str) -> str:
    """The storage for the log: scheme, host and port, never a password in the URI."""
    parts = urlsplit(uri)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"


class Fallback:
    """Whether Flask-Limiter last counted in memory because its storage failed, in this process."""

    def __init__(self, app: Flask) -> None:
        self.logger = app.logger
        self.name = storage_name(app.config["ENGAGE_RATELIMIT_STORAGE"])
        self.in_use = False
        self.episode = 0
        self._lock = threading.Lock()

    def observe(self) -> None:
        """After each request: log when Flask-Limiter has switched to memory, or back."""
        dead = bool(getattr(limiter, "_storage_dead", False))
        with self._lock:
            if dead == self.in_use:
                return
            self.in_use = dead
            if dead:
                self.episode = next(_episodes)
            episode = self.episode
        if dead:
            self.logger.warning(
                "Rate-limit storage %s unreachable; counting rate limits in this worker's memory "
                "until it answers again (fallback %d)",
                self.name,
                episode,
            )
        else:
            self.logger.warning(
                "Rate-limit storage %s answers again; rate limits are shared again (fallback %d "
                "over)",
                self.name,
                episode,
            )


def init_app(app: Flask) -> None:
    uri = app.config["ENGAGE_RATELIMIT_STORAGE"]
    app.config["RATELIMIT_STORAGE_URI"] = uri
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    if storage_kind(uri) == "redis":
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
        }
    limiter.init_app(app)
    fallback = Fallback(app)
    app.extensions["engage_ratelimit_fallback"] = fallback
    app.teardown_request(lambda _error: fallback.observe())


def health() -> dict[str, Any]:
    """For /api/health: the kind of storage, and whether it answers now (memory always does)."""
    kind = storage_kind(current_app.config["ENGAGE_RATELIMIT_STORAGE"])
    if kind == "memory":
        return {"storage": kind, "ok": True}
    try:
        ok = bool(limiter.storage.check())
    except Exception:  # any failure of the check means it does not answer
        ok = False
    return {"storage": kind, "ok": ok}
