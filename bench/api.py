"""Feedback API benchmark: our comments API against Isso 0.14, under the same load on loopback.

One run sets up both servers from scratch (fresh work folders under `bench/.work/api-*`, each
behind gunicorn with 4 workers on 127.0.0.1), seeds each with the same page of 200 approved
comments of ~200 words, and drives three reader actions with `wrk` (50 connections, 2 threads,
a fixed duration each):

* list: one page's comments, as the comment widget loads them;
* counts: the comment counts of 10 pages, as a list page asks for them;
* post: a new comment, stored before the answer.

Then our database is filled up to 100,000 comments over 1,000 pages and counts (and list, for
information) are measured again. Targets: list >= 50x Isso with our p99 < 100 ms; counts >=
3,000 req/s and no slower at 100,000 comments; post >= 1.5x Isso. Every run must answer 2xx
only, and every acknowledged post must be in the database afterwards.

Run: `python bench/api.py` (or `--duration 3` to smoke, `--only ours|isso`, `--json PATH`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import WORDS

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


# --- comment texts ---------------------------------------------------------------------------


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


# --- processes and HTTP ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http(
    method: str, url: str, body: Any = None, headers: Mapping[str, str] | None = None
) -> tuple[int, bytes]:
    """(status, body) of one request; HTTP errors are answers too, not exceptions."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def expect(status: int, wanted: int, what: str, body: bytes) -> None:
    if status != wanted:
        raise BenchError(f"{what}: HTTP {status}, expected {wanted}: {body[:300]!r}")


@dataclass
class Server:
    """A gunicorn process group on 127.0.0.1, with its output in a log file; `probe` is a
    cheap path whose answer shows the workers have worked through every queued request."""

    name: str
    port: int
    log: Path
    probe: str
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def running(server: Server, argv: Sequence[str], env: Mapping[str, str]) -> Iterator[Server]:
    """Start the server in its own process group, wait until it answers, always stop it."""
    with server.log.open("ab") as log:
        server.process = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_ready(server)
        yield server
    finally:
        stop(server)


def wait_ready(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    assert server.process is not None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} exited at start-up:\n{server.log_tail()}")
        try:
            http("GET", server.base + server.probe)
            return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"{server.name} did not answer within {timeout:.0f} s:\n{server.log_tail()}")


def stop(server: Server) -> None:
    """SIGTERM to the whole process group (master and workers); SIGKILL if it lingers."""
    process = server.process
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def gunicorn_args(port: int, app: str, preload: bool = False) -> list[str]:
    args = ["-w", str(WORKERS), "-b", f"{HOST}:{port}", "--no-control-socket"]
    return [*args, "--preload", app] if preload else [*args, app]


