"""Staff sign-in and authorisation through the real app: argon2 accounts, CSRF, throttling and
lock-out, idle timeout, the TOTP step, and a walk over every /admin route."""

from __future__ import annotations

import pyotp
import pytest

from feedback_api.accounts import service as accounts
from feedback_api.storage.models import AuditEntry, db
from fixtures.browser import assert_accessible
from fixtures.servers import serving
from fixtures.staff import PASSWORD, TOKEN, csrf_token, sign_in_by_keyboard


@pytest.fixture
def staff_app(make_app):
    """Plain-http cookies, and a moderator and an administrator already made."""
    app = make_app(ENGAGE_SECURE_COOKIES=False)
    with app.app_context():
        accounts.create("mod@example.nhs.uk", "moderator", PASSWORD)
        accounts.create("admin@example.nhs.uk", "admin", PASSWORD)
    return app


def sign_in(client, email: str, password: str = PASSWORD, **extra: str):
    return client.post(
        "/admin/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(client), **extra},
    )


def audit_actions(app) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_sign_in_and_out(staff_app) -> None:
    client = staff_app.test_client()
    assert client.get("/admin/").status_code == 302
    answer = sign_in(client, "Mod@Example.nhs.uk")
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    out = client.post("/admin/sign-out", data={"csrf_token": csrf_token(client)})
    assert out.status_code == 302
    assert client.get("/admin/").status_code == 302
    assert audit_actions(staff_app) == ["signed in", "signed out"]


def test_wrong_password_is_one_message_and_no_session(staff_app) -> None:
    client = staff_app.test_client()
    answer = sign_in(client, "mod@example.nhs.uk", "wrong password!")
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "nhsuk-error-summary" in html and "is not right" in html
    assert 'value="mod@example.nhs.uk"' in html, "the email typed is kept"
    unknown = sign_in(client, "nobody@example.nhs.uk")
    assert unknown.status_code == 400, "an unknown account gets the same answer"
    assert client.get("/admin/").status_code == 302
    assert audit_actions(staff_app) == ["sign-in failed", "sign-in failed"]


def test_account_locks_after_five_wrong_passwords(staff_app) -> None:
    client = staff_app.test_client()
    for _ in range(5):
        assert sign_in(client, "mod@example.nhs.uk", "guess guess guess").status_code == 400
    assert sign_in(client, "mod@example.nhs.uk").status_code == 400, (
        "locked, even with the password"
    )
    with staff_app.app_context():
        accounts.set_password(accounts.find("mod@example.nhs.uk"), PASSWORD)  # an admin unlocks
    assert sign_in(client, "mod@example.nhs.uk").status_code == 302


