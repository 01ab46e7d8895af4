"""Shared fixtures: the sample site built once through Pelican's own command, served on loopback,
tiny sites built from given files for the error cases, and Debian's Chromium through Playwright."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from engagement.serve import make_server

ROOT = Path(__file__).resolve().parent.parent
BUILD_DAY = "2026-11-25"  # consultation status is worked out for this day, whatever today is
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Build:
    """The result of one `pelican` run."""

    returncode: int
    output: Path
    log: str


def run_pelican(content: Path, output: Path, cache: Path, *extra: str) -> Build:
    """Build as editors and hosting pipelines do: `pelican CONTENT -s pelicanconf.py -o OUTPUT`."""
    settings = {"CACHE_PATH": str(cache), "ENGAGE_TODAY": BUILD_DAY}
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-s",
        "pelicanconf.py",
        "-o",
        str(output),
    ]
    command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in settings.items()), *extra]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"},
    )
    return Build(done.returncode, output, done.stdout + done.stderr)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built once for the session."""
    base = tmp_path_factory.mktemp("site")
    build = run_pelican(ROOT / "content", base / "output", base / "cache")
    assert build.returncode == 0, build.log
    for level in ("WARNING", "ERROR", "CRITICAL"):
        assert level not in build.log, f"the sample site should build cleanly:\n{build.log}"
    return build.output


@pytest.fixture(scope="session")
def manifest(built_site: Path) -> dict:
    return json.loads((built_site / "engagement.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served on a free loopback port."""
    server = make_server(built_site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[[dict[str, str]], Build]:
    """Build a tiny site from {relative path: text}, on top of a minimal valid site."""

    def build(files: dict[str, str]) -> Build:
        content = tmp_path / "content"
        if content.exists():
            shutil.rmtree(content)
        base = {
            "posts/first.md": (
                "Title: First\nDate: 2026-01-05\nCategory: News\nSummary: A first post.\n\nHello.\n"
            ),
            "pages/about.md": "Title: About\nSummary: About us.\n\nAbout.\n",
        }
        for relative, text in {**base, **files}.items():
            path = content / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return run_pelican(content, tmp_path / "output", tmp_path / "cache")

    return build


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, driven by Playwright; never a downloaded browser."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser page that may only talk to 127.0.0.1: anything else is refused and noted."""
    context = browser.new_context()
    page = context.new_page()
    page.foreign_requests = []

    def guard(route: object) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            page.foreign_requests.append(url)
            route.abort()

    page.route("**/*", guard)
    yield page
    context.close()
