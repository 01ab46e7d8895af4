"""PostgreSQL restarted under a stream of posts (issue 12): two gunicorn workers on a cluster of
the test's own, shut down mid-stream, cleanly (`fast`) or as a crash (`immediate`), kept down for
a moment and started again while readers go on posting.

The promises: every acknowledged comment is in the database afterwards; every post is answered,
and every answer that is not a 202 is a 503 with Retry-After and a JSON error, never a 500, a
traceback or a dropped connection (gunicorn itself never stops, so no socket has a reason to be
cut: the requests in flight when PostgreSQL went fail inside the worker, which answers them); the
API comes back by itself, without a restart, and /api/health says which state it is in.
"""

from __future__ import annotations

import collections
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy

from fixtures.api import api_config
from fixtures.gunicorn import Gunicorn
from fixtures.postgres_cluster import PostgresCluster
from fixtures.site import ROOT

PAGE = "/blog/winter-vaccines/"
WORKERS = 2
POSTERS = 6  # more posters than workers: there is always a post waiting as well as one in flight
BEFORE = 40  # posts acknowledged before PostgreSQL goes
DOWN_SECONDS = 1.5  # how long it stays down, with the posts going on
AFTER_SECONDS = 1.5  # posting after every poster has been acknowledged again
RECOVERY_SECONDS = 5.0  # how soon after PostgreSQL is back every post must be acknowledged
COMMIT_SECONDS = 0.05  # each commit made this slow, so the restart catches some mid-commit
# A deferred constraint trigger runs inside COMMIT: with it, a worker waiting on its commit is
# something the test can see (pg_stat_activity) and stop the server under.
SLOW_COMMITS = f"""
CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN PERFORM pg_sleep({COMMIT_SECONDS}); RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON comments
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();
"""
# Backends of the database in the first half of that sleep: their commit will still be going on
# when the signal to stop reaches them.
COMMITTING = """SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event = 'PgSleep'
  AND clock_timestamp() - query_start < %s * interval '1 second'"""
#: What a worker whose commit was cut short logged, by kind of stop.
CUT_SHORT = {
    "fast": "AdminShutdown: terminating connection due to administrator command",
    "immediate": "server closed the connection unexpectedly",
}


@dataclass
class Answer:
    """One request and what came back: status 0 when no HTTP answer came at all."""

    body: str
    sent: float
    answered: float
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    text: str = ""
    poster: int = -1

    @property
    def json(self) -> Any:
        return json.loads(self.text)


def request(port: int, method: str, path: str, body: str = "", poster: int = -1) -> Answer:
    """One request on a new connection, as a reader's browser would send it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    data = json.dumps({"page": PAGE, "body": body}) if method == "POST" else None
    sent = time.monotonic()
    try:
        connection.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(body, sent, time.monotonic(), response.status, headers, text, poster)
    except (OSError, http.client.HTTPException) as error:
        problem = f"{type(error).__name__}: {error}"
        return Answer(body, sent, time.monotonic(), 0, text=problem, poster=poster)
    finally:
        connection.close()


class Stream:
    """Posters sending one comment after another, each with a body of its own, and a monitor
    asking /api/health, until `stop()`; every answer is kept."""

    def __init__(self, port: int, label: str) -> None:
        self.port = port
        self.label = label
        self.posts: list[Answer] = []
        self.health: list[Answer] = []
        self._done = threading.Event()
        self._threads = [
            threading.Thread(target=self._post, args=(number,)) for number in range(POSTERS)
        ]
        self._threads.append(threading.Thread(target=self._watch))
        for thread in self._threads:
            thread.start()

    def _post(self, poster: int) -> None:
        for number in range(1_000_000):
            if self._done.is_set():
                return
            body = f"Restart {self.label}: poster {poster}, comment {number}"
            self.posts.append(request(self.port, "POST", "/api/comments", body, poster))

    def _watch(self) -> None:
        while not self._done.wait(0.05):
            self.health.append(request(self.port, "GET", "/api/health"))

    def acknowledged(self, since: float = 0.0) -> int:
        return sum(1 for a in list(self.posts) if a.status == 202 and a.sent > since)

    def posters_acknowledged(self, since: float) -> set[int]:
        """Which posters have had a post sent after `since` acknowledged."""
        return {a.poster for a in list(self.posts) if a.status == 202 and a.sent > since}

    def stop(self) -> None:
        self._done.set()
        for thread in self._threads:
            thread.join(timeout=30)


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


@pytest.fixture
def gunicorn_config(
    postgres_cluster_running: PostgresCluster, tmp_path: Path, built_site: Path
) -> dict:
    """Settings for the API on a new database in the test's cluster, its tables made by the
    operator's own command (`flask db upgrade`), its commits of comments made slow."""
    config = api_config(
        tmp_path,
        built_site,
        "postgresql",
        DATABASE_URL=postgres_cluster_running.new_database(),
        ENGAGE_RATELIMIT_COMMENTS="1000000/minute",
    )
    upgrade = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "feedback_api", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, **{k: str(v) for k, v in config.items()}},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    with psycopg.connect(psycopg_url(config["DATABASE_URL"]), autocommit=True) as connection:
        connection.execute(SLOW_COMMITS)
    return config


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def wait_for_commits(url: str, count: int, seconds: float = 10) -> None:
    """Until `count` posts are just inside their COMMIT."""
    name = url.rsplit("/", 1)[1]
    deadline = time.monotonic() + seconds
    with psycopg.connect(psycopg_url(url), autocommit=True) as connection:
        arguments = (name, COMMIT_SECONDS / 2)
        while connection.execute(COMMITTING, arguments).fetchone()[0] < count:
            assert time.monotonic() < deadline, f"{count} posts committing at once"


