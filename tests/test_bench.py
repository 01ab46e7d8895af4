"""The benchmark keeps working: a small run builds both configurations and prints the ratios."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fixtures.nginx import require_nginx
from fixtures.postgres_cluster import binaries, unavailable
from fixtures.redis import require_redis_server
from fixtures.site import ROOT


def test_site_build_benchmark_runs_small(tmp_path: Path) -> None:
    numbers = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            "bench/site_build.py",
            "--posts",
            "15",
            "--runs",
            "1",
            "--json",
            str(numbers),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ours/vanilla" in done.stdout
    result = json.loads(numbers.read_text())
    for config in ("vanilla", "ours"):
        assert result["configs"][config]["median"]["cold"] > 0


def test_languages_benchmark_runs_small() -> None:
    done = subprocess.run(
        [sys.executable, "bench/languages_build.py", "--posts", "10", "--runs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "four/English" in done.stdout
    pages = next(line for line in done.stdout.splitlines() if line.startswith("HTML pages"))
    english, four = (int(n) for n in pages.split()[-2:])
    assert four > 3 * english, "every page is written in each language"


def test_crosspost_benchmark_runs_small() -> None:
    done = subprocess.run(
        [sys.executable, "bench/crosspost_diff.py", "--entries", "50", "--runs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "diff, nothing new" in done.stdout and "parse only (anchor)" in done.stdout


def test_listen_benchmark_runs_small() -> None:
    """Fifty posts over the five fake platforms: every reply comes in on the first poll, and a
    poll with nothing new costs a handful of requests a platform, not one per post."""
    done = subprocess.run(
        [sys.executable, "bench/listen.py", "--posts", "50", "--replies", "200", "--runs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {line[:29].strip(): line for line in done.stdout.splitlines()}
    for row in ("listener calls only (anchor)", "first poll", "10 new replies"):
        assert row in rows, done.stdout
    assert "problem:" not in done.stdout, done.stdout
    first = rows["first poll"].split()
    assert first[4] == "200", rows["first poll"]  # items brought in
    idle = rows["idle poll"].split()
    assert idle[4] == "0", rows["idle poll"]
    per_platform = [int(count) for count in idle[5:10]]
    assert len(per_platform) == 5 and max(per_platform) <= 3, rows["idle poll"]


def test_reports_benchmark_runs_small() -> None:
    """Five hundred responses and two hundred comments: every report page answers 200 (the
    benchmark asserts it) and each row has both sizes and their ratio."""
    done = subprocess.run(
        [
            sys.executable,
            "bench/reports.py",
            "--responses",
            "500",
            "--comments",
            "200",
            "--runs",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for row in ("reports index", "questionnaire report", "involvement report"):
        [line] = [line for line in done.stdout.splitlines() if line.strip().startswith(row)]
        assert line.count(" s") >= 2 and line.rstrip().endswith(("x)", "target")), line


def test_spike_benchmark_runs_small(tmp_path: Path) -> None:
    """Seconds of load (the set-up takes longer): a host is killed, the other carries on, and
    every acknowledged post is in the database exactly once."""
    require_nginx()
    require_redis_server()
    if binaries() is None:
        unavailable("Debian's PostgreSQL server is not installed", "apt-get install postgresql")
    numbers = tmp_path / "spike.json"
    smoke = ("--duration", "4", "--anchor", "2", "--json", str(numbers))
    done = subprocess.run(
        [sys.executable, "bench/spike.py", *smoke],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(numbers.read_text())
    assert result["killed_at_s"] is not None
    assert result["phases"]["spike_after_kill"]["page"]["answered_2xx"] > 0
    posts = result["posts"]
    assert posts["acknowledged"] > 0 and posts["lost"] == [] and posts["duplicated"] == []
    assert posts["acknowledged"] == posts["stored"] - posts["stored_unacknowledged"]
