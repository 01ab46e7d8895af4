"""Feedback API benchmark: the comments both servers hold, seeded and checked.

The same deterministic comment texts for both; Isso seeded through its HTTP API, ours through
storage's own functions and then filled up with core inserts; the stored rows read back from
each server's SQLite.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import random
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.api_load import Call
from bench.api_servers import Server, expect, http
from bench.api_settings import CHUNK, COUNT_PAGES, LIST_PAGE, SEED, SEED_COMMENTS, BenchError
from bench.corpus import WORDS


def comment_texts(count: int, words: int, seed: int = SEED) -> list[str]:
    """`count` comments of ~`words` words in 2-4 paragraphs, some emphasis; same for a seed."""
    rng = random.Random(seed)
    return [_comment(rng, words) for _ in range(count)]


def _comment(rng: random.Random, words: int) -> str:
    paragraphs = rng.randint(2, 4)
    sizes = [words // paragraphs] * paragraphs
    sizes[0] += words - sum(sizes)
    return "\n\n".join(_paragraph(rng, size) for size in sizes)


def _paragraph(rng: random.Random, words: int) -> str:
    sentences = []
    left = words
    while left > 0:
        n = min(left, rng.randint(6, 16))
        picked = [rng.choice(WORDS) for _ in range(n)]
        if rng.random() < 0.2:
            spot = rng.randrange(n)
            picked[spot] = f"*{picked[spot]}*"
        sentences.append(" ".join(picked).capitalize() + ".")
        left -= n
    return " ".join(sentences)


def seed_isso(server: Server, texts: Sequence[str]) -> None:
    headers = {"Origin": server.base}
    for number, text in enumerate(texts):
        body = {"text": text, "author": f"Reader {number}", "title": "Bench page 0"}
        status, answer = http("POST", f"{server.base}/new?uri={LIST_PAGE}", body, headers)
        expect(status, 201, f"Isso seed comment {number}", answer)
    status, answer = http("GET", f"{server.base}/?uri={LIST_PAGE}")
    expect(status, 200, "Isso list after seeding", answer)
    if json.loads(answer)["total_replies"] != len(texts):
        raise BenchError(f"Isso lists {json.loads(answer)['total_replies']} seeded comments")


def check_isso_counts(server: Server) -> None:
    status, answer = http(
        "POST", f"{server.base}/count", list(COUNT_PAGES), {"Origin": server.base}
    )
    expect(status, 200, "Isso counts", answer)
    if json.loads(answer) != [SEED_COMMENTS] + [0] * (len(COUNT_PAGES) - 1):
        raise BenchError(f"Isso counts are wrong: {answer!r}")


def isso_stored(db: Path, uri: str) -> int:
    with contextlib.closing(sqlite3.connect(db)) as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM comments JOIN threads ON comments.tid = threads.id "
            "WHERE threads.uri = ?",
            (uri,),
        ).fetchone()
    return int(row[0])


def manifest(pages: int, site: str = "http://127.0.0.1", address: str = "/bench/page-{n}/") -> dict:
    """A manifest of `pages` open article pages at `address` (formatted with n)."""
    return {
        "version": 1,
        "site": {"name": "Engage bench", "url": site, "api": "/api"},
        "pages": [
            {
                "url": address.format(n=n),
                "title": f"Bench page {n}",
                "kind": "article",
                "comments": "open",
                "questionnaire": None,
                "opens": None,
                "closes": None,
                "social": {"hashtags": [], "text": {}},
            }
            for n in range(pages)
        ],
        "questionnaires": {},
    }


@contextlib.contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """os.environ replaced by `env` for an in-process `create_app()`, then restored."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def app_context(env: Mapping[str, str]) -> Iterator[Any]:
    """The real application, on the bench database, for seeding through our own code."""
    from feedback_api import create_app
    from feedback_api.storage.models import db

    with environment(env):
        app = create_app()
    with app.app_context():
        try:
            yield db
        finally:
            db.session.remove()
            db.engine.dispose()


