"""Shared fixtures: the sample site built once through Pelican's own command, served on loopback,
tiny sites built from given files for the error cases, and Debian's Chromium through Playwright."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

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


@contextlib.contextmanager
def serving(app: object) -> Iterator[str]:
    """The app (site at /, API at /api) on a free loopback port, in a thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site and the API, served by the API's own process, for the whole session."""
    from flask_migrate import upgrade

    from feedback_api import create_app

    app = create_app(api_config(tmp_path_factory.mktemp("served"), built_site, "sqlite"))
    with app.app_context():
        upgrade()
    with serving(app) as url:
        yield url


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


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def describe(violations: list[dict]) -> str:
    """axe-core's violations, one a line, with the first few elements each concerns."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def assert_fits_320_px(page: object, url: str) -> None:
    """The page at `url`, on a 320 px wide screen, does not scroll sideways (WCAG reflow)."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(url)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 320px"


def assert_accessible(page: object, where: str) -> None:
    """No WCAG 2.2 A/AA violation that axe-core finds on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{where}:\n" + describe(results.response["violations"])


# --- The feedback API ---------------------------------------------------------------------------

POSTGRES_URL = os.environ.get("ENGAGE_TEST_POSTGRES_URL", "")
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def api_config(tmp_path: Path, built_site: Path, database: str, **overrides: object) -> dict:
    """Settings for an app on a fresh database of the given kind, reading the sample manifest."""
    url = POSTGRES_URL if database == "postgresql" else f"sqlite:///{tmp_path / 'engage.db'}"
    return {
        "ENGAGE_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": url,
        "ENGAGE_SECRET_KEY": "test-secret",
        "ENGAGE_MANIFEST": str(built_site / "engagement.json"),
        "ENGAGE_SITE_DIR": str(built_site),
        "ENGAGE_RATELIMIT_COMMENTS": "10000/minute",
        "ENGAGE_READ_CACHE_SECONDS": 0,
        **overrides,
    }


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest) -> str:
    """Each API test runs on SQLite, and on PostgreSQL when ENGAGE_TEST_POSTGRES_URL is set."""
    if request.param == "postgresql" and not POSTGRES_URL:
        pytest.skip("ENGAGE_TEST_POSTGRES_URL is not set")
    return request.param


@pytest.fixture
def make_app(tmp_path: Path, built_site: Path, database: str) -> Iterator[Callable[..., object]]:
    """Build apps on a fresh database (tables made by the real migrations)."""
    from feedback_api import create_app
    from feedback_api.storage.models import db

    made = []

    def factory(**overrides: object) -> object:
        app = create_app(api_config(tmp_path, built_site, database, **overrides))
        with app.app_context():
            if database == "postgresql":
                db.drop_all()
                db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
                db.session.commit()
            from flask_migrate import upgrade

            upgrade()
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., object]) -> object:
    return make_app()


@pytest.fixture
def client(app: object) -> object:
    return app.test_client()


@pytest.fixture
def runner(app: object) -> object:
    return app.test_cli_runner()


# --- Staff ---------------------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: object, path: str = "/admin/sign-in") -> str:
    """The CSRF token of the client's session, from a page that carries a form."""
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def staff_app(make_app: Callable[..., object]) -> object:
    """An app whose session cookie also travels over plain http, for the test client and
    the loopback server."""
    return make_app(ENGAGE_SECURE_COOKIES=False)


@pytest.fixture
def staff(staff_app: object) -> Callable[[str], object]:
    """`staff("moderator")` or `staff("admin")`: a test client signed in through the real form,
    with the new session's CSRF token as `.token`."""

    def sign_in(role: str = "moderator") -> object:
        from feedback_api.accounts import service as accounts

        email = f"{role}@example.nhs.uk"
        with staff_app.app_context():
            if accounts.find(email) is None:
                accounts.create(email, role, PASSWORD)
        client = staff_app.test_client()
        answer = client.post(
            "/admin/sign-in",
            data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)},
        )
        assert answer.status_code == 302, answer.get_data(as_text=True)
        client.token = csrf_token(client, "/admin/")
        return client

    return sign_in


def sign_in_with_form(page: object, url: str, email: str) -> None:
    """Fill in the sign-in form in front of `page` and send it; wait for the queue at
    `url`/admin/."""
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/admin/")


def sign_in_by_keyboard(page: object, url: str, email: str) -> None:
    """Sign in on the sign-in form in front of `page` with the keyboard alone, as a screen
    reader or switch user would: type, Tab, type, Enter; wait for the queue at `url`/admin/."""
    page.focus("#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/admin/")


@pytest.fixture
def live_url(app: object) -> Iterator[str]:
    """This test's app on a free loopback port, with a fresh database."""
    with serving(app) as url:
        yield url


# The cross-poster's rig: loopback fakes of the five platforms (tests/fake_platforms/rig.py).
from fake_platforms.rig import fakes, loopback_only, platform_servers, rig  # noqa: E402, F401