@pytest.fixture
def served(gunicorn_config: dict, tmp_path: Path) -> Iterator[Gunicorn]:
    server = Gunicorn(gunicorn_config, tmp_path / "gunicorn.log", workers=WORKERS)
    yield server
    server.stop()


def stored_comments(url: str) -> dict[int, str]:
    """Every comment in the database, by id."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sqlalchemy.text("SELECT id, body FROM comments"))
            return {row.id: row.body for row in rows}
    finally:
        engine.dispose()


def assert_unavailable(answer: Answer) -> None:
    """The outage answer: 503, Retry-After in seconds, the API's JSON error."""
    assert answer.status == 503, (answer.status, answer.text[:500])
    assert int(answer.headers["retry-after"]) >= 1, answer.headers
    assert answer.headers["content-type"] == "application/json", answer.headers
    assert answer.json["fields"] == {} and "database" in answer.json["error"], answer.text
    assert "Traceback" not in answer.text


@dataclass
class Restart:
    """When (time.monotonic()) each step of the restart happened."""

    going: float  # the stop asked for
    gone: float  # PostgreSQL stopped
    starting: float  # the start asked for
    back: float  # PostgreSQL accepting connections again
    recovered: float  # every poster acknowledged again


def restart_under(stream: Stream, cluster: PostgresCluster, url: str, mode: str) -> Restart:
    """Stop PostgreSQL while both workers are inside a commit, keep it down, start it again,
    and wait for every poster to be acknowledged again."""
    wait_for(lambda: stream.acknowledged() >= BEFORE, 20, "posts before the restart")
    wait_for_commits(url, WORKERS)
    going = time.monotonic()
    cluster.stop(mode)
    gone = time.monotonic()
    time.sleep(DOWN_SECONDS)
    starting = time.monotonic()
    cluster.start()
    back = time.monotonic()
    wait_for(
        lambda: len(stream.posters_acknowledged(back)) == POSTERS,
        RECOVERY_SECONDS,
        f"every poster acknowledged again within {RECOVERY_SECONDS} s of PostgreSQL's return",
    )
    return Restart(going, gone, starting, back, time.monotonic())


def assert_every_post_answered(posts: list[Answer], restart: Restart) -> list[Answer]:
    """202 before and after; around the outage 202 or the outage answer; never no answer (the
    posts in flight when PostgreSQL went were in gunicorn's hands, which stayed up). The posts
    not acknowledged are returned."""
    assert not [a for a in posts if a.status == 0], "a post had no answer"
    assert {a.status for a in posts if a.answered < restart.going} == {202}
    # From the first post sent once PostgreSQL accepts connections again: stale pooled
    # connections are pinged and replaced, the reader sees nothing of them.
    late = [a for a in posts if a.sent > restart.back and a.status != 202]
    assert not late, late[:3]
    failed = [a for a in posts if a.status != 202]
    assert failed, "the restart should have been noticed by some posts"
    for answer in failed:
        assert_unavailable(answer)
        assert restart.going <= answer.answered and answer.sent <= restart.back
    return failed


def assert_acknowledged_stored(
    posts: list[Answer], failed: list[Answer], stored: dict[int, str]
) -> set[str]:
    """Every acknowledged comment stored, under the id it was acknowledged with; nothing stored
    twice or never sent. A post answered 503 may have been committed just before its connection
    went: stored, not acknowledged, which the reader can only retry. Those are returned."""
    acknowledged = {a.json["id"]: a.body for a in posts if a.status == 202}
    lost = {number: body for number, body in acknowledged.items() if stored.get(number) != body}
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged comments are not stored"
    assert set(stored.values()) <= {a.body for a in posts}
    assert len(set(stored.values())) == len(stored), "a comment was stored twice"
    unacknowledged = set(stored.values()) - set(acknowledged.values())
    assert unacknowledged <= {a.body for a in failed}
    return unacknowledged


