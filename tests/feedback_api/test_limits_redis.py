"""Rate limits shared through Redis (Debian's redis-server on loopback) by four gunicorn workers,
and what happens when Redis goes away: the API keeps answering, counting in each worker's memory,
and says so in the log and on /api/health."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fixtures.api import api_config
from fixtures.gunicorn import Gunicorn
from fixtures.redis import RedisServer
from fixtures.servers import free_port

PAGE = "/blog/winter-vaccines/"
LIMIT = 5
POSTS = 20


def post(url: str, number: int) -> int:
    """POST a comment on a new connection; the status, 0 when no answer came."""
    data = json.dumps({"page": PAGE, "body": f"Comment number {number}"}).encode()
    request = urllib.request.Request(
        f"{url}/api/comments", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as error:
        error.read()
        error.close()
        return error.code
    except (OSError, http.client.HTTPException):
        return 0


def post_at_once(url: str, count: int, first: int = 0) -> list[int]:
    """`count` posts at the same time, so that every worker gets some."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda n: post(url, n), range(first, first + count)))


def health(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.fixture
def config(make_app, tmp_path: Path, built_site: Path, database: str) -> dict:
    """Settings for gunicorn on a migrated SQLite database, with new comments limited to 5."""
    make_app()  # a fresh database with its tables
    return api_config(tmp_path, built_site, database, ENGAGE_RATELIMIT_COMMENTS=f"{LIMIT}/minute")


@pytest.fixture
def database() -> str:
    """Rate limits do not depend on the database: SQLite only, to keep these quick."""
    return "sqlite"


def test_four_workers_share_one_limit_through_redis(
    config: dict, redis_server: RedisServer, tmp_path: Path
) -> None:
    # Starting with a redis:// storage used to fail: "Worker failed to boot", no redis client.
    server = Gunicorn({**config, "ENGAGE_RATELIMIT_STORAGE": redis_server.url}, tmp_path / "log")
    try:
        statuses = post_at_once(server.url, POSTS)
        status, body = health(server.url)
    finally:
        server.stop()
    assert sorted(statuses) == [202] * LIMIT + [429] * (POSTS - LIMIT)
    assert (status, body["rate_limits"]) == (200, {"storage": "redis", "ok": True})
    workers = server.workers_by_status()
    assert len(workers) > 1, f"the posts should reach several workers: {workers}"
    assert sum(sum(counted.values()) for counted in workers.values()) == POSTS
    assert "unreachable" not in server.text()


def test_in_memory_each_worker_counts_on_its_own(config: dict, tmp_path: Path) -> None:
    """The problem Redis solves: with memory:// each worker lets 5 through."""
    server = Gunicorn({**config, "ENGAGE_RATELIMIT_STORAGE": "memory://"}, tmp_path / "log")
    try:
        statuses = post_at_once(server.url, POSTS)
        status, body = health(server.url)
    finally:
        server.stop()
    assert set(statuses) <= {202, 429}
    assert (status, body["rate_limits"]) == (200, {"storage": "memory", "ok": True})
    workers = server.workers_by_status()
    assert len(workers) > 1, f"the posts should reach several workers: {workers}"
    # Each worker accepted up to the limit of what it was sent: more than 5 in all.
    for counted in workers.values():
        assert counted[202] == min(LIMIT, sum(counted.values())), workers
    assert statuses.count(202) == sum(counted[202] for counted in workers.values()) > LIMIT


def test_redis_going_away_falls_back_to_memory_and_says_so(
    config: dict, redis_server: RedisServer, tmp_path: Path
) -> None:
    server = Gunicorn({**config, "ENGAGE_RATELIMIT_STORAGE": redis_server.url}, tmp_path / "log")
    try:
        before = post_at_once(server.url, 2)
        redis_server.stop()
        during = post_at_once(server.url, POSTS, first=2)
        status, body = health(server.url)
        redis_server.start()
        # Flask-Limiter tries the storage again at a request 2 s after its first failed check
        # (then 4 s, 8 s, ...): ask until every worker that fell back has logged its return.
        time.sleep(1.5)
        deadline = time.monotonic() + 20
        while server.text().count("answers again;") < server.text().count("unreachable;"):
            assert time.monotonic() < deadline, "the workers should go back to Redis"
            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(lambda _: server.health_status(), range(8)))
            time.sleep(0.25)
        after = post_at_once(server.url, POSTS, first=100)
        status_after, body_after = health(server.url)
        time.sleep(0.2)  # for the workers' log lines to reach the file
    finally:
        server.stop()
    assert before == [202, 202]
    assert 0 not in during and 500 not in during, during
    assert set(during) <= {202, 429}
    assert 202 in during, "each worker counts afresh in its memory"
    assert status == 200, "the database answers: still healthy for the load balancer"
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["rate_limits"] == {"storage": "redis", "ok": False}
    log = server.text()
    assert f"Rate-limit storage {redis_server.url} unreachable" in log
    assert "in this worker's memory" in log
    assert "Traceback" not in log
    # Once per worker that noticed, not once per request.
    noticed = log.count("unreachable; counting rate limits")
    assert 1 <= noticed <= len(server.workers_by_status())
    # Redis back (empty): the workers go back to it by themselves, and share one count again.
    assert (status_after, body_after["rate_limits"]) == (200, {"storage": "redis", "ok": True})
    assert sorted(after) == [202] * LIMIT + [429] * (POSTS - LIMIT)
    assert log.count(f"Rate-limit storage {redis_server.url} answers again") == noticed


def test_health_says_when_redis_does_not_answer(make_app) -> None:
    """In process: a Redis that refuses is `ok: false`, and starting the app needs no Redis."""
    closed = free_port()
    app = make_app(ENGAGE_RATELIMIT_STORAGE=f"redis://127.0.0.1:{closed}")
    answer = app.test_client().get("/api/health")
    assert answer.status_code == 200
    assert answer.json["rate_limits"] == {"storage": "redis", "ok": False}


def test_the_log_never_shows_a_redis_password() -> None:
    from feedback_api.limits import storage_kind, storage_name

    assert storage_name("redis://:s3cret@cache.internal:6380/0") == "redis://cache.internal:6380"
    assert storage_kind("rediss://cache.internal") == "redis"
    assert storage_kind("redis+sentinel://a:26379/mymaster") == "redis"
    assert storage_kind("memory://") == "memory"
