"""The built site served at / by the API's own process, for `make run` and the tests.

In production a static host or CDN serves the site and forwards /api to the API; this blueprint
is off when ENGAGE_SITE_DIR is empty. Files are read whole (pages and assets are small), so a
revalidated (304) or abandoned response never leaves a file open.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, Response, abort, request
from werkzeug.security import safe_join


def blueprint(folder: Path) -> Blueprint:
    """Serve `folder`: index.html for directories, the site's 404.html for what is missing."""
    bp = Blueprint("site", __name__)
    root = folder.resolve()

    @bp.get("/", defaults={"path": ""})
    @bp.get("/<path:path>")
    def page(path: str) -> Response:
        if path.startswith("api/"):
            abort(404)
        joined = safe_join(str(root), path) if path else str(root)
        target = Path(joined) if joined else None
        if target is not None and target.is_dir():
            if path and not path.endswith("/"):
                return Response(status=308, headers={"Location": f"/{path}/"})
            target = target / "index.html"
        if target is None or not target.is_file():
            return not_found(root)
        return static_file(target)

    return bp


def static_file(path: Path) -> Response:
    """The file with validators, answering 304 to a matching conditional request."""
    stat = path.stat()
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = Response(path.read_bytes(), mimetype=mimetype)
    response.last_modified = stat.st_mtime
    response.set_etag(f"{stat.st_mtime_ns:x}-{stat.st_size:x}")
    response.cache_control.max_age = 60
    return response.make_conditional(request)


def not_found(root: Path) -> Response:
    """The site's 404 page, in the language of the folder asked for (/cy/... gets cy/404.html,
    which the build writes for each language)."""
    folder = request.path.strip("/").split("/", 1)[0]
    own = root / folder / "404.html" if folder and "." not in folder else None
    page = own if own is not None and own.is_file() else root / "404.html"
    body = page.read_bytes() if page.is_file() else b"Not found"
    return Response(body, status=404, mimetype="text/html")
