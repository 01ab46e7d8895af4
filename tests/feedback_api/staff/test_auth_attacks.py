"""Sign-in under attack, through real servers on loopback: parallel guessing cannot pass the lock
(threads, and gunicorn worker processes), every refusal costs one argon2 check whatever the
reason, lock windows run out, and long addresses get a form error rather than a 500."""

from __future__ import annotations

import datetime
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from contract.vocabulary import AuditAction
from feedback_api.accounts import service as accounts
from feedback_api.storage import audit as audit_log
from feedback_api.storage import transaction
from feedback_api.storage.models import User, db, utcnow
from fixtures.auth_helpers import (
    ADMIN,
    MODERATOR,
    CountingHasher,
    account,
    attack_app,
    audit,
    http_token,
    sign_in,
)
from fixtures.servers import free_port, serving
from fixtures.site import ROOT
from fixtures.staff import PASSWORD, csrf_token

PARALLEL = 16
WRONG = "not the password at all"


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(accounts, "HASHER", counting)
    return counting


def guess_in_parallel(base: str, email: str, password: str, count: int = PARALLEL) -> list[int]:
    """`count` browsers, each with its own session and CSRF token, post at the same moment."""
    ready = threading.Barrier(count)

    def guess(_: int) -> int:
        browser = requests.Session()
        token = http_token(browser, f"{base}/admin/sign-in")
        ready.wait(timeout=60)
        answer = browser.post(
            f"{base}/admin/sign-in",
            data={"email": email, "password": password, "csrf_token": token},
            allow_redirects=False,
            timeout=120,
        )
        return answer.status_code

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(guess, range(count)))


