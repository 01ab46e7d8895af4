"""A database outage: the app starts without its database, every request that needs it answers
503 with Retry-After (JSON for API clients, the NHS error page for a browser), the log has one
line per outage instead of a traceback per request, and service resumes by itself.

The outages are real: PostgreSQL on a loopback port nobody listens on, SQLite in a folder that
does not exist, and (with ENGAGE_TEST_POSTGRES_URL) the test PostgreSQL behind a loopback TCP
proxy that the test cuts off and restores, as a network fault or a database restart would.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import socket
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from feedback_api import create_app, outage
from feedback_api.accounts import service as accounts
from feedback_api.storage.models import db
from fixtures.api import POSTGRES_URL, api_config
from fixtures.staff import PASSWORD, csrf_token

PAGE = "/blog/winter-vaccines/"
DOWN = {
    "postgresql": "postgresql+psycopg://engage:engage@127.0.0.1:1/none",
    "sqlite": "sqlite:////no/such/folder/engage.db",
}


def migrate(app) -> None:
    """The real migrations, then logging as it was. Alembic's env.py calls fileConfig, which
    replaces the root logger's handlers (pytest's capture among them) and disables every
    logger that exists, the service's too, when migrations run in the test's process."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    with app.app_context():
        upgrade()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger(app.logger.name).disabled = False


@pytest.fixture(autouse=True)
def service_log(caplog: pytest.LogCaptureFixture) -> None:
    """The service's log, as an operator reads it, even after another test ran migrations."""
    logging.getLogger("feedback_api").disabled = False


def outage_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def assert_unavailable(answer, browser: bool = False) -> None:
    """503 with a Retry-After in seconds; JSON `{"error", "fields"}` or the NHS error page."""
    assert answer.status_code == 503, answer.get_data(as_text=True)[:300]
    assert int(answer.headers["Retry-After"]) >= 1
    if browser:
        html = answer.get_data(as_text=True)
        assert answer.mimetype == "text/html"
        assert "Sorry, the service is unavailable" in html and "nhsuk-" in html
        assert "cannot reach its database" in html
    else:
        assert answer.mimetype == "application/json"
        assert answer.json["fields"] == {} and "database" in answer.json["error"]


def a_commented_page(manifest: dict) -> str:
    return next(page["url"] for page in manifest["pages"] if page["comments"] == "open")


