"""Rate limits per client (Flask-Limiter): memory by default, Redis when configured."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = app.config["ENGAGE_RATELIMIT_STORAGE"]
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    limiter.init_app(app)
