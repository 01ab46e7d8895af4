"""Security headers on every response: a strict Content-Security-Policy and its companions.

Pages run only the site's own script files (`script-src 'self'`) and the one inline script of the
NHS.UK base template (`js-enabled`), allowed by its SHA-256, which is computed at start-up from
the template itself, so an upgrade of nhsuk-frontend-jinja keeps working or fails loudly. Site
pages may load a youtube-nocookie.com player after a click (theme/static/js/engage.js); staff
pages (/admin) may not be framed at all and are never cached. Anything that is not HTML (JSON,
feeds, CSS, scripts, images) gets a policy that allows nothing, in case it is ever opened as a
document. A header a view set itself is left as it is.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

STAFF_PREFIX = "/admin"
VIDEO_ORIGIN = "https://www.youtube-nocookie.com"
# The NHS Frutiger font, only fetched when the build's ENGAGE_NHS_FONT is on.
FONT_ORIGIN = "https://assets.nhs.uk"
INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(?P<body>.*?)</script>", re.DOTALL)
BASE_TEMPLATE = "nhsuk/template.jinja"

PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
HSTS = "max-age=31536000; includeSubDomains"
NOTHING = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def inline_script_hashes(app: Flask) -> tuple[str, ...]:
    """CSP sources for the base template's inline scripts, e.g. `'sha256-…'`.

    Only scripts with literal text are hashed; one built from template variables could not be
    allowed by a fixed hash, so it is refused here rather than broken in every browser.
    """
    source, _name, _uptodate = app.jinja_env.loader.get_source(app.jinja_env, BASE_TEMPLATE)
    hashes = []
    for match in INLINE_SCRIPT.finditer(source):
        body = match.group("body")
        if not body.strip():
            continue
        if "{{" in body or "{%" in body:
            raise RuntimeError(f"{BASE_TEMPLATE} has an inline script that varies: {body!r}")
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        hashes.append(f"'sha256-{digest}'")
    return tuple(hashes)


def api_origin() -> str:
    """The API's origin when the manifest puts it on another host (`site.api` absolute)."""
    try:
        api = current_app.extensions["engage_manifest"].get().site.get("api", "")
    except Exception:  # no manifest yet: the API's own origin is 'self'
        return ""
    parts = urlsplit(api or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return ""


@lru_cache(maxsize=8)
def page_policy(hashes: tuple[str, ...], *, staff: bool, api: str = "") -> str:
    """The policy of an HTML page: the site's own files, the API (`api`, an origin when it is on
    another host) and, on site pages, the video player."""
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self'", *hashes]),
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'" if staff else f"font-src 'self' {FONT_ORIGIN}",
        " ".join(["connect-src 'self'", api]).strip(),
        " ".join(["form-action 'self'", api]).strip(),
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'" if staff else "frame-ancestors 'self'",
    ]
    if not staff:
        directives.insert(6, f"frame-src {VIDEO_ORIGIN}")
    return "; ".join(directives)


def init_app(app: Flask) -> None:
    """Add the headers to every response of `app`."""
    hashes = inline_script_hashes(app)
    app.extensions["engage_csp_hashes"] = hashes

    @app.after_request
    def security_headers(response: Response) -> Response:
        staff = request.path == STAFF_PREFIX or request.path.startswith(STAFF_PREFIX + "/")
        headers = response.headers
        if response.mimetype == "text/html":
            policy = page_policy(hashes, staff=staff, api=api_origin())
            headers.setdefault("Content-Security-Policy", policy)
        else:
            headers.setdefault("Content-Security-Policy", NOTHING)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault(
            "Referrer-Policy", "no-referrer" if staff else "strict-origin-when-cross-origin"
        )
        headers.setdefault("Permissions-Policy", PERMISSIONS)
        if staff:
            headers.setdefault("X-Frame-Options", "DENY")
            headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
