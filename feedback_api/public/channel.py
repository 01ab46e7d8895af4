"""The channel a comment or questionnaire response came through, from what the browser sent.

The page's script copies the link's marker (`?via=mastodon`) into the form's hidden `via`
field; with JavaScript off the form page's own address arrives in the Referer, which browsers
send whole to the same origin (the site's Referrer-Policy is strict-origin-when-cross-origin).
A Referer from anywhere else is not read. Nothing else is looked at, and a marker that is not
a channel's word is no marker: the reader's comment is never refused for it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request

from contract import channels, languages

FIELD = "via"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _same_origin(address: str) -> bool:
    """Whether `address` is on the site (its manifest address) or on the API's own host (an
    error page the API sent back, from which the form is sent again)."""
    site = current_app.extensions["engage_manifest"].get().site.get("url") or ""
    origin = _origin(address)
    return origin in {_origin(site), _origin(request.host_url)} and all(origin)


def referring_page(pages: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Which of `pages` (manifest entries) the browser sent this from, by its same-origin
    Referer's path (under the site's own path, when the site lives in a folder); None when the
    Referer names none of them, is from elsewhere, or was not sent."""
    path = _referring_path()
    return next((page for page in pages if path and page.get("url") == path), None)


def referring_language() -> str | None:
    """The language of the part of the site the browser sent this from (its same-origin
    Referer under /cy/ is Welsh), for pages the API answers with that belong to no one page,
    such as search results; None (the site's) when that cannot be told."""
    return language_of(_referring_path())


def language_of(path: str | None) -> str | None:
    """The language whose folder `path` is in (/cy/... is Welsh); None for the site's own."""
    manifest = current_app.extensions["engage_manifest"].get()
    folders = [
        (language.get("prefix"), language.get("code"))
        for language in manifest.site.get("languages") or []
        if isinstance(language, dict) and isinstance(language.get("prefix"), str)
    ]
    for prefix, code in sorted(folders, key=lambda found: -len(found[0])):
        if path is not None and prefix != "/" and path.startswith(prefix):
            return languages.valid(code)
    return None


def _referring_path() -> str | None:
    """The site-relative path of a same-origin Referer, or None."""
    referrer = request.headers.get("Referer", "")
    if not referrer or len(referrer) > 2000 or not _same_origin(referrer):
        return None
    site = current_app.extensions["engage_manifest"].get().site.get("url") or ""
    path, folder = urlsplit(referrer).path, urlsplit(site).path.rstrip("/")
    if folder and path.startswith(folder + "/"):
        path = path[len(folder) :]
    return path


def arrival_channel(fields: dict[str, Any]) -> str:
    """The channel of what is being sent: the form's `via` field, else the marker in a
    same-origin Referer, else "site" (the reader came to the page some other way)."""
    name = current_app.config["ENGAGE_CROSSPOST_VIA"]
    if found := channels.clean(fields.get(FIELD)):
        return found
    referrer = request.headers.get("Referer", "")
    same = bool(referrer) and len(referrer) <= 2000 and _same_origin(referrer)
    return (same and channels.read(urlsplit(referrer).query, name)) or channels.DIRECT
