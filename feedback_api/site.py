"""The built site served at / by the API's own process, for `make run` and the tests.

In production a static host or CDN serves the site and forwards /api to the API; this blueprint
is off when ENGAGE_SITE_DIR is empty.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory


def blueprint(folder: Path) -> Blueprint:
    """Serve `folder`: index.html for directories, the site's 404.html for what is missing."""
    bp = Blueprint("site", __name__)
    root = folder.resolve()

    @bp.get("/", defaults={"path": ""})
    @bp.get("/<path:path>")
    def page(path: str) -> Response:
        if path.startswith("api/"):
            abort(404)
        target = root / path
        if path == "" or path.endswith("/") or target.is_dir():
            if target.is_dir() and path and not path.endswith("/"):
                return Response(status=308, headers={"Location": f"/{path}/"})
            path = f"{path}index.html"
        try:
            return send_from_directory(root, path, max_age=60)
        except Exception:
            return not_found(root)

    return bp


def not_found(root: Path) -> Response:
    page = root / "404.html"
    body = page.read_bytes() if page.is_file() else b"Not found"
    return Response(body, status=404, mimetype="text/html")
