"""Security headers on every kind of page and response the API serves (feedback_api/headers.py),
and, in Chromium, a policy that the real pages keep without a single violation."""

from __future__ import annotations

import pytest

from fixtures.surveys import survey_manifest


def policy(answer) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    text = answer.headers["Content-Security-Policy"]
    return dict((part.strip() + " ").split(" ", 1) for part in text.split(";"))


def assert_common(answer, where: str) -> None:
    assert answer.headers["X-Content-Type-Options"] == "nosniff", where
    assert "camera=()" in answer.headers["Permissions-Policy"], where
    assert "Content-Security-Policy" in answer.headers, where
    assert "Strict-Transport-Security" not in answer.headers, where


def assert_site_page(answer, where: str) -> None:
    assert_common(answer, where)
    assert answer.mimetype == "text/html", where
    csp = policy(answer)
    assert csp["script-src"].startswith("'self' 'sha256-"), where
    assert "'unsafe-inline'" not in answer.headers["Content-Security-Policy"], where
    assert csp["style-src"].strip() == "'self'", where
    assert csp["frame-src"].strip() == "https://www.youtube-nocookie.com", where
    assert csp["frame-ancestors"].strip() == "'self'", where
    assert csp["object-src"].strip() == "'none'" and csp["base-uri"].strip() == "'none'", where
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", where


def assert_staff_page(answer, where: str) -> None:
    assert_common(answer, where)
    csp = policy(answer)
    assert csp["frame-ancestors"].strip() == "'none'", where
    assert "frame-src" not in csp, where
    assert answer.headers["X-Frame-Options"] == "DENY", where
    assert answer.headers["Referrer-Policy"] == "no-referrer", where
    assert "no-store" in answer.headers["Cache-Control"], where


def assert_not_a_page(answer, where: str) -> None:
    assert_common(answer, where)
    csp = policy(answer)
    assert csp["default-src"].strip() == "'none'", where
    assert csp["frame-ancestors"].strip() == "'none'", where


def test_every_site_page_type_has_the_headers(client, manifest) -> None:
    kinds = {}
    for entry in manifest["pages"]:
        kinds.setdefault(entry["kind"], entry["url"])
    assert set(kinds) >= {"article", "consultation", "page"}
    for where in ["/", *kinds.values(), "/blog/"]:
        answer = client.get(where)
        assert answer.status_code == 200, where
        assert_site_page(answer, where)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_site_page(missing, "site 404")
    for asset in ("/theme/js/comments.js", "/theme/css/main.css", "/feeds/all.atom.xml"):
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        assert_not_a_page(answer, asset)


def test_the_api_pages_and_answers_have_the_headers(client, manifest) -> None:
    article = next(p["url"] for p in manifest["pages"] if p.get("comments") == "open")
    form_again = client.post("/api/comments", data={"page": article, "body": ""})
    assert form_again.status_code == 400
    assert 'class="nhsuk-error-summary"' in form_again.get_data(as_text=True)
    assert_site_page(form_again, "comment form again")
    consultation = next(p for p in manifest["pages"] if p.get("questionnaire"))
    closed = client.post("/api/responses", data={"questionnaire": consultation["questionnaire"]})
    assert closed.status_code == 409
    assert_site_page(closed, "questionnaire closed page")
    for where in (
        f"/api/comments/received?page={article}",
        "/api/responses/received",
        "/api/search?q=urgent+care",
    ):
        answer = client.get(where)
        assert answer.status_code == 200, where
        assert_site_page(answer, where)
    for where in ("/api/health", "/api/openapi.json", f"/api/comments?page={article}"):
        answer = client.get(where)
        assert answer.status_code == 200 and answer.is_json, where
        assert_not_a_page(answer, where)
    feed = client.get("/api/feeds/comments.atom")
    assert feed.status_code == 200
    assert_not_a_page(feed, "comments feed")
    unknown = client.get("/api/no-such-thing")
    assert unknown.status_code == 404
    assert_not_a_page(unknown, "api 404")


def test_the_questionnaire_form_again_has_the_headers(tmp_path, built_site, make_app) -> None:
    app = make_app(ENGAGE_MANIFEST=survey_manifest(tmp_path, built_site))
    answer = app.test_client().post("/api/responses", data={"questionnaire": "test-survey"})
    assert answer.status_code == 422
    assert 'class="nhsuk-error-summary"' in answer.get_data(as_text=True)
    assert_site_page(answer, "questionnaire form again")


def test_staff_pages_may_not_be_framed(staff, staff_app, manifest) -> None:
    signed_out = staff_app.test_client()
    for where in ("/admin/sign-in", "/admin/"):
        answer = signed_out.get(where)
        assert answer.status_code in (200, 302), where
        assert_staff_page(answer, where)
    client = staff("admin")
    questionnaire = next(p["questionnaire"] for p in manifest["pages"] if p.get("questionnaire"))
    pages = ["/admin/", "/admin/dashboard", "/admin/reports/", f"/admin/reports/{questionnaire}"]
    for where in [*pages, "/admin/audit"]:
        answer = client.get(where)
        assert answer.status_code == 200, where
        assert_staff_page(answer, where)
    export = client.get(f"/admin/reports/{questionnaire}/responses.json")
    assert export.status_code == 200
    assert_not_a_page(export, "report export")


def test_a_header_a_view_set_is_kept(staff) -> None:
    # The moderation export sets its own Cache-Control; the hook adds, never replaces.
    answer = staff("admin").get("/admin/audit.json")
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers.get_all("Content-Security-Policy").__len__() == 1


def test_hsts_only_over_https(client) -> None:
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    health = client.get("/api/health", base_url="https://localhost")
    assert "Strict-Transport-Security" in health.headers
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.mark.browser
def test_no_policy_violation_on_real_pages(page, live_url) -> None:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(str(error)))
    # A post with comments (the widget fetches them) and a click-to-load video.
    page.goto(live_url + "/blog/when-to-use-nhs-111/")
    page.wait_for_selector("body.js-enabled.nhsuk-frontend-supported")
    page.wait_for_selector(".engage-comment-form, .engage-comments")
    page.wait_for_load_state("networkidle")
    page.click(".engage-video__play")
    page.wait_for_selector(".engage-video__frame--playing iframe")
    page.wait_for_timeout(300)
    # The player was let through by the policy (then stopped by the test's network guard).
    assert any("youtube-nocookie.com" in url for url in page.foreign_requests)
    page.goto(live_url + "/admin/sign-in")
    page.wait_for_selector("body.js-enabled")
    page.wait_for_load_state("networkidle")
    violations = [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
    assert violations == []
