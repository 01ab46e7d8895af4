"""A small static server for previewing the built site, answering missing pages with 404.html.

Only for a person's own machine (`invoke serve`); production uses any static host or CDN.
"""

from __future__ import annotations

import functools
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class SiteRequestHandler(SimpleHTTPRequestHandler):
    """Serves files from the output folder; a missing page gets the site's own 404 page."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def make_server(output: Path, host: str, port: int) -> ThreadingHTTPServer:
    """A server for `output` bound to host:port (port 0 picks a free one, for tests)."""
    handler = functools.partial(SiteRequestHandler, directory=str(output))
    return ThreadingHTTPServer((host, port), handler)


def serve_site(output: Path, host: str, port: int) -> None:
    """Serve until interrupted."""
    server = make_server(output, host, port)
    print(f"Serving {output} on http://{host}:{server.server_port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