@pytest.mark.parametrize("kind", sorted(DOWN))
def test_requests_answer_503_and_the_outage_is_logged_once(
    kind, tmp_path, built_site, manifest, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(api_config(tmp_path, built_site, "sqlite", DATABASE_URL=DOWN[kind]))
    client = app.test_client()
    page = a_commented_page(manifest)

    assert_unavailable(client.get(f"/api/comments?page={page}"))
    assert_unavailable(client.post("/api/comments", json={"page": page, "body": "Hello"}))
    # The no-JavaScript comment form, and a member of staff signing in, in a browser.
    browser = {"Accept": "text/html"}
    form = {"page": page, "body": "Hello"}
    assert_unavailable(client.post("/api/comments", data=form, headers=browser), browser=True)
    sign_in = client.get("/admin/sign-in", headers=browser)
    assert sign_in.status_code == 200, "the sign-in form itself needs no database"
    form = {"email": "mod@example.nhs.uk", "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert_unavailable(client.post("/admin/sign-in", data=form, headers=browser), browser=True)
    health = client.get("/api/health")  # its own body, for monitors
    assert health.status_code == 503 and int(health.headers["Retry-After"]) >= 1
    body = health.json
    assert body.pop("manifest")["ok"] is True, "the manifest is read without the database"
    assert body == {
        "status": "unavailable",
        "database": "unavailable",
        "rate_limits": {"storage": "memory", "ok": True},
    }

    [record] = outage_records(caplog)
    assert record.levelno == logging.ERROR and record.exc_info is None, "no traceback"
    assert "Database unavailable" in record.getMessage()
    assert ("Connection refused" if kind == "postgresql" else "unable to open") in (
        record.getMessage()
    )
    assert "INSERT" not in record.getMessage(), "never the statement or what a reader wrote"
    repeats = [r for r in caplog.records if "still unavailable" in r.getMessage()]
    assert repeats and all(r.levelno == logging.DEBUG for r in repeats)


def test_sqlite_comes_back_without_a_restart(tmp_path, built_site, caplog) -> None:
    """The database file's folder appears (a disk mounted again): the next request works."""
    folder = tmp_path / "data"
    url = f"sqlite:///{folder / 'engage.db'}"
    app = create_app(api_config(tmp_path, built_site, "sqlite", DATABASE_URL=url))
    client = app.test_client()
    for _ in range(3):
        assert_unavailable(client.get(f"/api/comments?page={PAGE}"))
    assert len(outage_records(caplog)) == 1

    elsewhere = tmp_path / "prepared"
    prepared = create_app(
        api_config(
            tmp_path / "p", built_site, "sqlite", DATABASE_URL=f"sqlite:///{elsewhere / 'e.db'}"
        )
    )
    elsewhere.mkdir()
    migrate(prepared)
    with prepared.app_context():
        db.engine.dispose()
    shutil.move(elsewhere / "e.db", elsewhere / "engage.db")
    elsewhere.rename(folder)
    caplog.clear()

    answer = client.get(f"/api/comments?page={PAGE}")
    assert answer.status_code == 200 and answer.json["comments"] == []
    assert client.get("/api/health").status_code == 200
    [back] = outage_records(caplog)
    assert "Database available again" in back.getMessage()
    assert client.post("/api/comments", json={"page": PAGE, "body": "Back"}).status_code == 202


def test_a_signed_in_moderator_meets_the_nhs_page(tmp_path, built_site, caplog) -> None:
    """A member of staff mid-session: every page (it looks the session up) answers 503, in HTML."""
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder / 'engage.db'}"
    app = create_app(
        api_config(tmp_path, built_site, "sqlite", DATABASE_URL=url, ENGAGE_SECURE_COOKIES=False)
    )
    migrate(app)
    with app.app_context():
        accounts.create("mod@example.nhs.uk", "moderator", PASSWORD)
    client = app.test_client()
    form = {"email": "mod@example.nhs.uk", "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert client.post("/admin/sign-in", data=form).status_code == 302
    assert client.get("/admin/").status_code == 200

    folder.rename(tmp_path / "away")  # the disk goes; the open connections go with it
    with app.app_context():
        db.engine.dispose()
    browser = {"Accept": "text/html"}
    for path in ("/admin/", "/admin/sign-in", "/admin/reports/"):
        assert_unavailable(client.get(path, headers=browser), browser=True)
    assert len(outage_records(caplog)) == 1

    (tmp_path / "away").rename(folder)
    assert client.get("/admin/", headers=browser).status_code == 200, "still signed in"
    assert [r.getMessage()[:26] for r in outage_records(caplog)][1:] == [
        "Database available again a"
    ]
    with app.app_context():
        db.engine.dispose()


class Proxy:
    """A loopback TCP forwarder that can be cut off (every connection dropped, the port closed)
    and restored on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._stop = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._stop.clear()
        self._thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._thread.start()

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while not self._stop.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                upstream = socket.create_connection(self.target)
                with self._lock:
                    self._sockets |= {client, upstream}
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            self._close(end)

    def _close(self, end: socket.socket) -> None:
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
        end.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        with self._lock:
            ends, self._sockets = self._sockets, set()
        for end in ends:
            self._close(end)


@pytest.fixture
def proxied_postgresql(tmp_path: Path, built_site: Path):
    """An app on the test PostgreSQL, reached through a proxy the test controls."""
    if not POSTGRES_URL:
        pytest.skip("ENGAGE_TEST_POSTGRES_URL is not set")
    real = make_url(POSTGRES_URL)
    proxy = Proxy((real.host or "127.0.0.1", real.port or 5432))
    proxy.start()
    url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app(api_config(tmp_path, built_site, "postgresql", DATABASE_URL=url))
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    migrate(app)
    yield app, proxy
    proxy.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_postgresql_outage_and_recovery_through_a_proxy(proxied_postgresql, caplog) -> None:
    app, proxy = proxied_postgresql
    client = app.test_client()
    assert client.post("/api/comments", json={"page": PAGE, "body": "Before"}).status_code == 202
    assert client.get(f"/api/comments?page={PAGE}").status_code == 200
    caplog.clear()

    proxy.stop()  # pooled connections are dropped and new ones refused
    assert_unavailable(client.get(f"/api/comments?page={PAGE}"))
    assert_unavailable(client.post("/api/comments", json={"page": PAGE, "body": "During"}))
    assert client.get("/api/health").status_code == 503
    [down] = outage_records(caplog)
    assert "Database unavailable" in down.getMessage() and down.exc_info is None

    proxy.start()
    assert client.get("/api/health").status_code == 200
    assert client.post("/api/comments", json={"page": PAGE, "body": "After"}).status_code == 202
    [_, back] = outage_records(caplog)
    assert "Database available again" in back.getMessage()


class Statement(Exception):
    """A driver error carrying a PostgreSQL SQLSTATE, as psycopg's do."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def test_what_counts_as_an_outage() -> None:
    from sqlalchemy import exc

    def wrapped(kind: type, orig: Exception, invalidated: bool = False) -> Exception:
        return kind("SELECT 1", {}, orig, connection_invalidated=invalidated)

    assert outage.is_outage(exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"))
    assert outage.is_outage(wrapped(exc.OperationalError, Statement("connection refused")))
    assert outage.is_outage(wrapped(exc.InterfaceError, Statement("the connection is closed")))
    assert outage.is_outage(wrapped(exc.OperationalError, Statement("shutting down", "57P01")))
    assert outage.is_outage(wrapped(exc.ProgrammingError, Statement("gone"), invalidated=True))
    # A fault of the statement, not of the database: still a 500 with its traceback.
    nul = Statement("null character not permitted", "54000")
    assert not outage.is_outage(wrapped(exc.OperationalError, nul))
    assert not outage.is_outage(wrapped(exc.ProgrammingError, Statement("syntax error")))
    assert not outage.is_outage(exc.NoResultFound())


def test_other_database_errors_stay_500_with_a_traceback(tmp_path, built_site, caplog) -> None:
    from sqlalchemy import exc

    app = create_app(api_config(tmp_path, built_site, "sqlite"))

    def broken() -> str:
        raise exc.ProgrammingError("SELECT nonsense", {}, Statement("syntax error"))

    app.add_url_rule("/api/broken", view_func=broken)
    answer = app.test_client().get("/api/broken")
    assert answer.status_code == 500 and "Retry-After" not in answer.headers
    [record] = outage_records(caplog)
    assert record.exc_info is not None and "Unhandled error" in record.getMessage()