def test_sign_in_attempts_are_throttled_per_client(make_app) -> None:
    app = make_app(ENGAGE_SECURE_COOKIES=False, ENGAGE_RATELIMIT_SIGN_IN="3/minute")
    client = app.test_client()
    codes = [
        sign_in(client, f"x{n}@example.nhs.uk", "nope nope nope").status_code for n in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_forms_without_a_csrf_token_are_refused(staff_app) -> None:
    client = staff_app.test_client()
    answer = client.post(
        "/admin/sign-in", data={"email": "mod@example.nhs.uk", "password": PASSWORD}
    )
    assert answer.status_code == 400
    sign_in(client, "mod@example.nhs.uk")
    assert client.post("/admin/sign-out").status_code == 400
    assert client.get("/admin/").status_code == 200, "still signed in"


def test_idle_sessions_end(make_app) -> None:
    app = make_app(ENGAGE_SECURE_COOKIES=False, ENGAGE_IDLE_MINUTES=0)
    with app.app_context():
        accounts.create("mod@example.nhs.uk", "moderator", PASSWORD)
    client = app.test_client()
    assert sign_in(client, "mod@example.nhs.uk").status_code == 302
    answer = client.get("/admin/")
    assert answer.status_code == 302 and "/admin/sign-in" in answer.headers["Location"]


def test_second_factor(staff_app) -> None:
    with staff_app.app_context():
        secret = accounts.new_totp_secret(accounts.find("admin@example.nhs.uk"))
    client = staff_app.test_client()
    answer = sign_in(client, "admin@example.nhs.uk")
    assert answer.headers["Location"].startswith("/admin/sign-in/code")
    assert client.get("/admin/").status_code == 302, "not signed in before the code"
    token = csrf_token(client, "/admin/sign-in/code")
    wrong = client.post("/admin/sign-in/code", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 400
    right = client.post(
        "/admin/sign-in/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token}
    )
    assert right.status_code == 302
    assert client.get("/admin/audit").status_code == 200


def test_disabled_accounts_and_password_resets_end_sessions(staff_app) -> None:
    client = staff_app.test_client()
    sign_in(client, "mod@example.nhs.uk")
    with staff_app.app_context():
        accounts.set_password(accounts.find("mod@example.nhs.uk"), "a brand new passphrase")
    assert client.get("/admin/").status_code == 302
    sign_in(client, "mod@example.nhs.uk", "a brand new passphrase")
    with staff_app.app_context():
        accounts.set_disabled(accounts.find("mod@example.nhs.uk"), True)
    assert client.get("/admin/").status_code == 302
    assert sign_in(client, "mod@example.nhs.uk", "a brand new passphrase").status_code == 400


def test_session_cookie_is_secure_httponly_strict(make_app) -> None:
    app = make_app()
    with app.app_context():
        accounts.create("mod@example.nhs.uk", "moderator", PASSWORD)
    client = app.test_client()
    token = TOKEN.search(
        client.get("/admin/sign-in", base_url="https://localhost").get_data(as_text=True)
    )
    answer = client.post(
        "/admin/sign-in",
        base_url="https://localhost",
        data={"email": "mod@example.nhs.uk", "password": PASSWORD, "csrf_token": token.group(1)},
        headers={"Referer": "https://localhost/admin/sign-in"},  # CSRF over HTTPS checks it
    )
    cookie = answer.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_next_never_leaves_the_site(staff_app) -> None:
    client = staff_app.test_client()
    answer = client.post(
        "/admin/sign-in?next=https://evil.example/",
        data={
            "email": "mod@example.nhs.uk",
            "password": PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert answer.headers["Location"] == "/admin/"


PUBLIC_ADMIN = {"auth.sign_in", "auth.second_step", "auth.sign_out", "account_link.use_link"}


def admin_rules(app) -> list:
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]


def test_every_admin_route_needs_a_session_and_the_right_role(staff_app) -> None:
    """Walk the whole URL map: nothing under /admin is reachable without signing in."""
    rules = admin_rules(staff_app)
    assert len(rules) >= 3
    anonymous = staff_app.test_client()
    moderator = staff_app.test_client()
    sign_in(moderator, "mod@example.nhs.uk")
    for rule in rules:
        if rule.endpoint in PUBLIC_ADMIN:
            continue
        view = staff_app.view_functions[rule.endpoint]
        assert hasattr(view, "staff_role"), f"{rule.rule} is not wrapped in staff_required"
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            page = anonymous.open(url, method=method)
            assert page.status_code in (302, 400), f"{method} {url}: {page.status_code}"
            if page.status_code == 302:
                assert "/admin/sign-in" in page.headers["Location"]
            script = anonymous.open(url, method=method, headers={"Accept": "application/json"})
            assert script.status_code in (401, 400), f"{method} {url} as JSON: {script.status_code}"
            if view.staff_role == "admin" and method == "GET":
                assert moderator.open(url, method=method).status_code == 403, url


def test_users_command_line(staff_app) -> None:
    runner = staff_app.test_cli_runner()
    made = runner.invoke(
        args=["users", "create", "new@example.nhs.uk", "--role", "moderator", "--password-stdin"],
        input="a long enough password\n",
    )
    assert made.exit_code == 0, made.output
    listing = runner.invoke(args=["users", "list"])
    assert "new@example.nhs.uk" in listing.output and "moderator" in listing.output
    short = runner.invoke(
        args=["users", "create", "x@example.nhs.uk", "--role", "admin", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    twice = runner.invoke(
        args=["users", "create", "new@example.nhs.uk", "--role", "admin", "--password-stdin"],
        input="another long password\n",
    )
    assert "There is already an account" in twice.output
    last = runner.invoke(args=["users", "disable", "admin@example.nhs.uk"])
    assert last.exit_code != 0 and "last active administrator" in last.output
    assert runner.invoke(args=["users", "disable", "new@example.nhs.uk"]).exit_code == 0
    reset = runner.invoke(
        args=["users", "reset-password", "mod@example.nhs.uk", "--password-stdin"],
        input="the newest password here\n",
    )
    assert reset.exit_code == 0
    client = staff_app.test_client()
    assert sign_in(client, "mod@example.nhs.uk", "the newest password here").status_code == 302
    totp = runner.invoke(args=["users", "totp", "admin@example.nhs.uk"])
    assert "otpauth://totp/" in totp.output
    with staff_app.app_context():
        assert accounts.find("new@example.nhs.uk").disabled
        assert accounts.find("admin@example.nhs.uk").password_hash.startswith("$argon2id$")


def test_admins_can_be_required_to_use_an_authenticator(make_app) -> None:
    app = make_app(ENGAGE_SECURE_COOKIES=False, ENGAGE_ADMIN_TOTP=True)
    with app.app_context():
        accounts.create("admin@example.nhs.uk", "admin", PASSWORD)
        accounts.create("mod@example.nhs.uk", "moderator", PASSWORD)
    client = app.test_client()
    refused = sign_in(client, "admin@example.nhs.uk")
    assert refused.status_code == 400
    assert "users totp admin@example.nhs.uk" in refused.get_data(as_text=True)
    assert sign_in(app.test_client(), "mod@example.nhs.uk").status_code == 302
    with app.app_context():
        accounts.new_totp_secret(accounts.find("admin@example.nhs.uk"))
    assert (
        sign_in(client, "admin@example.nhs.uk")
        .headers["Location"]
        .startswith("/admin/sign-in/code")
    )


@pytest.mark.browser
def test_sign_in_page_is_accessible_and_works_by_keyboard(make_app, page) -> None:
    app = make_app(ENGAGE_SECURE_COOKIES=False)
    with app.app_context():
        accounts.create("mod@example.nhs.uk", "moderator", PASSWORD)
    with serving(app) as url:
        page.goto(f"{url}/admin/")
        assert "/admin/sign-in" in page.url
        assert_accessible(page, "the sign-in page")
        sign_in_by_keyboard(page, url, "mod@example.nhs.uk")
        assert_accessible(page, "the queue")
