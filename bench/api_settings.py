"""Feedback API benchmark: the settings both servers are measured under, and its one error.

Shared by every `api_*` module; the numbers are described in `bench/README.md`.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
ISSO_VENV = WORK / "isso-venv"
ISSO_VERSION = "0.14.0"
HOST = "127.0.0.1"  # the only address any server binds or any load targets
WORKERS = 4
CONNECTIONS = 50
THREADS = 2
SEED = 1
SEED_COMMENTS = 200
COMMENT_WORDS = 200
BIG_TOTAL = 100_000
BIG_PAGES = 1_000
LIST_PAGE = "/bench/page-0/"
POST_PAGE = "/bench/page-1/"
COUNT_PAGES = tuple(f"/bench/page-{n}/" for n in range(10))
SECRET = "bench-only-secret-key-0123456789abcdef"
CHUNK = 5_000
# "No slower" allows for run-to-run noise, which is a few percent on loopback.
NO_SLOWER_TOLERANCE = 0.10
MEASURES = ("list", "counts", "post", "counts_100k", "list_100k")
LABELS = {
    "list": "list (1 page, 200 comments)",
    "counts": "counts (10 pages)",
    "post": "post a comment",
    "counts_100k": "counts (10 pages), 100k comments",
    "list_100k": "list, 100k comments",
}


class BenchError(RuntimeError):
    """A server did not start, a seed or check failed, or wrk gave output we cannot read."""
