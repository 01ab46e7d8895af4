"""The benchmark keeps working: a small run builds both configurations and prints the ratios."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
