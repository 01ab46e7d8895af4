"""The security headers written in deploy/nginx/engage.conf are the API's (feedback_api/headers.py),
read from the file itself, so the two cannot drift apart: when the API's policy changes (say, a new
nhsuk-frontend-jinja changes its inline script's hash) this fails with the line to paste.
tests/deploy/test_deploy_nginx.py checks the same through a running nginx, page type by type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixtures.api import api_config
from fixtures.nginx import SITE_CONF

MAP = re.compile(r"map \$sent_http_content_type \$engage_csp \{(?P<body>.*?)\n\}", re.DOTALL)
ENTRY = re.compile(r'^\s*(?P<key>\S+)\s+"(?P<value>[^"]*)";', re.MULTILINE)
# The HTTPS server's `location /`, which serves the files (the plain-HTTP one only redirects).
STATIC = re.compile(r"^    location / \{\s+try_files(?P<body>.*?)^    \}", re.DOTALL | re.MULTILINE)
ADD_HEADER = re.compile(
    r'^\s*add_header (?P<name>\S+) (?:"(?P<text>[^"]*)"|(?P<var>\$\w+)) always;'
)


def site_conf() -> str:
    return SITE_CONF.read_text(encoding="utf-8")


def csp_by_type() -> dict[str, str]:
    """The policies nginx picks by the response's Content-Type."""
    body = MAP.search(site_conf()).group("body")
    return {m.group("key"): m.group("value") for m in ENTRY.finditer(body)}


def static_headers() -> dict[str, str]:
    """What `location /` (the site's files) adds; a variable stands for its map."""
    body = STATIC.search(site_conf()).group("body")
    lines = [line for line in body.splitlines() if "add_header" in line]
    found = {}
    for line in lines:
        match = ADD_HEADER.match(line)
        assert match, f'not `add_header Name "value" always;` (404 pages need them too): {line}'
        found[match.group("name")] = match.group("text") or match.group("var")
    return found


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, built_site: Path):
    """The API's test client on the sample site (no database is touched)."""
    from feedback_api import create_app

    folder = tmp_path_factory.mktemp("headers")
    return create_app(api_config(folder, built_site, "sqlite", ENGAGE_SITE_DIR="")).test_client()


def test_site_pages_get_the_apis_policy_for_site_pages(api, manifest) -> None:
    article = next(p["url"] for p in manifest["pages"] if p.get("comments") == "open")
    page = api.get(f"/api/comments/received?page={article}", base_url="https://localhost")
    assert page.status_code == 200 and page.mimetype == "text/html"
    expected = page.headers["Content-Security-Policy"]
    assert csp_by_type()["~^text/html"] == expected, (
        "deploy/nginx/engage.conf: the map $engage_csp line for pages should read\n"
        f'    ~^text/html "{expected}";'
    )


def test_everything_else_gets_the_apis_policy_for_what_is_not_a_page(api) -> None:
    from feedback_api.headers import NOTHING

    health = api.get("/api/health")
    assert health.headers["Content-Security-Policy"] == NOTHING
    assert csp_by_type()["default"] == NOTHING
    assert set(csp_by_type()) == {"~^text/html", "default"}


def test_the_other_headers_are_the_apis_over_https(api) -> None:
    """Every header the API adds to a site page over HTTPS, nginx adds too, with the same value
    (and Cache-Control, chosen per file by the $engage_cache map)."""
    answer = api.get("/api/responses/received", base_url="https://localhost")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    wanted = {
        name: answer.headers[name]
        for name in (
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Permissions-Policy",
            "Strict-Transport-Security",
        )
    }
    assert "X-Frame-Options" not in answer.headers  # site pages may be framed by the site
    added = static_headers()
    assert added == {
        **wanted,
        "Content-Security-Policy": "$engage_csp",
        "Cache-Control": "$engage_cache",
    }
