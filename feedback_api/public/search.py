"""`GET /api/search?q=…`: the site search for readers without JavaScript, as a full page of the
site (the theme's `search.html`, the page the build writes at /search/).

It reads the `search.json` the build writes (`contract.search`), never markdown, and re-reads it
when a build replaces it. With JavaScript the search page searches the same file in the browser
by the same rules (`search_results`), so this is the fallback and the header's search form.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from contract import search as contract
from feedback_api.public.channel import referring_language
from feedback_api.theme import render_page
from theme import i18n

from .search_results import QUERY_MAX, SHOWN, Prepared, find, parse_query, prepare, presented

bp = Blueprint("search", __name__, url_prefix="/api")


class IndexSource:
    """The prepared index, re-read when the file changes (checked at most once a second); while
    it is missing or half-written the last good one is kept."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._index: list[Prepared] | None = None
        self._checked = float("-inf")

    def get(self) -> list[Prepared] | None:
        """The index, or None when no build has written one yet."""
        now = time.monotonic()
        if now - self._checked >= 1.0:
            with self._lock:
                self._checked = now
                stamp = self._file_stamp()
                if stamp is not None and stamp != self._stamp:
                    try:
                        self._index = prepare(contract.read(self.path))
                        self._stamp = stamp
                    except contract.SearchIndexError as error:
                        current_app.logger.warning("search: %s", error.message)
        return self._index

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)


def index_path(app: Flask) -> Path:
    """The built site's search.json: in ENGAGE_SITE_DIR, or beside the manifest when the API
    runs without the site (behind a static host, where the build's output is still on disk)."""
    folder = app.config["ENGAGE_SITE_DIR"] or str(Path(app.config["ENGAGE_MANIFEST"]).parent)
    return Path(folder) / contract.INDEX_NAME


def init_app(app: Flask) -> None:
    """Register the search page and the index it reads."""
    app.extensions["engage_search"] = IndexSource(index_path(app))
    app.register_blueprint(bp)


@bp.get("/search")
def results() -> Response:
    """The results page; the empty form with a hint when nothing was asked."""
    raw = request.args.get("q", "")
    query = parse_query(raw if isinstance(raw, str) else "")
    index = current_app.extensions["engage_search"].get()
    found = find(index or [], query)
    language = referring_language()
    with i18n.rendering_in(language):
        shown = [presented(entry, query) for entry in found[:SHOWN]]
    search: dict[str, Any] = {
        "query": query.text,
        "shortened": query.shortened,
        "limit": QUERY_MAX,
        "shown": SHOWN,
        "total": len(found),
        "results": shown,
        "unavailable": index is None,
    }
    html = render_page("search.html", language=language, search=search, SEARCH_URL="search/")
    response = Response(html, status=503 if index is None else 200, mimetype="text/html")
    # The answer depends only on the query and the build: shared caches may keep it a minute.
    response.headers["Cache-Control"] = "no-store" if index is None else "public, max-age=60"
    return response
