"""Under a real server (gunicorn, several worker processes): concurrent posts are each stored
once, and a server killed mid-stream loses no comment whose 2xx reached the client."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from feedback_api.storage.models import Comment, db
from fixtures.api import api_config
from fixtures.gunicorn import Gunicorn
from fixtures.servers import post_comment

PAGE = "/blog/winter-vaccines/"


@pytest.fixture
def server_config(make_app, tmp_path: Path, built_site: Path, database: str) -> dict:
    app = make_app()  # a fresh database with its tables
    config = api_config(tmp_path, built_site, database, ENGAGE_RATELIMIT_COMMENTS="100000/minute")
    config["_app"] = app
    return config


def stored_bodies(app) -> list[str]:
    with app.app_context():
        db.session.remove()
        return list(db.session.scalars(db.select(Comment.body)).all())


def test_200_concurrent_posts_are_all_stored_once(server_config: dict, tmp_path: Path) -> None:
    app = server_config.pop("_app")
    server = Gunicorn(server_config, tmp_path / "log")
    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            ids = list(pool.map(lambda n: post_comment(server.url, f"concurrent {n}"), range(200)))
    finally:
        server.kill()
    assert None not in ids, "every post should be acknowledged"
    assert len(set(ids)) == 200
    bodies = stored_bodies(app)
    assert sorted(bodies) == sorted(f"concurrent {n}" for n in range(200))


def test_a_killed_server_loses_no_acknowledged_comment(server_config: dict, tmp_path: Path) -> None:
    app = server_config.pop("_app")
    server = Gunicorn(server_config, tmp_path / "log", workers=2)
    acknowledged: list[str] = []
    stop = threading.Event()

    def stream(worker: int) -> None:
        n = 0
        while not stop.is_set():
            body = f"stream {worker}-{n}"
            if post_comment(server.url, body) is not None:
                acknowledged.append(body)
            n += 1

    threads = [threading.Thread(target=stream, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # mid-stream: requests are in flight
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) >= 150
    bodies = set(stored_bodies(app))
    lost = [body for body in acknowledged if body not in bodies]
    assert not lost, f"{len(lost)} acknowledged comments were lost, e.g. {lost[:3]}"
    # The database opens cleanly afterwards.
    restarted = Gunicorn(server_config, tmp_path / "log-after", workers=1)
    try:
        assert post_comment(restarted.url, "after the crash") is not None, restarted.text()
    finally:
        restarted.kill()
