"""The deploy kit end to end: Debian's nginx with the shipped site configuration in front of two
API processes under deploy/gunicorn.conf.py (two loopback ports standing for two hosts), on one
PostgreSQL (ENGAGE_TEST_POSTGRES_URL; one SQLite file without it) and one Redis. A reader's page
view, comment and rate limit and a moderator's sign-in go through it; each reader connects from
an address of their own (127.0.0.x), so what the API stored can be told apart from nginx's."""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from fixtures.api import POSTGRES_URL, api_config
from fixtures.gunicorn import ACCESS_LINE, Gunicorn
from fixtures.nginx import Nginx, client, require_nginx
from fixtures.redis import RedisServer, require_redis_server
from fixtures.staff import PASSWORD, TOKEN

if TYPE_CHECKING:
    from flask import Flask

Connect = Callable[..., requests.Session]
STAFF = "moderator@example.nhs.uk"
SECURITY = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Strict-Transport-Security",
    "X-Frame-Options",
)


@dataclass
class Stack:
    nginx: Nginx
    apis: list[Gunicorn]
    app: Flask  # the API in this process, on the same database, to read what was stored
    manifest: dict

    def article(self) -> str:
        return next(p["url"] for p in self.manifest["pages"] if p.get("comments") == "open")


def fresh_database(config: dict) -> Flask:
    """The schema made by the migrations on an empty database, and a moderator."""
    from flask_migrate import upgrade

    from feedback_api import create_app
    from feedback_api.accounts import service as accounts
    from feedback_api.storage import transaction
    from feedback_api.storage.models import db

    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
        with transaction():
            accounts.create(STAFF, "moderator", PASSWORD)
    return app


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, built_site: Path) -> Iterator[Stack]:
    """Shared by the module's tests: each reader uses an address of its own."""
    require_nginx()
    require_redis_server()
    folder = tmp_path_factory.mktemp("stack")
    site = folder / "site"
    shutil.copytree(built_site, site)
    (folder / "redis").mkdir()
    with contextlib.ExitStack() as started:
        redis = RedisServer(folder / "redis")
        started.callback(redis.stop)
        config = api_config(
            folder,
            site,
            "postgresql" if POSTGRES_URL else "sqlite",
            ENGAGE_SITE_DIR="",
            ENGAGE_TRUSTED_PROXIES=1,
            ENGAGE_RATELIMIT_STORAGE=redis.url,
            ENGAGE_RATELIMIT_COMMENTS="4/minute",
        )
        app = fresh_database(config)
        started.callback(forget, app)
        extra = ("-c", "deploy/gunicorn.conf.py")
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(
                    Gunicorn, config, folder / f"api{n}.log", 2, extra=extra, access_format=None
                )
                for n in (1, 2)
            ]
        for future in futures:
            if future.exception() is None:
                started.callback(future.result().stop)
        apis = [future.result() for future in futures]
        nginx = Nginx(folder / "nginx", site, [api.url.removeprefix("http://") for api in apis])
        started.callback(nginx.stop)
        manifest = json.loads((site / "engagement.json").read_text(encoding="utf-8"))
        yield Stack(nginx, apis, app, manifest)


def forget(app: Flask) -> None:
    """Close this process's connections to the database."""
    from feedback_api.storage.models import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def connect(stack: Stack) -> Iterator[Connect]:
    """`connect("127.0.0.5")`: a reader at that address (sessions closed after the test)."""
    sessions: list[requests.Session] = []

    def session(source: str = "127.0.0.1") -> requests.Session:
        sessions.append(client(stack.nginx, source))
        return sessions[-1]

    yield session
    for opened in sessions:
        opened.close()


def security(answer) -> dict[str, str | None]:
    return {name: answer.headers.get(name) for name in SECURITY}


