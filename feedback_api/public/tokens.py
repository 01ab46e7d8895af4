"""Edit tokens and client fingerprints: what lets a writer change their comment, and what lets
rate limits and moderators recognise a client, without storing anything that identifies them."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app, request


def new_edit_token() -> tuple[str, str]:
    """(token for the writer, hash to store); only the writer's browser ever holds the token."""
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: object, stored_hash: str) -> bool:
    return isinstance(token, str) and hmac.compare_digest(hash_token(token), stored_hash)


def client_hash() -> str | None:
    """The client address, keyed with the secret: comparable between requests, not reversible.

    `request.remote_addr` is the real client only behind the number of proxies the operator
    declared (ENGAGE_TRUSTED_PROXIES, applied by ProxyFix in the app factory).
    """
    address = request.remote_addr
    if not address:
        return None
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, b"client:" + address.encode("utf-8"), hashlib.sha256).hexdigest()
