"""Under a real server (gunicorn, several worker processes): concurrent posts are each stored
once, and a server killed mid-stream loses no comment whose 2xx reached the client."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from feedback_api.storage.models import Comment, db
from fixtures.api import api_config
from fixtures.site import ROOT

PAGE = "/blog/winter-vaccines/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn running feedback_api.wsgi:app on loopback, in its own process group."""

    def __init__(self, config: dict, workers: int = 4) -> None:
        self.port = free_port()
        env = {**os.environ, **{k: str(v) for k, v in config.items()}}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "1",
                "--no-control-socket",
                "feedback_api.wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/api/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"gunicorn did not start: {self.process.stderr.read().decode()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the whole group: master and workers, with no chance to tidy up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process.stderr.close()


def post(url: str, body: str) -> int | None:
    """POST a comment; the id if the server acknowledged it with a 2xx, else None."""
    data = json.dumps({"page": PAGE, "body": body}).encode()
    request = urllib.request.Request(
        f"{url}/api/comments", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())["id"] if answer.status == 202 else None
    except (OSError, ValueError, http.client.HTTPException):
        return None  # no complete answer: not acknowledged (e.g. the server died mid-reply)


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


def test_200_concurrent_posts_are_all_stored_once(server_config: dict) -> None:
    app = server_config.pop("_app")
    server = Server(server_config)
    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            ids = list(pool.map(lambda n: post(server.url, f"concurrent {n}"), range(200)))
    finally:
        server.kill()
    assert None not in ids, "every post should be acknowledged"
    assert len(set(ids)) == 200
    bodies = stored_bodies(app)
    assert sorted(bodies) == sorted(f"concurrent {n}" for n in range(200))


def test_a_killed_server_loses_no_acknowledged_comment(server_config: dict) -> None:
    app = server_config.pop("_app")
    server = Server(server_config, workers=2)
    acknowledged: list[str] = []
    stop = threading.Event()

    def stream(worker: int) -> None:
        n = 0
        while not stop.is_set():
            body = f"stream {worker}-{n}"
            if post(server.url, body) is not None:
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
    restarted = Server(server_config, workers=1)  # the database opens cleanly afterwards
    try:
        assert post(restarted.url, "after the crash") is not None
    finally:
        restarted.kill()