def assert_health(health: list[Answer], after: list[Answer], restart: Restart) -> list[Answer]:
    """503 with Retry-After while PostgreSQL is down (those answers returned), 200 after."""
    down = [h for h in health if h.sent > restart.gone and h.answered < restart.starting]
    assert down and {h.status for h in down} == {503}, [h.status for h in down]
    assert all(int(h.headers["retry-after"]) >= 1 for h in down)
    assert {h.status for h in health if h.sent > restart.recovered} <= {200}
    assert {h.status for h in after} == {200}
    return down


def assert_logged(server: Gunicorn, mode: str) -> int:
    """One line per worker that noticed the outage and one when the database came back, no
    traceback, no 500 in the access log; how many commits the stop cut short is returned."""
    log = server.text()
    assert "Traceback" not in log, log[max(0, log.index("Traceback") - 500) :][:3000]
    noticed = log.count("Database unavailable (")
    assert 1 <= noticed <= WORKERS, log[-3000:]
    assert log.count("Database available again after") == noticed
    cut_short = log.count(CUT_SHORT[mode])
    assert cut_short >= 1, "the stop should have caught a worker inside its commit"
    statuses: collections.Counter[int] = collections.Counter()
    for counted in server.workers_by_status().values():
        statuses.update(counted)
    assert set(statuses) <= {202, 503}, statuses
    return cut_short


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgresql_restarted_during_a_stream_of_posts(
    mode: str,
    postgres_cluster_running: PostgresCluster,
    gunicorn_config: dict,
    served: Gunicorn,
) -> None:
    url = gunicorn_config["DATABASE_URL"]
    stream = Stream(served.port, mode)
    try:
        restart = restart_under(stream, postgres_cluster_running, url, mode)
        time.sleep(AFTER_SECONDS)
    finally:
        stream.stop()
    after = [request(served.port, "GET", "/api/health") for _ in range(2 * WORKERS)]
    served.stop()  # every log line written

    failed = assert_every_post_answered(stream.posts, restart)
    stored = stored_comments(url)
    unacknowledged = assert_acknowledged_stored(stream.posts, failed, stored)
    down = assert_health(stream.health, after, restart)
    cut_short = assert_logged(served, mode)

    posts = stream.posts
    # Negative when PostgreSQL answered before `pg_ctl start -w` noticed it was ready.
    first_back = min(a.answered for a in posts if a.status == 202 and a.answered > restart.gone)
    print(
        f"\n{mode}: {len(posts)} posts sent, {len(posts) - len(failed)} acknowledged, "
        f"{len(stored)} stored ({len(unacknowledged)} of them answered 503); {len(failed)} "
        f"answered 503 ({cut_short} with their commit cut short, "
        f"{len([a for a in failed if a.sent < restart.going])} sent before the stop); "
        f"PostgreSQL down {restart.back - restart.gone:.2f} s, health 503 x {len(down)}; "
        f"first post acknowledged again {first_back - restart.back:+.2f} s from its return, "
        f"every poster by {restart.recovered - restart.back:+.2f} s (posts queue behind the two "
        f"workers, {COMMIT_SECONDS} s commits)"
    )


def post_at_once(port: int, count: int, label: str) -> list[Answer]:
    """`count` posts at the same time, so that both workers take some."""
    with ThreadPoolExecutor(max_workers=POSTERS) as pool:
        bodies = [f"{label}: comment {number}" for number in range(count)]
        return list(pool.map(lambda body: request(port, "POST", "/api/comments", body), bodies))


def test_postgresql_restarted_while_the_api_is_idle(
    postgres_cluster_running: PostgresCluster, gunicorn_config: dict, served: Gunicorn
) -> None:
    """A restart at night, nobody posting: each worker's pooled connection is dead when the next
    post comes. It is pinged before use and replaced, so the first readers see no outage."""
    before = post_at_once(served.port, 20, "Before")
    used = served.workers_by_status()
    assert len(used) == WORKERS, f"each worker should hold a pooled connection: {used}"
    postgres_cluster_running.restart("fast")
    after = post_at_once(served.port, 20, "After")
    served.stop()
    assert [a.status for a in before + after] == [202] * 40, [a.text for a in after][:3]
    assert len(stored_comments(gunicorn_config["DATABASE_URL"])) == 40
    answered = served.workers_by_status()
    assert all(answered[pid][202] > used[pid][202] for pid in used), "both workers after it"
    log = served.text()
    assert "Traceback" not in log and "Database unavailable" not in log, log[-3000:]
