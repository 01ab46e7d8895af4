"""ENGAGE_LOG_FORMAT=json: every log record is one JSON object on one line, with time, level,
logger and message, a traceback in its own field, and never the client's address or what the
request carried; in the API's own process and under gunicorn."""

from __future__ import annotations

import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feedback_api import config
from fixtures.servers import free_port, http_status
from fixtures.site import ROOT

SECRET = "test-secret-for-the-suite-only-0123456789"
# gunicorn's own lines ("[2026-12-01 10:00:00 +0000] [123] [INFO] ..."), which it writes itself.
GUNICORN_LINE = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[\d+\] \[[A-Z]+\] ")

SCRIPT = """
import json, logging, sys
from feedback_api import create_app

app = create_app(json.loads(sys.argv[1]))
app.add_url_rule("/boom", "boom", lambda: 1 / 0)
logging.getLogger("feedback_api").warning("first line\\nsecond line\\u2028third")
logging.getLogger("sqlalchemy.pool").error("from a library: %s", "é")
client = app.test_client()
reader = {"REMOTE_ADDR": "203.0.113.77"}
client.get("/boom?q=QUERY-SECRET", data="BODY-SECRET", environ_base=reader)
client.get("/api/comments?page=/blog/winter-vaccines/", environ_base=reader)
"""


def settings(tmp_path: Path, built_site: Path, **extra: str) -> dict[str, str]:
    """An API whose database cannot be opened, so requests log an outage."""
    return {
        "ENGAGE_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-folder' / 'engage.db'}",
        "ENGAGE_SECRET_KEY": SECRET,
        "ENGAGE_MANIFEST": str(built_site / "engagement.json"),
        "ENGAGE_SITE_DIR": "",
        **extra,
    }


def records(text: str) -> list[dict]:
    """Every line as JSON (the test fails on a line that is not)."""
    found = []
    for line in text.splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not a JSON line: {line!r}")
    return found


def assert_shape(record: dict) -> None:
    assert {"time", "level", "logger", "message", "process"} <= set(record), record
    moment = datetime.datetime.fromisoformat(record["time"])
    assert moment.utcoffset() == datetime.timedelta(0) and record["time"].endswith("Z")


def test_the_apis_records_are_json_lines(tmp_path: Path, built_site: Path) -> None:
    config = settings(tmp_path, built_site, ENGAGE_LOG_FORMAT="json")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("ENGAGE_")},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.isascii(), "every character past ASCII is an escape"
    found = records(done.stderr)
    for record in found:
        assert_shape(record)
    by_message = {record["message"].split("\n")[0]: record for record in found}

    warning = by_message["first line"]
    assert warning["message"] == "first line\nsecond line\u2028third"
    assert (warning["level"], warning["logger"]) == ("WARNING", "feedback_api")
    assert by_message["from a library: é"]["logger"] == "sqlalchemy.pool"

    boom = by_message["Unhandled error on GET /boom"]
    assert boom["level"] == "ERROR"
    assert boom["exception"].startswith("Traceback") and "ZeroDivisionError" in boom["exception"]
    outage = next(r for r in found if r["message"].startswith("Database unavailable"))
    assert outage["level"] == "ERROR" and "exception" not in outage
    for secret in ("203.0.113.77", "QUERY-SECRET", "BODY-SECRET"):
        assert secret not in done.stderr


def test_text_stays_the_default(tmp_path: Path, built_site: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(settings(tmp_path, built_site))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("ENGAGE_")},
    )
    assert done.returncode == 0, done.stderr
    assert "first line\nsecond line" in done.stderr
    assert not done.stderr.lstrip().startswith("{")


@pytest.mark.parametrize("value", ["xml", "JSON lines"])
def test_an_unknown_format_stops_start_up(tmp_path: Path, value: str) -> None:
    with pytest.raises(config.SettingsError, match=r"ENGAGE_LOG_FORMAT=.* \(use text or json\)"):
        config.load(tmp_path, {"ENGAGE_LOG_FORMAT": value}, {})
    assert config.load(tmp_path, {"ENGAGE_LOG_FORMAT": " JSON "}, {})["ENGAGE_LOG_FORMAT"] == "json"


CONFIGURED = """
from feedback_api.operations.logs import gunicorn_logconfig

logconfig_dict = gunicorn_logconfig()
access_log_format = "%(m)s %(U)s %(s)s %(M)sms"
"""


@pytest.mark.parametrize("configured", [False, True], ids=["plain", "gunicorn_logconfig"])
def test_under_gunicorn_the_workers_log_json_lines(
    tmp_path: Path, built_site: Path, configured: bool
) -> None:
    """Plain, gunicorn's own lines are its own (at --log-level warning it says nothing here) and
    every line the app's workers write is JSON; with `gunicorn_logconfig()` (README) every line,
    gunicorn's access log too, is JSON."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGE_")}
    env.update(settings(tmp_path, built_site, ENGAGE_LOG_FORMAT="json"))
    options = ["--log-level", "warning"]
    if configured:
        (tmp_path / "gunicorn.conf.py").write_text(CONFIGURED, encoding="utf-8")
        options = ["-c", str(tmp_path / "gunicorn.conf.py"), "--access-logfile", "-"]
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", *options, "-w", "2"),
                *("-b", f"127.0.0.1:{port}", "--no-control-socket", "feedback_api.wsgi:app"),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while http_status(f"http://127.0.0.1:{port}/api/health") != 503:
                assert time.monotonic() < deadline and server.poll() is None, log.read_text()
                time.sleep(0.1)
            for _ in range(6):
                http_status(f"http://127.0.0.1:{port}/api/comments?page=/blog/winter-vaccines/")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    lines = log.read_text(encoding="utf-8").splitlines()
    ours = [line for line in lines if configured or not GUNICORN_LINE.match(line)]
    found = records("\n".join(ours))
    outages = [r for r in found if r["message"].startswith("Database unavailable")]
    assert outages, lines
    for record in found:
        assert_shape(record)
    assert {r["process"] for r in outages} - {server.pid}, "written by the workers"
    if configured:
        access = [r for r in found if r["logger"] == "gunicorn.access"]
        assert any(r["message"].startswith("GET /api/comments 503") for r in access), access
        assert not any("127.0.0.1" in r["message"] for r in access), "no client address"
        assert any(r["logger"] == "gunicorn.error" for r in found)
        assert sum(r["message"] == outages[0]["message"] for r in found) <= 2, "once a worker"
