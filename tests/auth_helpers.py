"""Helpers for the sign-in attack tests: an app with accounts, sign-in through the test client or
over real HTTP, a password hasher that counts its checks, and the session cookie decoded."""

from __future__ import annotations

import collections
import threading
from typing import Any

import requests
from argon2 import PasswordHasher

from conftest import PASSWORD, TOKEN, csrf_token
from feedback_api.accounts import service as accounts
from feedback_api.storage.models import AuditEntry, User, db

MODERATOR = "mod@example.nhs.uk"
ADMIN = "admin@example.nhs.uk"
COOKIE = "engage_staff"


def attack_app(make_app: Any, **overrides: object) -> Any:
    """Plain-http cookies, no per-client throttle in the way (the lock is what is tested), and a
    moderator and an administrator."""
    app = make_app(
        ENGAGE_SECURE_COOKIES=False, ENGAGE_RATELIMIT_SIGN_IN="10000/minute", **overrides
    )
    with app.app_context():
        accounts.create(MODERATOR, "moderator", PASSWORD)
        accounts.create(ADMIN, "admin", PASSWORD)
    return app


def sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    """Post the sign-in form from `client` (test client), with its own CSRF token."""
    return client.post(
        "/admin/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
    )


def send_code(client: Any, code: str) -> Any:
    token = csrf_token(client, "/admin/sign-in/code")
    return client.post("/admin/sign-in/code", data={"code": code, "csrf_token": token})


def http_token(browser: requests.Session, url: str) -> str:
    """The CSRF token of a page, fetched over HTTP by `browser` (which keeps its cookie)."""
    return TOKEN.search(browser.get(url, timeout=30).text).group(1)


def http_sign_in(base: str, email: str, password: str) -> requests.Session:
    """A `requests` session that has posted the sign-in form; `.answer` is the response."""
    browser = requests.Session()
    token = http_token(browser, f"{base}/admin/sign-in")
    browser.answer = browser.post(
        f"{base}/admin/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    )
    return browser


def cookie_of(client: Any) -> str:
    """The value of the staff session cookie the test client holds."""
    return client.get_cookie(COOKIE).value


def decoded_cookie(app: Any, value: str) -> dict:
    """What Flask put in a session cookie (it is signed, not encrypted: anyone can read it)."""
    return app.session_interface.get_signing_serializer(app).loads(value)


def audit(app: Any, action: str) -> list[AuditEntry]:
    with app.app_context():
        query = db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(db.session.scalars(query))


def account(app: Any, email: str = MODERATOR) -> User:
    with app.app_context():
        return accounts.find(email)


class CountingHasher(PasswordHasher):
    """argon2 with the same parameters, counting `verify` calls by the hash they checked."""

    def __init__(self) -> None:
        super().__init__()
        self.verified: collections.Counter[str] = collections.Counter()
        self.hashed = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.verified[hash if isinstance(hash, str) else hash.decode()] += 1
        return super().verify(hash, password)

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        with self._lock:
            self.hashed += 1
        return super().hash(password, salt=salt)

    def checks(self) -> int:
        return sum(self.verified.values())