def seed_ours(
    env: Mapping[str, str], texts: Sequence[str], pages: Sequence[str] = (LIST_PAGE,)
) -> list[str]:
    """Approved comments through storage's own functions (so the page rows' counts and versions
    are kept as the API keeps them), spread over `pages`; the rendered HTML of each text."""
    from feedback_api.render import render_comment
    from feedback_api.storage import transaction
    from feedback_api.storage.comments import add_comment, set_status

    htmls = []
    with app_context(env), transaction():
        for number, text in enumerate(texts):
            html = render_comment(text)
            htmls.append(html)
            comment = add_comment(
                page=pages[number % len(pages)],
                body=text,
                html=html,
                status="pending",
                held_reasons=[],
                edit_token_hash="x" * 64,
                author=f"Reader {number}",
            )
            set_status(comment, "approved")
    return htmls


def seed_ours_bulk(
    env: Mapping[str, str], texts: Sequence[str], htmls: Sequence[str], total: int, pages: int
) -> int:
    """Core inserts up to `total` comments over pages 1.. `pages`-1 (page 0 is the list page,
    left as it was); 1 in 10 pending. Each page's approved count and version move with them."""
    from sqlalchemy import func, select, update
    from sqlalchemy.dialects.sqlite import insert

    from feedback_api.storage.models import Comment, Page

    with app_context(env) as db:
        existing = db.session.scalar(select(func.count()).select_from(Comment)) or 0
        urls = [f"/bench/page-{n}/" for n in range(1, pages)]
        approved = dict.fromkeys(urls, 0)
        rows = []
        moment = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        for number in range(max(total - existing, 0)):
            url = urls[number % len(urls)]
            status = "pending" if number % 10 == 9 else "approved"
            approved[url] += status == "approved"
            created = moment + datetime.timedelta(seconds=number)
            rows.append(_bulk_row(number, url, status, created, texts, htmls))
        db.session.execute(insert(Page).on_conflict_do_nothing(), [{"url": u} for u in urls])
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(Comment), rows[start : start + CHUNK])
        for url, count in approved.items():
            db.session.execute(
                update(Page)
                .where(Page.url == url)
                .values(approved_count=Page.approved_count + count, version=Page.version + 1)
            )
        db.session.commit()
        return db.session.scalar(select(func.count()).select_from(Comment)) or 0


def _bulk_row(
    number: int,
    url: str,
    status: str,
    created: datetime.datetime,
    texts: Sequence[str],
    htmls: Sequence[str],
) -> dict[str, Any]:
    return {
        "page": url,
        "author": f"Reader {number}",
        "notify": False,
        "body": texts[number % len(texts)],
        "html": htmls[number % len(htmls)],
        "status": status,
        "held_reasons": [],
        "official": False,
        "created": created,
        "updated": created,
        "moderated": created if status == "approved" else None,
        "edit_token_hash": "x" * 64,
    }


def ours_db(folder: Path) -> Path:
    return folder / "instance" / "engage.db"


def ours_stored(folder: Path, page: str) -> int:
    with contextlib.closing(sqlite3.connect(ours_db(folder))) as connection:
        row = connection.execute("SELECT COUNT(*) FROM comments WHERE page = ?", (page,))
        return int(row.fetchone()[0])


def ours_inconsistent_pages(folder: Path) -> int:
    """Page rows whose approved count is not the number of approved comments (must be 0)."""
    query = (
        "SELECT COUNT(*) FROM pages p WHERE p.approved_count != "
        "(SELECT COUNT(*) FROM comments c WHERE c.page = p.url AND c.status = 'approved')"
    )
    with contextlib.closing(sqlite3.connect(ours_db(folder))) as connection:
        return int(connection.execute(query).fetchone()[0])


def check_ours(server: Server, call: Call, expected: dict[str, int]) -> None:
    """The counts answer is exactly the page rows' approved counts; the list has 200."""
    status, answer = http("GET", server.base + call.path)
    expect(status, 200, "our counts", answer)
    counts = json.loads(answer)["counts"]
    if counts != expected:
        raise BenchError(f"our counts {counts} are not the database's {expected}")
    status, answer = http("GET", f"{server.base}/api/comments?page={LIST_PAGE}")
    expect(status, 200, "our list", answer)
    if json.loads(answer)["count"] != SEED_COMMENTS:
        raise BenchError(f"our list has {json.loads(answer)['count']} comments")


def approved_counts(folder: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(ours_db(folder))) as connection:
        rows = dict(connection.execute("SELECT url, approved_count FROM pages").fetchall())
    return {page: rows.get(page, 0) for page in COUNT_PAGES}