# --- wrk -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request that wrk repeats."""

    method: str
    path: str
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Load:
    """What one wrk run measured; `stored` is the rows a post run added to the database."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    stored: int | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def lua_script(call: Call) -> str:
    lines = [f'wrk.method = "{call.method}"']
    if call.body is not None:
        if "]==]" in call.body:
            raise BenchError("request body cannot be quoted for Lua")
        lines.append(f"wrk.body = [==[{call.body}]==]")
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in call.headers]
    return "\n".join(lines) + "\n"


def run_wrk(base: str, name: str, call: Call, duration: int, folder: Path) -> Load:
    script = folder / f"wrk-{name}.lua"
    script.write_text(lua_script(call), encoding="utf-8")
    argv = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        f"--timeout={max(duration, 2)}s",
        "--latency",
        "-s",
        str(script),
        base + call.path,
    ]
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return parse_wrk(result.stdout)


def parse_wrk(output: str) -> Load:
    """Requests/s, p50, p99 and the error counts from `wrk --latency` output."""

    def number(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match:
            return match.group(1)
        if default is None:
            raise BenchError(f"wrk output has no {pattern!r}:\n{output}")
        return default

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
        if not match:
            raise BenchError(f"wrk output has no {percent}% latency:\n{output}")
        return float(match.group(1)) * UNITS_MS[match.group(2)]

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Load(
        requests=int(number(r"(\d+) requests in")),
        seconds=_seconds(number(r"requests in ([\d.]+\w+),")),
        rps=float(number(r"Requests/sec:\s+([\d.]+)")),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        non_2xx=int(number(r"Non-2xx or 3xx responses: (\d+)", "0")),
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    return float(match.group(1)) * UNITS_MS[match.group(2)] / 1000 if match else 0.0


def show(load: Load) -> None:
    print(
        f"    {load.rps:,.0f} req/s, p50 {load.p50_ms:.2f} ms, p99 {load.p99_ms:.2f} ms, "
        f"non-2xx {load.non_2xx}, socket errors {load.socket_errors}",
        flush=True,
    )


def settle(server: Server) -> None:
    """Wait until requests a finished wrk run left queued (slow servers) have been served,
    so they do not eat into the next run: the probe is answered only after them."""
    started = time.monotonic()
    status, answer = http("GET", server.base + server.probe)
    expect(status, 200, f"{server.name} probe after a run", answer)
    waited = time.monotonic() - started
    if waited > 1:
        print(f"    ({server.name} took {waited:.1f} s to drain its queue)", flush=True)
    time.sleep(0.5)


def measure(server: Server, name: str, call: Call, duration: int, folder: Path) -> Load:
    """A 1 s warm-up run (discarded), then the measured run; the server settles after each."""
    print(f"  {server.name}: {LABELS[name]} for {duration} s ...", flush=True)
    run_wrk(server.base, f"{name}-warmup", call, 1, folder)
    settle(server)
    load = run_wrk(server.base, name, call, duration, folder)
    settle(server)
    show(load)
    return load


# --- Isso ------------------------------------------------------------------------------------

ISSO_CFG = """\
[general]
dbpath = {db}
host = {host}/
notify = stdout

[moderation]
enabled = false

[guard]
enabled = false

