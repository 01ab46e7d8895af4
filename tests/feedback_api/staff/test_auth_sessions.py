"""Staff sessions live on the server: a cookie copied before sign-out, a password reset or
disabling the account is refused afterwards, the cookie carries nothing of the password hash,
idle sessions end with a message; and the authenticator step is counted and each code good once."""

from __future__ import annotations

import hashlib
import threading
import time

import pyotp
import requests

from feedback_api.accounts import service as accounts
from feedback_api.storage.models import StaffSession, db
from fixtures.auth_helpers import (
    ADMIN,
    COOKIE,
    MODERATOR,
    account,
    attack_app,
    audit,
    cookie_of,
    decoded_cookie,
    http_sign_in,
    http_token,
    send_code,
    sign_in,
)
from fixtures.servers import serving
from fixtures.staff import PASSWORD, csrf_token

WRONG_CODE = "000000"


def replay(app: object, cookie: str, path: str = "/admin/", **headers: str) -> object:
    """A request from another client that only has a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief.get(path, headers=headers)


def assert_refused(app: object, cookie: str) -> None:
    page = replay(app, cookie)
    assert page.status_code == 302 and "/admin/sign-in" in page.headers["Location"]
    assert replay(app, cookie, Accept="application/json").status_code == 401


def session_rows(app: object) -> list[StaffSession]:
    with app.app_context():
        return list(db.session.scalars(db.select(StaffSession)))


def test_a_cookie_copied_before_sign_out_is_refused_after_it(make_app) -> None:
    app = attack_app(make_app)
    with serving(app) as base:
        browser = http_sign_in(base, MODERATOR, PASSWORD)
        assert browser.answer.status_code == 302
        copied = browser.cookies[COOKIE]
        thief = requests.get(f"{base}/admin/", cookies={COOKIE: copied}, allow_redirects=False)
        assert thief.status_code == 200, "the copy works while the session lives"
        token = http_token(browser, f"{base}/admin/")
        out = browser.post(
            f"{base}/admin/sign-out", data={"csrf_token": token}, allow_redirects=False
        )
        assert out.status_code == 302
        for accept in ("text/html", "application/json"):
            again = requests.get(
                f"{base}/admin/",
                cookies={COOKIE: copied},
                headers={"Accept": accept},
                allow_redirects=False,
            )
            assert again.status_code == (302 if accept == "text/html" else 401)
    assert session_rows(app) == [], "the session is gone from the server"


def test_signing_out_ends_only_that_session(make_app) -> None:
    app = attack_app(make_app)
    desk, phone = app.test_client(), app.test_client()
    sign_in(desk, MODERATOR)
    sign_in(phone, MODERATOR)
    desk.post("/admin/sign-out", data={"csrf_token": csrf_token(desk, "/admin/")})
    assert desk.get("/admin/").status_code == 302
    assert phone.get("/admin/").status_code == 200


def test_a_password_reset_ends_every_session_of_the_account(make_app) -> None:
    app = attack_app(make_app)
    desk, phone, other = app.test_client(), app.test_client(), app.test_client()
    sign_in(desk, MODERATOR)
    sign_in(phone, MODERATOR)
    sign_in(other, ADMIN)
    copied = cookie_of(desk)
    reset = app.test_cli_runner().invoke(
        args=["users", "reset-password", MODERATOR, "--password-stdin"],
        input="a brand new passphrase\n",
    )
    assert reset.exit_code == 0, reset.output
    assert_refused(app, copied)
    assert phone.get("/admin/").status_code == 302
    assert other.get("/admin/").status_code == 200, "other accounts are not touched"
    assert sign_in(desk, MODERATOR, "a brand new passphrase").status_code == 302


def test_disabling_an_account_ends_its_sessions(make_app) -> None:
    app = attack_app(make_app)
    client = app.test_client()
    sign_in(client, MODERATOR)
    copied = cookie_of(client)
    assert app.test_cli_runner().invoke(args=["users", "disable", MODERATOR]).exit_code == 0
    assert_refused(app, copied)
    assert all(row.user_id != account(app).id for row in session_rows(app))


def test_the_sign_out_command_ends_every_session_and_list_shows_locks(make_app) -> None:
    app = attack_app(make_app)
    desk, phone = app.test_client(), app.test_client()
    sign_in(desk, MODERATOR)
    sign_in(phone, MODERATOR)
    runner = app.test_cli_runner()
    done = runner.invoke(args=["users", "sign-out", MODERATOR])
    assert done.exit_code == 0 and "Every session" in done.output
    assert desk.get("/admin/").status_code == 302 and phone.get("/admin/").status_code == 302
    assert [e.target for e in audit(app, "sessions ended")] == [MODERATOR]
    for _ in range(accounts.LOCK_AFTER):
        sign_in(app.test_client(), MODERATOR, "not the password at all")
    listing = runner.invoke(args=["users", "list"]).output
    assert any(MODERATOR in line and "locked" in line for line in listing.splitlines())


def test_the_cookie_carries_nothing_of_the_password(make_app) -> None:
    app = attack_app(make_app)
    client = app.test_client()
    sign_in(client, MODERATOR)
    raw = cookie_of(client)
    content = decoded_cookie(app, raw)
    assert set(content) <= {"sid", "csrf_token", "_permanent"}, content
    password_hash = account(app).password_hash
    salt, digest = password_hash.split("$")[-2:]
    for part in (salt, digest):
        for start in range(0, len(part) - 8):
            piece = part[start : start + 8]
            assert piece not in raw and piece not in str(content), "a piece of the hash"
    (row,) = session_rows(app)
    assert row.id_hash == hashlib.sha256(content["sid"].encode()).hexdigest()
    assert content["sid"] not in row.id_hash, "the server keeps only the digest"


def test_a_new_sign_in_replaces_the_browsers_session(make_app) -> None:
    app = attack_app(make_app)
    client = app.test_client()
    sign_in(client, MODERATOR)
    before = cookie_of(client)
    sign_in(client, MODERATOR)
    assert decoded_cookie(app, cookie_of(client))["sid"] != decoded_cookie(app, before)["sid"]
    assert_refused(app, before)
    assert len(session_rows(app)) == 1


def test_idle_sessions_end_on_the_server_and_say_why(make_app) -> None:
    app = attack_app(make_app, ENGAGE_IDLE_MINUTES=0)
    client = app.test_client()
    assert sign_in(client, MODERATOR).status_code == 302
    copied = cookie_of(client)
    answer = client.get("/admin/")
    assert answer.status_code == 302 and "/admin/sign-in" in answer.headers["Location"]
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you had not done anything for a while." in page
    assert session_rows(app) == []
    assert_refused(app, copied)


def test_sessions_in_use_stay_open(make_app) -> None:
    app = attack_app(make_app, ENGAGE_IDLE_MINUTES=1)
    client = app.test_client()
    sign_in(client, MODERATOR)
    for _ in range(3):
        assert client.get("/admin/").status_code == 200


# --- The authenticator step ----------------------------------------------------------------------


def with_authenticator(app: object, email: str = ADMIN) -> pyotp.TOTP:
    with app.app_context():
        return pyotp.TOTP(accounts.new_totp_secret(accounts.find(email)))


def test_wrong_codes_are_counted_and_lock_the_account(make_app) -> None:
    """Knowing the password gives no extra code guesses: signing in again does not reset it."""
    app = attack_app(make_app)
    totp = with_authenticator(app)
    client = app.test_client()
    guesses = 0
    for _ in range(2):
        assert sign_in(client, ADMIN).headers["Location"].startswith("/admin/sign-in/code")
        for _ in range(2):
            assert send_code(client, WRONG_CODE).status_code == 400
            guesses += 1
    sign_in(client, ADMIN)
    assert send_code(client, WRONG_CODE).status_code == 400
    guesses += 1
    assert guesses == accounts.LOCK_AFTER
    assert len(audit(app, "account locked")) == 1
    locked = send_code(client, totp.now())
    assert locked.status_code == 400 and "locked" in locked.get_data(as_text=True)
    assert sign_in(app.test_client(), ADMIN).status_code == 400, "the password step too"
    assert client.get("/admin/").status_code == 302
    details = [e.detail for e in audit(app, "sign-in code failed")]
    assert details == ["wrong code"] * accounts.LOCK_AFTER + ["account locked"]


def test_a_code_is_good_once_and_a_later_one_is_accepted(make_app) -> None:
    app = attack_app(make_app)
    totp = with_authenticator(app)
    first = app.test_client()
    sign_in(first, ADMIN)
    code = totp.now()
    assert send_code(first, code).status_code == 302
    assert first.get("/admin/").status_code == 200
    second = app.test_client()
    sign_in(second, ADMIN)
    replayed = send_code(second, code)
    assert replayed.status_code == 400, "the same code, the same time step: refused"
    assert audit(app, "sign-in code failed")[-1].detail == "code already used"
    later = totp.at(time.time() + totp.interval)  # the next step (allowed for clock drift)
    assert send_code(second, later).status_code == 302
    assert second.get("/admin/").status_code == 200
    assert account(app, ADMIN).failed_sign_ins == 0


def test_one_code_sent_twice_at_once_signs_in_once(make_app) -> None:
    app = attack_app(make_app)
    totp = with_authenticator(app)
    with serving(app) as base:
        browsers = [http_sign_in(base, ADMIN, PASSWORD) for _ in range(2)]
        tokens = [http_token(b, f"{base}/admin/sign-in/code") for b in browsers]
        code = totp.now()
        ready = threading.Barrier(2)
        codes: list[int] = []

        def send(browser: requests.Session, token: str) -> None:
            ready.wait(timeout=30)
            answer = browser.post(
                f"{base}/admin/sign-in/code",
                data={"code": code, "csrf_token": token},
                allow_redirects=False,
                timeout=60,
            )
            codes.append(answer.status_code)

        threads = [
            threading.Thread(target=send, args=pair) for pair in zip(browsers, tokens, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(codes) == [302, 400]


def test_the_code_step_expires_and_ends_with_a_password_reset(make_app) -> None:
    app = attack_app(make_app)
    totp = with_authenticator(app)
    client = app.test_client()
    sign_in(client, ADMIN)
    with app.app_context():
        accounts.set_password(accounts.find(ADMIN), "a brand new passphrase")
    data = {"code": totp.now(), "csrf_token": csrf_token(client)}
    answer = client.post("/admin/sign-in/code", data=data)
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/sign-in"
    assert client.get("/admin/").status_code == 302