def test_a_page_view_is_compressed_with_the_security_headers(
    stack: Stack, connect: Connect
) -> None:
    reader = connect("127.0.0.4")
    answer = reader.get(f"{stack.nginx.url}/", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and "<html" in answer.text
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert answer.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self' 'sha256-" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_fingerprinted_asset_is_kept_a_year_and_the_others_an_hour(
    stack: Stack, connect: Connect
) -> None:
    reader = connect("127.0.0.4")
    # The build's own fingerprinted files (css/main.<hash>.css, js/engage.<hash>.js, ...).
    for name in stack.manifest["assets"].values():
        if name.endswith((".css", ".js")):
            kept = reader.get(f"{stack.nginx.url}/theme/{name}")
            assert kept.status_code == 200, name
            assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable", name
    css = reader.get(f"{stack.nginx.url}/theme/{stack.manifest['assets']['css/main.css']}")
    assert css.headers["Content-Encoding"] == "gzip"
    plain = reader.get(f"{stack.nginx.url}/theme/css/main.css")
    assert plain.headers["Cache-Control"] == "public, max-age=3600"
    assert plain.headers["ETag"]


def test_plain_http_is_sent_to_https(stack: Stack, connect: Connect) -> None:
    answer = connect().get(f"{stack.nginx.http_url}/blog/?x=1", allow_redirects=False)
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://127.0.0.1/blog/?x=1"


def test_a_comment_is_stored_with_the_readers_address_not_nginxs(
    stack: Stack, connect: Connect
) -> None:
    from feedback_api.public.tokens import client_hash
    from feedback_api.storage.models import Comment, db

    reader = connect("127.0.0.5")
    answer = reader.post(
        f"{stack.nginx.url}/api/comments",
        json={"page": stack.article(), "body": "Through nginx."},
        headers={"X-Forwarded-For": "203.0.113.9"},  # a reader's lie, before nginx's own
    )
    assert answer.status_code == 202, answer.text
    assert answer.headers["Strict-Transport-Security"]  # the API knows it was HTTPS

    def hashed(address: str) -> str:
        with stack.app.test_request_context("/", environ_base={"REMOTE_ADDR": address}):
            return client_hash()

    with stack.app.app_context():
        stored = db.session.get(Comment, answer.json()["id"])
        assert stored.body == "Through nginx."
        assert stored.ip_hash == hashed("127.0.0.5")
        assert stored.ip_hash not in (hashed("127.0.0.1"), hashed("203.0.113.9"))