[server]
listen = {host}/
"""


def ensure_isso() -> Path:
    """Isso 0.14 and gunicorn in their own venv (never the project's); made on first use."""
    python = ISSO_VENV / "bin" / "python"
    if not (ISSO_VENV / "bin" / "gunicorn").exists():
        print(f"Installing isso=={ISSO_VERSION} and gunicorn into {ISSO_VENV} ...", flush=True)
        base = shutil.which("python3") or sys.executable
        subprocess.run([base, "-m", "venv", str(ISSO_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"isso=={ISSO_VERSION}", "gunicorn"],
            check=True,
        )
    version = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('isso'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if version != ISSO_VERSION:
        raise BenchError(f"{ISSO_VENV} has isso {version}, not {ISSO_VERSION}")
    return ISSO_VENV / "bin" / "gunicorn"


def isso_calls(base: str, post_text: str) -> dict[str, Call]:
    headers = (("Content-Type", "application/json"), ("Origin", base))
    return {
        "list": Call("GET", f"/?uri={LIST_PAGE}"),
        "counts": Call("POST", "/count", json.dumps(list(COUNT_PAGES)), headers),
        "post": Call(
            "POST",
            f"/new?uri={POST_PAGE}",
            json.dumps({"text": post_text, "author": "Bench", "title": "Bench page 1"}),
            headers,
        ),
    }


def isso_stored(db: Path, uri: str) -> int:
    with contextlib.closing(sqlite3.connect(db)) as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM comments JOIN threads ON comments.tid = threads.id "
            "WHERE threads.uri = ?",
            (uri,),
        ).fetchone()
    return int(row[0])


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


def bench_isso(
    texts: Sequence[str], post_text: str, duration: int, folder: Path
) -> tuple[dict[str, Load], list[str]]:
    gunicorn = ensure_isso()
    server = Server("isso", free_port(), folder / "gunicorn.log", "/config")
    db = folder / "comments.db"
    config = folder / "isso.cfg"
    config.write_text(ISSO_CFG.format(db=db, host=server.base), encoding="utf-8")
    env = {**os.environ, "ISSO_SETTINGS": str(config)}
    argv = [str(gunicorn), *gunicorn_args(server.port, "isso.run", preload=True)]
    calls = isso_calls(server.base, post_text)
    results: dict[str, Load] = {}
    with running(server, argv, env):
        print(f"Isso {ISSO_VERSION} on {server.base}: seeding {len(texts)} comments", flush=True)
        seed_isso(server, texts)
        check_isso_counts(server)
        for name in ("list", "counts"):
            results[name] = measure(server, name, calls[name], duration, folder)
        results["post"] = measure_post(
            server, calls["post"], duration, folder, lambda: isso_stored(db, POST_PAGE), 201
        )
    return results, server_errors(server.log)


def check_isso_counts(server: Server) -> None:
    status, answer = http(
        "POST", f"{server.base}/count", list(COUNT_PAGES), {"Origin": server.base}
    )
    expect(status, 200, "Isso counts", answer)
    if json.loads(answer) != [SEED_COMMENTS] + [0] * (len(COUNT_PAGES) - 1):
        raise BenchError(f"Isso counts are wrong: {answer!r}")


def measure_post(
    server: Server,
    call: Call,
    duration: int,
    folder: Path,
    stored: Callable[[], int],
    created: int,
) -> Load:
    """One post first (it also creates the page's thread), a warm-up run, then the measured
    run; the comments it added are counted in the database once the server has settled."""
    headers = dict(call.headers)
    status, answer = http("POST", server.base + call.path, json.loads(call.body or ""), headers)
    expect(status, created, f"{server.name} first post", answer)
    print(f"  {server.name}: {LABELS['post']} for {duration} s ...", flush=True)
    run_wrk(server.base, "post-warmup", call, 1, folder)
    settle(server)
    before = stored()
    load = run_wrk(server.base, "post", call, duration, folder)
    settle(server)  # posts in flight when wrk stopped are answered and committed
    load.stored = stored() - before
    show(load)
    print(f"    stored {load.stored:,} comments for {load.requests:,} answered", flush=True)
    if load.stored < load.requests - load.non_2xx - load.socket_errors:
        load.problems.append(
            f"only {load.stored} comments stored for {load.requests} answered requests"
        )
    return load


# --- ours ------------------------------------------------------------------------------------


def manifest(pages: int) -> dict:
    return {
        "version": 1,
        "site": {"name": "Engage bench", "url": "http://127.0.0.1", "api": "/api"},
        "pages": [
            {
                "url": f"/bench/page-{n}/",
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


def ours_env(folder: Path) -> dict[str, str]:
    """The settings of the benchmarked API; any other ENGAGE_* in our environment is dropped."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("ENGAGE_") and name != "DATABASE_URL"
    }
    return {
        **env,
        "ENGAGE_INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": "",
        "ENGAGE_SECRET_KEY": SECRET,
        "ENGAGE_MANIFEST": str(folder / "engagement.json"),
        "ENGAGE_SITE_DIR": "",
        "ENGAGE_RATELIMIT_COMMENTS": "1000000/minute",
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
    from feedback_api.models import db

    with environment(env):
        app = create_app()
    with app.app_context():
        try:
            yield db
        finally:
            db.session.remove()
            db.engine.dispose()


def seed_ours(env: Mapping[str, str], texts: Sequence[str]) -> list[str]:
    """The seed page through storage's own functions; returns the rendered HTML of each text."""
    from feedback_api import storage
    from feedback_api.render import render_comment

    htmls = []
    with app_context(env):
        for number, text in enumerate(texts):
            html = render_comment(text)
            htmls.append(html)
            comment = storage.add_comment(
                page=LIST_PAGE,
                body=text,
                html=html,
                status="pending",
                held_reasons=[],
                edit_token_hash="x" * 64,
                author=f"Reader {number}",
            )
            storage.set_status(comment, "approved")
    return htmls


def seed_ours_bulk(
    env: Mapping[str, str], texts: Sequence[str], htmls: Sequence[str], total: int, pages: int
) -> int:
    """Core inserts up to `total` comments over pages 1.. `pages`-1 (page 0 is the list page,
    left as it was); 1 in 10 pending. Each page's approved count and version move with them."""
    from sqlalchemy import func, select, update
    from sqlalchemy.dialects.sqlite import insert

    from feedback_api.models import Comment, Page

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


def ours_calls(post_text: str) -> dict[str, Call]:
    query = "&".join(f"page={page}" for page in COUNT_PAGES)
    body = json.dumps({"page": POST_PAGE, "body": post_text, "author": "Bench"})
    return {
        "list": Call("GET", f"/api/comments?page={LIST_PAGE}"),
        "counts": Call("GET", f"/api/comments/counts?{query}"),
        "post": Call("POST", "/api/comments", body, (("Content-Type", "application/json"),)),
    }


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


def bench_ours(
    texts: Sequence[str], post_text: str, duration: int, folder: Path
) -> tuple[dict[str, Load], list[str]]:
    env = ours_env(folder)
    (folder / "engagement.json").write_text(json.dumps(manifest(BIG_PAGES)), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "feedback_api", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    print(f"Ours: seeding {len(texts)} comments through storage", flush=True)
    htmls = seed_ours(env, texts)
    server = Server("ours", free_port(), folder / "gunicorn.log", "/api/comments/counts?page=/")
    argv = [sys.executable, "-m", "gunicorn", *gunicorn_args(server.port, "feedback_api.wsgi:app")]
    calls = ours_calls(post_text)
    results: dict[str, Load] = {}
    with running(server, argv, env):
        print(f"Ours on {server.base}", flush=True)
        check_ours(server, calls["counts"], approved_counts(folder))
        for name in ("list", "counts"):
            results[name] = measure(server, name, calls[name], duration, folder)
        results["post"] = measure_post(
            server, calls["post"], duration, folder, lambda: ours_stored(folder, POST_PAGE), 202
        )
        print(f"Ours: filling the database up to {BIG_TOTAL:,} comments", flush=True)
        total = seed_ours_bulk(env, texts, htmls, BIG_TOTAL, BIG_PAGES)
        bad = ours_inconsistent_pages(folder)
        if bad:
            raise BenchError(f"{bad} page rows disagree with their approved comments")
        print(f"  {total:,} comments in the database, counts consistent", flush=True)
        check_ours(server, calls["counts"], approved_counts(folder))
        results["counts_100k"] = measure(server, "counts_100k", calls["counts"], duration, folder)
        results["list_100k"] = measure(server, "list_100k", calls["list"], duration, folder)
        results["counts_100k"].notes.append(f"{total:,} comments in the database")
    return results, server_errors(server.log)


def server_errors(log: Path) -> list[str]:
    """Tracebacks and error lines a server wrote during the run."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return [
        line
        for line in text.splitlines()
        if "Traceback" in line or "[ERROR]" in line or "[CRITICAL]" in line
    ]


# --- report ----------------------------------------------------------------------------------


@dataclass
class Verdict:
    measure: str
    target: str
    met: bool | None  # None: cannot be judged (a server was not run)


def verdicts(isso: dict[str, Load], ours: dict[str, Load]) -> list[Verdict]:
    def ratio(name: str) -> float | None:
        if name in isso and name in ours and isso[name].rps:
            return ours[name].rps / isso[name].rps
        return None

    out = []
    if "list" in ours:
        r = ratio("list")
        met = None if r is None else r >= 50 and ours["list"].p99_ms < 100
        out.append(Verdict("list", ">= 50x Isso and our p99 < 100 ms", met))
    if "counts" in ours:
        out.append(Verdict("counts", ">= 3,000 req/s", ours["counts"].rps >= 3000))
    if "counts_100k" in ours:
        floor = ours["counts"].rps * (1 - NO_SLOWER_TOLERANCE)
        met = ours["counts_100k"].rps >= floor
        out.append(Verdict("counts_100k", "no slower than with 200 (-10% noise)", met))
    if "post" in ours:
        r = ratio("post")
        out.append(Verdict("post", ">= 1.5x Isso", None if r is None else r >= 1.5))
    return out


def problems(name: str, results: dict[str, Load]) -> list[str]:
    """Every non-2xx answer, socket error or lost post, by server and measure."""
    found = []
    for measure_name, load in results.items():
        if load.non_2xx:
            found.append(f"{name} {measure_name}: {load.non_2xx} non-2xx/3xx answers")
        if load.socket_errors:
            found.append(f"{name} {measure_name}: {load.socket_errors} socket errors/timeouts")
        found += [f"{name} {measure_name}: {problem}" for problem in load.problems]
    return found


def _fmt_rps(load: Load | None) -> str:
    return f"{load.rps:,.0f}" if load else "-"


def _fmt_lat(load: Load | None) -> str:
    return f"{load.p50_ms:.1f} / {load.p99_ms:.1f}" if load else "-"


def table(isso: dict[str, Load], ours: dict[str, Load]) -> str:
    judged = {v.measure: v for v in verdicts(isso, ours)}
    head = (
        "Measure",
        "Isso req/s",
        "ours req/s",
        "ours/Isso",
        "Isso p50/p99 ms",
        "ours p50/p99 ms",
        "Target",
        "",
    )
    rows = [head]
    for name in MEASURES:
        a, b = isso.get(name), ours.get(name)
        if a is None and b is None:
            continue
        verdict = judged.get(name)
        mark = "" if verdict is None else {True: "ok", False: "MISSED", None: "n/a"}[verdict.met]
        rows.append(
            (
                LABELS[name],
                _fmt_rps(a),
                _fmt_rps(b),
                f"{b.rps / a.rps:.1f}x" if a and b and a.rps else "-",
                _fmt_lat(a),
                _fmt_lat(b),
                verdict.target if verdict else "(information)",
                mark,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def details(name: str, results: dict[str, Load]) -> list[str]:
    lines = []
    for measure_name in MEASURES:
        load = results.get(measure_name)
        if load is None:
            continue
        stored = "" if load.stored is None else f", {load.stored:,} stored"
        notes = "".join(f"; {note}" for note in [*load.notes, *load.problems])
        lines.append(
            f"  {name:4} {LABELS[measure_name]}: {load.requests:,} requests in "
            f"{load.seconds:.1f} s, non-2xx {load.non_2xx}, socket errors "
            f"{load.socket_errors}{stored}{notes}"
        )
    return lines


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measure (10)")
    parser.add_argument("--only", choices=("ours", "isso"), help="run one server only")
    parser.add_argument("--json", type=Path, help="also write every number to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work folders")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.duration < 1:
        parser.error("--duration must be at least 1 second")
    return args


def work_folder(name: str) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"api-{name}-", dir=WORK))


Results = dict[str, tuple[dict[str, Load], list[str]]]


def run(args: argparse.Namespace) -> Results:
    """Each selected server in turn (never both at once): its loads and its log's errors."""
    texts = comment_texts(SEED_COMMENTS, COMMENT_WORDS)
    post_text = comment_texts(1, 60, seed=SEED + 1)[0]
    results: Results = {}
    folders = []
    for name, bench in (("isso", bench_isso), ("ours", bench_ours)):
        if args.only and args.only != name:
            continue
        folder = work_folder(name)
        folders.append(folder)
        results[name] = bench(texts, post_text, args.duration, folder)
    if not args.keep:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    print(
        f"{WORKERS} gunicorn workers each; wrk {THREADS} threads, {CONNECTIONS} connections, "
        f"{args.duration} s per measure; {os.cpu_count()} CPUs; all on {HOST}",
        flush=True,
    )
    try:
        results = run(args)
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        if isinstance(error, subprocess.CalledProcessError) and error.stderr:
            print(error.stderr.decode(errors="replace")[-2000:], file=sys.stderr)
        print(f"work folders kept under {WORK}", file=sys.stderr)
        return 2
    isso, isso_log = results.get("isso", ({}, []))
    ours, ours_log = results.get("ours", ({}, []))
    print()
    print(table(isso, ours))
    print()
    print("\n".join(details("isso", isso) + details("ours", ours)))
    found = problems("isso", isso) + problems("ours", ours)
    found += [f"isso server log: {line}" for line in isso_log[:10]]
    found += [f"ours server log: {line}" for line in ours_log[:20]]
    print("\nProblems: " + ("none" if not found else ""))
    print("\n".join(f"  {line}" for line in found))
    judged = verdicts(isso, ours)
    if args.json:
        document = {
            "settings": {
                "workers": WORKERS,
                "connections": CONNECTIONS,
                "threads": THREADS,
                "duration_s": args.duration,
                "cpus": os.cpu_count(),
            },
            "isso": {name: asdict(load) for name, load in isso.items()},
            "ours": {name: asdict(load) for name, load in ours.items()},
            "targets": [asdict(verdict) for verdict in judged],
            "problems": found,
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    if args.check and any(verdict.met is False for verdict in judged):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
