"""Every built page is valid HTML by the Nu HTML Checker (vnu-jar from npm, run with Java)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fixtures.site import ROOT

VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"


def test_every_page_is_valid_html(built_site: Path) -> None:
    java = shutil.which("java")
    if java is None or not VNU.exists():
        if os.environ.get("CI"):
            pytest.fail(
                "java and node_modules/vnu-jar are needed (.ci/run and make setup install them)"
            )
        pytest.skip("needs java and the vnu-jar npm package")
    done = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--skip-non-html",
            "--format",
            "json",
            str(built_site),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{m.get('url', '').split(str(built_site))[-1]} line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not errors, "\n".join(errors[:50])
    checked = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "-"],
        input="<!DOCTYPE html><title>x</title><p><div>bad nesting</p>",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(checked.stderr)["messages"], "the checker should catch an obvious error"