def right_password_over_http(base: str) -> int:
    browser = requests.Session()
    token = http_token(browser, f"{base}/admin/sign-in")
    return browser.post(
        f"{base}/admin/sign-in",
        data={"email": MODERATOR, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    ).status_code


def assert_only_lock_after_were_checked(app: object) -> None:
    """The audit says which failures reached the password check; the account is locked."""
    failed = audit(app, "sign-in failed")
    checked = [e for e in failed if e.detail == "wrong password"]
    assert len(checked) == accounts.LOCK_AFTER, [e.detail for e in failed]
    assert {e.detail for e in failed} - {"wrong password"} == {"account locked"}
    assert len(audit(app, "account locked")) == 1
    user = account(app)
    assert user.failed_sign_ins == accounts.LOCK_AFTER
    assert user.locked_until > utcnow()


def test_parallel_guesses_on_a_threaded_server_stop_at_the_lock(make_app, hasher) -> None:
    app = attack_app(make_app)
    real_hash = account(app).password_hash
    with serving(app) as base:
        assert guess_in_parallel(base, MODERATOR, WRONG) == [400] * PARALLEL
        assert right_password_over_http(base) == 400, "locked, even with the right password"
    assert hasher.verified[real_hash] == accounts.LOCK_AFTER, "no more guesses were checked"
    assert hasher.checks() == PARALLEL + 1, "every attempt spent one argon2 check"
    assert_only_lock_after_were_checked(app)


def wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{log.read_text()}")
        try:
            if requests.get(f"{base}/admin/sign-in", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still booting
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer:\n{log.read_text()}")


def test_parallel_guesses_on_gunicorn_workers_stop_at_the_lock(make_app, tmp_path) -> None:
    """Four worker processes share nothing but the database: the lock must hold there."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists() and not shutil.which("gunicorn"):
        pytest.skip("gunicorn is not installed")
    app = attack_app(make_app)
    port = free_port()
    settings = {
        key: str(app.config[key])
        for key in ("ENGAGE_SECRET_KEY", "ENGAGE_MANIFEST", "ENGAGE_RATELIMIT_SIGN_IN")
    }
    env = {
        **os.environ,
        **settings,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ENGAGE_INSTANCE_PATH": app.instance_path,
        "ENGAGE_SECURE_COOKIES": "false",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(gunicorn), "-w", "4", "-b", f"127.0.0.1:{port}", "feedback_api.wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, process, log)
        assert guess_in_parallel(base, MODERATOR, WRONG) == [400] * PARALLEL
        assert right_password_over_http(base) == 400
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert_only_lock_after_were_checked(app)


def test_every_refusal_spends_one_argon2_check(make_app, hasher) -> None:
    """Unknown, disabled, locked and wrong: one verification each, never a hash, so the time
    taken does not tell them apart."""
    app = attack_app(make_app)
    with app.app_context():
        accounts.set_disabled(accounts.find(ADMIN), True)
    real_hash = account(app).password_hash
    client = app.test_client()
    paths = {
        "unknown": "nobody@example.nhs.uk",
        "disabled": ADMIN,
        "wrong": MODERATOR,  # five of these lock the account...
    }
    for name, email in [*paths.items(), *[("wrong", MODERATOR)] * (accounts.LOCK_AFTER - 1)]:
        before, hashed = hasher.checks(), hasher.hashed
        assert sign_in(client, email, WRONG).status_code == 400, name
        assert hasher.checks() - before == 1, name
        assert hasher.hashed == hashed, f"{name}: a hash instead of a check"
    before_real = hasher.verified[real_hash]
    assert sign_in(client, MODERATOR, PASSWORD).status_code == 400  # ...and then it is locked
    assert hasher.verified[real_hash] == before_real, "a locked account's hash is not checked"
    assert hasher.verified[accounts.dummy_hash()] == 3, "unknown, disabled, locked"
    details = [e.detail for e in audit(app, "sign-in failed")]
    assert details[:3] == ["no such account", "account disabled", "wrong password"]
    assert details[-1] == "account locked"


def timed_sign_in(client: object, email: str, password: str = WRONG) -> float:
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    started = time.perf_counter()
    assert client.post("/admin/sign-in", data=data).status_code == 400
    return time.perf_counter() - started


def test_refusals_take_about_as_long_as_a_wrong_password(make_app) -> None:
    """Medians, with a wide margin for a busy machine: before the fix a locked account answered
    in a fifteenth of the time of a wrong password."""
    app = attack_app(make_app)
    emails = [f"timing{n}@example.nhs.uk" for n in range(2)]
    with app.app_context():
        for email in [*emails, "off@example.nhs.uk"]:
            accounts.create(email, "moderator", PASSWORD)
        accounts.set_disabled(accounts.find("off@example.nhs.uk"), True)
    client = app.test_client()
    times: dict[str, list[float]] = {"wrong": [], "locked": [], "unknown": [], "disabled": []}
    for phase in ("wrong", "locked"):
        for _ in range(accounts.LOCK_AFTER):
            for email in emails:
                times[phase].append(timed_sign_in(client, email))
                times["unknown"].append(timed_sign_in(client, "nobody@example.nhs.uk"))
                times["disabled"].append(timed_sign_in(client, "off@example.nhs.uk"))
    assert [e.detail for e in audit(app, "sign-in failed")].count("account locked") == len(
        times["locked"]
    )
    medians = {name: statistics.median(runs) for name, runs in times.items()}
    print("sign-in refusal medians (ms):", {k: round(v * 1000, 1) for k, v in medians.items()})
    for name in ("locked", "unknown", "disabled"):
        assert 0.5 <= medians[name] / medians["wrong"] <= 3, medians


def test_a_lock_runs_out_and_the_count_starts_again(make_app) -> None:
    app = attack_app(make_app)
    client = app.test_client()
    for _ in range(accounts.LOCK_AFTER):
        sign_in(client, MODERATOR, WRONG)
    with app.app_context():
        past = utcnow() - datetime.timedelta(seconds=1)
        db.session.execute(db.update(User).values(locked_until=past))
        db.session.commit()
    for _ in range(accounts.LOCK_AFTER - 1):
        assert sign_in(client, MODERATOR, WRONG).status_code == 400
    assert account(app).locked_until is None, "a new window: four wrong do not lock"
    assert sign_in(client, MODERATOR).status_code == 302
    assert account(app).failed_sign_ins == 0, "a sign-in resets the count"


def test_an_address_over_254_characters_is_a_form_error(make_app) -> None:
    app = attack_app(make_app)
    client = app.test_client()
    answer = sign_in(client, "a" * 285 + "@example.nhs.uk", WRONG)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "nhsuk-error-summary" in html
    assert "The email address must be 254 characters or fewer." in html
    assert audit(app, "sign-in failed") == [], "nothing was tried"


def test_an_address_longer_than_the_audit_column_is_recorded_cut_to_fit(make_app) -> None:
    """254 characters is a valid address: the audit entry must not break the sign-in (it gave
    PostgreSQL a 500)."""
    app = attack_app(make_app)
    email = "b" * 230 + "@example.nhs.uk"
    answer = sign_in(app.test_client(), email, WRONG)
    assert answer.status_code == 400 and "is not right" in answer.get_data(as_text=True)
    (entry,) = audit(app, "sign-in failed")
    assert len(entry.target) == audit_log.TARGET_LENGTH and entry.target.endswith("\u2026")
    assert email.startswith(entry.target[:-1])
    with app.app_context(), transaction():
        audit_log.record(AuditAction.ACCOUNT_CREATED, target="c" * 300, user=None)
    assert len(audit(app, "account created")[0].target) == audit_log.TARGET_LENGTH
