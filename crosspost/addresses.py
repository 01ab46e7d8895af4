"""Whether an entry's link is a public address that people elsewhere can open: a post linking
`http://127.0.0.1:8000/…` (the development build's host), `localhost` or a private network is
a broken post on the organisation's account, so the cross-poster refuses it."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

# Names that never resolve on the public internet (RFC 6761, RFC 8375, common private suffixes).
PRIVATE_SUFFIXES = (
    ".localhost",
    ".local",
    ".internal",
    ".lan",
    ".home.arpa",
    ".test",
    ".invalid",
    ".example",
)
PUBLISH_FIRST = (
    "Build the site with its public address first (`invoke publish`, which uses "
    "publishconf.py and ENGAGE_SITE_URL), then cross-post from that feed."
)


def not_public(url: str) -> str | None:
    """Why `url` is not a public web address, or None when it is."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return f"{url} is not a web address"
    if parts.scheme not in ("http", "https") or not host:
        return f"{url} is not a web address"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        name = host.rstrip(".").lower()
        if name == "localhost" or "." not in name or name.endswith(PRIVATE_SUFFIXES):
            return f"{host} is not a public name"
        return None
    return None if address.is_global else f"{host} is not a public address"
