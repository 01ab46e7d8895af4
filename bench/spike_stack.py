"""Spike benchmark: the deployed shape on loopback, set up from scratch and always torn down.

The sample site built by Pelican; a PostgreSQL cluster of the run's own (or a database given);
a Redis for the rate limits; two API processes under `deploy/gunicorn.conf.py` (ENGAGE_BIND,
ENGAGE_WORKERS), each pinned to a core of its own so that they stand for two one-core hosts;
Debian's nginx with the shipped `deploy/nginx/engage.conf` in front of both.

nginx, Redis, the throwaway cluster and the Pelican build are the test suite's own fixtures
(`tests/fixtures/`, importable as `fixtures` once `tests/` is on the path, as `bench/spike.py`
puts it), so there is one implementation of each; gunicorn runs through `bench.api_servers`, as
the API benchmark runs it.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.api_data import comment_texts, seed_ours
from bench.api_servers import Server, free_port, ours_env, running
from bench.api_settings import HOST, ROOT, BenchError
from bench.spike_cpu import CpuMeter
from fixtures.nginx import NGINX, Nginx
from fixtures.postgres_cluster import PostgresCluster, binaries
from fixtures.redis import RedisServer
from fixtures.site import run_pelican

SEEDED_PER_PAGE = 12  # approved comments on each open page: a discussed consultation's worth
SEEDED_WORDS = 80
COUNT_NODE = re.compile(r'data-engage-count data-page="([^"]+)"')
COMMENTS_NODE = re.compile(r'data-engage-comments data-page="([^"]+)"')


@dataclass
class Host:
    """One API process (a gunicorn master and its workers, in one process group)."""

    server: Server
    cpu: int | None

    @property
    def upstream(self) -> str:
        return f"{HOST}:{self.server.port}"

    @property
    def alive(self) -> bool:
        return self.server.process is not None and self.server.process.poll() is None

    def pid(self) -> int | None:
        return self.server.process.pid if self.alive and self.server.process else None

    def kill(self) -> None:
        """SIGKILL the whole group, master and workers, as a host that loses power."""
        process = self.server.process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@dataclass
class Stack:
    """What the load goes through, and where to read what was stored."""

    nginx: Nginx
    hosts: list[Host]
    psycopg_url: str
    site: Path
    listings: dict[str, list[str]]  # a listing page: the pages whose counts it asks for
    articles: list[str]  # the pages that take comments: each asks for its comment list
    redis: RedisServer
    postmaster: Path | None

    def meter(self) -> CpuMeter:
        """CPU of nginx, each API host, PostgreSQL (a cluster of the run's own) and Redis."""
        parts: dict[str, Callable[[], int | None]] = {"nginx": lambda: self.nginx.process.pid}
        for host in self.hosts:
            parts[host.server.name] = host.pid
        if self.postmaster is not None:
            parts["postgresql"] = lambda: _first_line_pid(self.postmaster)
        parts["redis"] = lambda: self.redis.process.pid
        return CpuMeter(parts)


def _first_line_pid(path: Path | None) -> int | None:
    try:
        return int(path.read_text(encoding="ascii").split()[0]) if path else None
    except (OSError, ValueError, IndexError):
        return None


def missing_tools() -> list[str]:
    """What this machine lacks for the benchmark (Debian packages named)."""
    wanted = {NGINX: "nginx", "openssl": "openssl", "redis-server": "redis-server"}
    found = [name for path, name in wanted.items() if shutil.which(path) is None]
    if binaries() is None:
        found.append("postgresql")
    return found


def build_site(folder: Path) -> Path:
    """The sample site, built as the test suite builds it (fixed day, cache in the folder)."""
    build = run_pelican(ROOT / "content", folder / "site", folder / "cache")
    if build.returncode != 0:
        raise BenchError(f"the sample site did not build:\n{build.log[-3000:]}")
    return build.output


def reader_paths(site: Path) -> tuple[dict[str, list[str]], list[str]]:
    """From the built HTML, what the comment widget asks for on each page: a listing's counts
    (its `data-engage-count` cards) and an article's comment list (`data-engage-comments`)."""
    listings = {}
    for path in ("/", "/blog/"):
        html = (site / path.strip("/") / "index.html").read_text(encoding="utf-8")
        listings[path] = COUNT_NODE.findall(html)
    manifest = json.loads((site / "engagement.json").read_text(encoding="utf-8"))
    articles = []
    for page in manifest["pages"]:
        html = (site / page["url"].strip("/") / "index.html").read_text(encoding="utf-8")
        if page["comments"] == "open" and COMMENTS_NODE.search(html):
            articles.append(page["url"])
    if not all(listings.values()) or not articles:
        raise BenchError(f"the built site has no comment counts or no open pages: {listings}")
    return listings, articles


@contextlib.contextmanager
def database(folder: Path, given: str | None) -> Iterator[tuple[str, str, Path | None]]:
    """(SQLAlchemy URL, psycopg URL, the postmaster's pid file): the given database (whose
    server's CPU is then not measured), or one in a cluster of the run's own (made in /tmp,
    owned by the postgres user when run as root; removed afterwards)."""
    if given:
        yield given, given.replace("postgresql+psycopg://", "postgresql://", 1), None
        return
    bin_folder = binaries()
    if bin_folder is None:
        raise BenchError("PostgreSQL is not installed: apt-get install postgresql")
    owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    place = Path(tempfile.mkdtemp(prefix="engage-bench-pg-", dir="/tmp" if owner else folder))
    cluster = PostgresCluster(place, bin_folder, owner)
    try:
        psycopg_url = cluster.url.replace("postgresql+psycopg://", "postgresql://", 1)
        yield cluster.url, psycopg_url, cluster.data / "postmaster.pid"
    finally:
        cluster.cleanup()


def api_env(folder: Path, site: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """The API as deploy/engage.env.example sets it up behind one nginx; the shipped comment
    rate limit is kept, since every reader connects from an address of their own."""
    env = ours_env(folder)
    env.pop("ENGAGE_RATELIMIT_COMMENTS")
    return {
        **env,
        "ENGAGE_ENVIRONMENT": "production",
        "DATABASE_URL": database_url,
        "ENGAGE_MANIFEST": str(site / "engagement.json"),
        "ENGAGE_SITE_DIR": "",
        "ENGAGE_RATELIMIT_STORAGE": redis_url,
        "ENGAGE_TRUSTED_PROXIES": "1",
    }


def migrate_and_seed(env: Mapping[str, str], articles: list[str]) -> int:
    """The schema by the real migrations, then approved comments on every open page through
    storage's own functions (so the page rows' counts and versions are kept as the API keeps
    them). Returns how many were seeded."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "feedback_api", "db", "upgrade"],
        env=dict(env),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    texts = comment_texts(SEEDED_PER_PAGE * len(articles), SEEDED_WORDS)
    seed_ours(env, texts, articles)
    return len(texts)


@contextlib.contextmanager
def hosts(folder: Path, env: Mapping[str, str], workers: int) -> Iterator[list[Host]]:
    """Two API processes on ports of their own, as two hosts' `gunicorn -c
    deploy/gunicorn.conf.py` would run; each on one core when the machine has two or more.
    They start side by side (each takes seconds to load its workers); if one fails, the other
    is stopped by the ExitStack it was entered into."""
    cpus = sorted(os.sched_getaffinity(0))
    made, starts = [], []
    for number in (1, 2):
        port = free_port()
        server = Server(f"api{number}", port, folder / f"api{number}.log", "/api/health")
        cpu = cpus[number - 1] if len(cpus) >= 2 else None
        pin = ["taskset", "-c", str(cpu)] if cpu is not None else []
        argv = [*pin, sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
        host_env = {**env, "ENGAGE_BIND": f"{HOST}:{port}", "ENGAGE_WORKERS": str(workers)}
        starts.append(running(server, [*argv, "feedback_api.wsgi:app"], host_env))
        made.append(Host(server, cpu))
    with contextlib.ExitStack() as started, ThreadPoolExecutor(max_workers=2) as pool:
        for start in [pool.submit(started.enter_context, start) for start in starts]:
            start.result()
        yield made


@contextlib.contextmanager
def stack(folder: Path, database_url: str | None, workers: int) -> Iterator[Stack]:
    """Everything up, in order, and down again in reverse, whatever happens in between."""
    site = build_site(folder)
    listings, articles = reader_paths(site)
    with contextlib.ExitStack() as started:
        sqlalchemy_url, psycopg_url, postmaster = started.enter_context(
            database(folder, database_url)
        )
        (folder / "redis").mkdir()
        redis = RedisServer(folder / "redis")
        started.callback(redis.stop)
        env = api_env(folder, site, sqlalchemy_url, redis.url)
        seeded = migrate_and_seed(env, articles)
        print(f"  {seeded} approved comments on {len(articles)} open pages", flush=True)
        api = started.enter_context(hosts(folder, env, workers))
        nginx = Nginx(folder / "nginx", site, [host.upstream for host in api])
        started.callback(nginx.stop)
        yield Stack(nginx, api, psycopg_url, site, listings, articles, redis, postmaster)


def stored_bodies(psycopg_url: str, marker: str) -> list[str]:
    """Every stored comment body with this run's marker in it (a body may appear twice)."""
    import psycopg

    with psycopg.connect(psycopg_url) as connection:
        rows = connection.execute(
            "SELECT body FROM comments WHERE body LIKE %s", (f"%{marker}%",)
        ).fetchall()
    return [row[0] for row in rows]


def nginx_errors(nginx: Nginx) -> dict[str, int]:
    """What nginx's error log says about the upstreams, by kind of line."""
    kinds = {
        "connect() failed (111: Connection refused)": "upstream refused the connection",
        "upstream prematurely closed connection": "upstream closed mid-request",
        "recv() failed (104: Connection reset by peer)": "upstream reset mid-request",
        "upstream server temporarily disabled": "upstream marked down",
        "no live upstreams": "no live upstreams",
    }
    counts = dict.fromkeys(kinds.values(), 0)
    text = nginx.error_log.read_text(errors="replace") if nginx.error_log.exists() else ""
    for line in text.splitlines():
        for needle, kind in kinds.items():
            if needle in line:
                counts[kind] += 1
    return {kind: count for kind, count in counts.items() if count}