def test_a_moderator_signs_in_at_admin(stack: Stack, connect: Connect) -> None:
    staff = connect("127.0.0.6")
    form = f"{stack.nginx.url}/admin/sign-in"
    token = TOKEN.search(staff.get(form).text).group(1)
    answer = staff.post(
        form,
        data={"email": STAFF, "password": PASSWORD, "csrf_token": token},
        headers={"Referer": form},  # as a browser sends it; CSRF checks it over HTTPS
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"] == "/admin/"
    assert [c.secure for c in staff.cookies if c.name == "engage_staff"] == [True]
    queue = staff.get(f"{stack.nginx.url}/admin/", headers={"Accept-Encoding": "gzip"})
    assert queue.status_code == 200 and "Sign out" in queue.text
    assert "Content-Encoding" not in queue.headers  # staff pages are never compressed (BREACH)
    assert queue.headers["X-Frame-Options"] == "DENY"


def test_both_hosts_share_one_rate_limit_per_reader(stack: Stack, connect: Connect) -> None:
    """4 comments a minute per reader: the fifth is refused whichever host it reaches, a lie in
    X-Forwarded-For changes nothing, and another reader is not held back."""
    url = f"{stack.nginx.url}/api/comments"
    comment = {"page": stack.article(), "body": "Shared limits."}
    reader = connect("127.0.0.7")
    statuses = [reader.post(url, json=comment).status_code for _ in range(5)]
    assert statuses == [202, 202, 202, 202, 429]
    spoofed = reader.post(url, json=comment, headers={"X-Forwarded-For": "198.51.100.7"})
    assert spoofed.status_code == 429
    assert connect("127.0.0.8").post(url, json=comment).status_code == 202
    for api in stack.apis:  # each host took some of them
        assert api.workers_by_status("POST", "/api/comments"), api.text()[-2000:]
    upstreams = {
        line.rsplit("upstream=", 1)[1]
        for line in stack.nginx.access_log.read_text().splitlines()
        if '"POST /api/comments"' in line
    }
    assert upstreams == {api.url.removeprefix("http://") for api in stack.apis}


def test_no_access_log_names_a_reader(stack: Stack, connect: Connect) -> None:
    reader = connect("127.0.0.9")
    for path in ("/", "/api/health", f"/api/comments?page={stack.article()}", "/admin/sign-in"):
        assert reader.get(f"{stack.nginx.url}{path}").status_code == 200, path
    nginx_log = stack.nginx.access_log.read_text()
    assert '"GET /api/health" 200' in nginx_log and "?page=" not in nginx_log
    for api in stack.apis:
        access = [line for line in api.text().splitlines() if ACCESS_LINE.search(line)]
        assert access, api.text()[-2000:]
        # Neither the reader nor nginx (127.0.0.1) is named, nor the query string.
        assert not [line for line in access if "127.0.0." in line or "?" in line]
    assert "127.0.0.9" not in nginx_log


def test_every_page_type_has_the_apis_own_headers(stack: Stack, connect: Connect) -> None:
    """Site pages served by nginx carry exactly what the API sends with its site pages, and
    nginx's other files what the API sends with anything that is not a page."""
    reader = connect("127.0.0.10")
    base = stack.nginx.url
    article = stack.article()
    api_page = reader.get(f"{base}/api/comments/received?page={article}")
    assert api_page.status_code == 200 and api_page.headers["Content-Type"].startswith("text/html")
    page_headers = security(api_page)
    assert page_headers["X-Frame-Options"] is None and page_headers["Strict-Transport-Security"]
    kinds: dict[str, str] = {}
    for entry in stack.manifest["pages"]:
        kinds.setdefault(entry["kind"], entry["url"])
    questionnaire = next(p for p in stack.manifest["pages"] if p.get("questionnaire"))
    assert set(kinds) >= {"article", "consultation", "page"}
    for where in ["/", "/blog/", "/consultations/", *kinds.values(), questionnaire["url"]]:
        answer = reader.get(f"{base}{where}")
        assert answer.status_code == 200, where
        assert security(answer) == page_headers, where
    missing = reader.get(f"{base}/no-such-page/")
    assert missing.status_code == 404 and security(missing) == page_headers
    closed = reader.post(
        f"{base}/api/responses", data={"questionnaire": questionnaire["questionnaire"]}
    )
    assert closed.status_code == 409 and security(closed) == page_headers
    form_again = reader.post(f"{base}/api/comments", data={"page": article, "body": ""})
    assert form_again.status_code == 400 and security(form_again) == page_headers
    thanks = reader.get(f"{base}/api/responses/received")
    assert thanks.status_code == 200 and security(thanks) == page_headers

    not_a_page = security(reader.get(f"{base}/api/health"))
    for asset in ("/theme/js/comments.js", "/theme/css/main.css", "/feeds/all.atom.xml"):
        answer = reader.get(f"{base}{asset}")
        assert answer.status_code == 200, asset
        assert security(answer) == not_a_page, asset
    assert security(reader.get(f"{base}/api/no-such-thing")) == not_a_page

    staff = security(reader.get(f"{base}/admin/sign-in"))
    assert staff["X-Frame-Options"] == "DENY" and staff["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in staff["Content-Security-Policy"]
    assert staff["Strict-Transport-Security"]


def test_a_host_taken_out_of_the_upstream_block_gets_no_more_requests(
    stack: Stack, connect: Connect
) -> None:
    """What an operator does to take an API host out: one `server` line fewer, and a reload."""
    first, second = stack.apis
    reader = connect("127.0.0.11")

    def health_checks(api: Gunicorn) -> int:
        return sum(sum(c.values()) for c in api.workers_by_status("GET", "/api/health").values())

    try:
        stack.nginx.reload([first.url.removeprefix("http://")])
        before = health_checks(first), health_checks(second)
        for _ in range(6):
            assert reader.get(f"{stack.nginx.url}/api/health").status_code == 200
        deadline = time.monotonic() + 5  # gunicorn logs a request just after answering it
        while health_checks(first) < before[0] + 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (health_checks(first), health_checks(second)) == (before[0] + 6, before[1])
    finally:
        stack.nginx.reload([api.url.removeprefix("http://") for api in stack.apis])
    for _ in range(4):
        reader.get(f"{stack.nginx.url}/api/health")
    assert health_checks(second) > before[1]
