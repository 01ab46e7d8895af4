"""Feedback API benchmark: HTTP requests, and each server as a gunicorn process group on loopback.

Generic: `Server`, `running` (start, wait until it answers, always stop) and `gunicorn_args`.
Per server: Isso 0.14 installed into its own venv with its config file, and our API's
environment.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.api_settings import (
    HOST,
    ISSO_VENV,
    ISSO_VERSION,
    ROOT,
    SECRET,
    WORKERS,
    BenchError,
)


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


def server_errors(log: Path) -> list[str]:
    """Tracebacks and error lines a server wrote during the run."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return [
        line
        for line in text.splitlines()
        if "Traceback" in line or "[ERROR]" in line or "[CRITICAL]" in line
    ]


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
