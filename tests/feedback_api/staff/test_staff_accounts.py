"""Staff accounts managed in the workspace (/admin/users), through the real app: inviting by
e-mail through the outbox to a real SMTP server on loopback, the link single-use and expiring,
role changes, disabling and resets that end sessions, requiring an authenticator, the guard
rails that keep an administrator in, each action in the audit log, 403 for moderators and CSRF."""

from __future__ import annotations

import datetime
import re

import pyotp
import pytest

from feedback_api.accounts import links
from feedback_api.accounts import service as accounts
from feedback_api.storage import audit, transaction
from feedback_api.storage.models import AccountLink, OutboxMessage, db
from fixtures.outbox import deliver
from fixtures.smtp import SMTPServer
from fixtures.staff import PASSWORD, csrf_token

LINK = re.compile(r"(/admin/invitation/[A-Za-z0-9_-]+)")
NEW_PASSWORD = "a brand new long password"


@pytest.fixture
def staff_app(make_app, smtp_server: SMTPServer):
    """The staff app with mail on, sent to the loopback SMTP server."""
    return make_app(ENGAGE_SECURE_COOKIES=False, **smtp_server.settings)


def actions(app, action: str) -> list:
    with app.app_context():
        return [(e.target, e.user_id) for e in audit.entries(action=action)]


def invite(admin, email: str = "new@example.nhs.uk", role: str = "moderator"):
    return admin.post(
        "/admin/users/invite",
        data={"email": email, "name": "New Person", "role": role, "csrf_token": admin.token},
    )


def mailed_link(app, smtp_server: SMTPServer, to: str) -> str:
    """Deliver the outbox and find the link in the last message that reached `to`."""
    tally = deliver(app)
    assert tally is not None
    messages = [m for m in smtp_server.inbox.messages if m["To"] == to]
    assert messages, f"no e-mail reached {to}"
    body = messages[-1].get_payload(decode=True).decode()
    link = LINK.search(body).group(1)
    # Once delivered, the outbox keeps no copy of the link.
    with app.app_context():
        kept = db.session.scalars(db.select(OutboxMessage)).all()
        assert kept and not any(link.rsplit("/", 1)[-1] in str(row.payload) for row in kept)
    return link


def user_id(app, email: str) -> int:
    with app.app_context():
        return accounts.find(email).id


def sign_in(app, email: str, password: str):
    client = app.test_client()
    return client, client.post(
        "/admin/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
    )


def test_the_list_shows_every_account_in_uk_time(staff_app, staff) -> None:
    admin = staff("admin")
    page = admin.get("/admin/users")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "admin@example.nhs.uk" in text and "Administrator" in text and "Active" in text
    assert 'href="/admin/users"' in text and 'aria-current="page"' in text
    with staff_app.app_context():
        user = accounts.find("admin@example.nhs.uk")
        with transaction():
            user.last_sign_in = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    assert "2 July 2026 at 12:30am BST" in admin.get("/admin/users").get_data(as_text=True)


def test_an_invitation_is_mailed_and_the_invitee_chooses_a_password(
    staff_app, staff, smtp_server: SMTPServer
) -> None:
    admin = staff("admin")
    sent = invite(admin)
    assert sent.status_code == 303
    assert actions(staff_app, "account invited") == [("new@example.nhs.uk", 1)]
    # Until the link is used nobody can sign in, and the account shows as invited.
    assert "Invited" in admin.get("/admin/users").get_data(as_text=True)
    link = mailed_link(staff_app, smtp_server, "new@example.nhs.uk")
    with staff_app.app_context():
        stored = db.session.scalars(db.select(AccountLink)).all()
        assert len(stored) == 1 and link.rsplit("/", 1)[1] not in stored[0].token_hash
    invitee = staff_app.test_client()
    form = invitee.get(link)
    assert form.status_code == 200 and "Choose your password" in form.get_data(as_text=True)
    token = csrf_token(invitee, link)
    short = invitee.post(link, data={"password": "short", "confirm": "short", "csrf_token": token})
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
    done = invitee.post(
        link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    )
    assert done.status_code == 200 and "Password saved" in done.get_data(as_text=True)
    assert actions(staff_app, "invitation accepted") == [("new@example.nhs.uk", 2)]
    _, signed_in = sign_in(staff_app, "new@example.nhs.uk", NEW_PASSWORD)
    assert signed_in.status_code == 302
    # Single use: the same link again gets the page that says so.
    again = invitee.get(link)
    assert again.status_code == 410 and "used already" in again.get_data(as_text=True)
    reused = invitee.post(
        link, data={"password": "another long password", "confirm": "another long password",
                    "csrf_token": token},
    )  # fmt: skip
    assert reused.status_code == 410
    _, old = sign_in(staff_app, "new@example.nhs.uk", NEW_PASSWORD)
    assert old.status_code == 302


def test_an_expired_or_unknown_link_gets_a_clear_page(staff_app, staff, smtp_server) -> None:
    admin = staff("admin")
    invite(admin)
    link = mailed_link(staff_app, smtp_server, "new@example.nhs.uk")
    with staff_app.app_context(), transaction():
        row = db.session.scalars(db.select(AccountLink)).one()
        row.expires = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    client = staff_app.test_client()
    expired = client.get(link)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    unknown = client.get("/admin/invitation/not-a-real-token")
    assert unknown.status_code == 410 and "not right" in unknown.get_data(as_text=True)
    assert links.LINK_HOURS == 72


def test_an_invitation_for_an_existing_address_is_refused(staff_app, staff) -> None:
    admin = staff("admin")
    again = invite(admin, "admin@example.nhs.uk")
    assert again.status_code == 400
    assert "already an account" in again.get_data(as_text=True)
    assert actions(staff_app, "account invited") == []


def test_change_role_and_the_last_admin_guard(staff_app, staff) -> None:
    admin = staff("admin")
    staff("moderator")
    mod = user_id(staff_app, "moderator@example.nhs.uk")
    me = user_id(staff_app, "admin@example.nhs.uk")
    made = admin.post(f"/admin/users/{mod}/role", data={"role": "admin", "csrf_token": admin.token})
    assert made.status_code == 303
    with staff_app.app_context():
        assert accounts.get(mod).role == "admin"
    entry = actions(staff_app, "role changed")
    assert entry == [("moderator@example.nhs.uk", me)]
    # Oneself: never demoted or disabled from the workspace.
    for path, data in ((f"/admin/users/{me}/role", {"role": "moderator"}),
                       (f"/admin/users/{me}/disable", {})):  # fmt: skip
        refused = admin.post(path, data={**data, "csrf_token": admin.token}, follow_redirects=True)
        assert "your own account" in refused.get_data(as_text=True)
    with staff_app.app_context():
        assert accounts.get(me).role == "admin" and not accounts.get(me).disabled
        # The last active administrator: the other admin cannot take them down either.
        with transaction():
            accounts.get(mod).role = "moderator"
        with pytest.raises(accounts.AccountError, match="last active administrator"):
            links.check_change(accounts.get(mod), accounts.get(me), role="moderator")


def test_disabling_ends_sessions_and_enabling_lets_them_back(staff_app, staff) -> None:
    admin = staff("admin")
    moderator = staff("moderator")
    mod = user_id(staff_app, "moderator@example.nhs.uk")
    assert moderator.get("/admin/").status_code == 200
    off = admin.post(f"/admin/users/{mod}/disable", data={"csrf_token": admin.token})
    assert off.status_code == 303
    assert moderator.get("/admin/").status_code == 302  # signed out at once
    assert actions(staff_app, "account disabled")[0][0] == "moderator@example.nhs.uk"
    assert "Disabled" in admin.get("/admin/users").get_data(as_text=True)
    on = admin.post(f"/admin/users/{mod}/enable", data={"csrf_token": admin.token})
    assert on.status_code == 303
    _, back = sign_in(staff_app, "moderator@example.nhs.uk", PASSWORD)
    assert back.status_code == 302
    assert actions(staff_app, "account enabled")[0][0] == "moderator@example.nhs.uk"


def test_a_reset_ends_sessions_and_mails_a_link(staff_app, staff, smtp_server) -> None:
    admin = staff("admin")
    moderator = staff("moderator")
    mod = user_id(staff_app, "moderator@example.nhs.uk")
    sent = admin.post(f"/admin/users/{mod}/reset", data={"csrf_token": admin.token})
    assert sent.status_code == 303
    assert PASSWORD not in admin.get(sent.headers["Location"]).get_data(as_text=True)
    assert moderator.get("/admin/").status_code == 302
    _, old = sign_in(staff_app, "moderator@example.nhs.uk", PASSWORD)
    assert old.status_code == 400  # the old password no longer works
    assert actions(staff_app, "password reset link sent")[0][0] == "moderator@example.nhs.uk"
    link = mailed_link(staff_app, smtp_server, "moderator@example.nhs.uk")
    client = staff_app.test_client()
    token = csrf_token(client, link)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token})
    _, new = sign_in(staff_app, "moderator@example.nhs.uk", NEW_PASSWORD)
    assert new.status_code == 302
    assert actions(staff_app, "password set by link")[0][0] == "moderator@example.nhs.uk"


def test_requiring_an_authenticator_sets_one_up_through_the_link(
    staff_app, staff, smtp_server
) -> None:
    admin = staff("admin")
    staff("moderator")
    mod = user_id(staff_app, "moderator@example.nhs.uk")
    admin.post(
        f"/admin/users/{mod}/authenticator", data={"required": "yes", "csrf_token": admin.token}
    )
    assert actions(staff_app, "second factor required")[0][0] == "moderator@example.nhs.uk"
    _, refused = sign_in(staff_app, "moderator@example.nhs.uk", PASSWORD)
    assert refused.status_code == 400 and "authenticator" in refused.get_data(as_text=True)
    admin.post(f"/admin/users/{mod}/reset", data={"csrf_token": admin.token})
    link = mailed_link(staff_app, smtp_server, "moderator@example.nhs.uk")
    client = staff_app.test_client()
    token = csrf_token(client, link)
    done = client.post(
        link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    )
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', done.get_data(as_text=True)).group(1)
    person, step = sign_in(staff_app, "moderator@example.nhs.uk", NEW_PASSWORD)
    assert step.status_code == 302 and "/admin/sign-in/code" in step.headers["Location"]
    code = person.post(
        "/admin/sign-in/code",
        data={"code": pyotp.TOTP(secret).now(),
              "csrf_token": csrf_token(person, "/admin/sign-in/code")},
    )  # fmt: skip
    assert code.status_code == 302


def test_moderators_get_403_and_every_action_needs_csrf(staff_app, staff) -> None:
    moderator = staff("moderator")
    admin = staff("admin")
    mod = user_id(staff_app, "moderator@example.nhs.uk")
    for path in ("/admin/users", "/admin/users/invite", f"/admin/users/{mod}"):
        assert moderator.get(path).status_code == 403, path
    assert (
        moderator.post(
            f"/admin/users/{mod}/role", data={"role": "admin", "csrf_token": moderator.token}
        ).status_code
        == 403
    )
    assert "Staff accounts" not in moderator.get("/admin/").get_data(as_text=True)
    for path in (f"/admin/users/{mod}/role", f"/admin/users/{mod}/disable",
                 f"/admin/users/{mod}/reset", f"/admin/users/{mod}/authenticator",
                 "/admin/users/invite"):  # fmt: skip
        assert (
            admin.post(path, data={"role": "admin", "email": "x@example.nhs.uk"}).status_code == 400
        )
    with staff_app.app_context():
        assert accounts.get(mod).role == "moderator" and not accounts.get(mod).disabled
        assert accounts.find("x@example.nhs.uk") is None


def test_without_mail_no_invitation_is_made(make_app) -> None:
    app = make_app(ENGAGE_SECURE_COOKIES=False)
    with app.app_context():
        accounts.create("admin@example.nhs.uk", "admin", PASSWORD)
    admin, _ = sign_in(app, "admin@example.nhs.uk", PASSWORD)
    data = {"email": "new@example.nhs.uk", "role": "moderator"}
    refused = admin.post(
        "/admin/users/invite", data={**data, "csrf_token": csrf_token(admin, "/admin/users/invite")}
    )
    assert refused.status_code == 400 and "ENGAGE_SMTP_HOST" in refused.get_data(as_text=True)
    with app.app_context():
        assert accounts.find("new@example.nhs.uk") is None


# --- In the browser ----------------------------------------------------------------------------


@pytest.mark.browser
def test_staff_account_pages_have_no_wcag_violations(page, staff_app, smtp_server) -> None:
    """Invite someone with the keyboardless form in Chromium, then the invitee's link page:
    every page (and the invite form with its error summary) passes axe-core."""
    from fixtures.browser import assert_accessible
    from fixtures.servers import serving
    from fixtures.staff import sign_in_with_form

    with staff_app.app_context():
        accounts.create("admin@example.nhs.uk", "admin", PASSWORD, name="Lead")
    with serving(staff_app) as url:
        page.goto(url + "/admin/")
        sign_in_with_form(page, url, "admin@example.nhs.uk")
        page.click("text=Staff accounts")
        assert_accessible(page, "/admin/users")
        page.click("text=Invite someone")
        page.click("button:has-text('Send invitation')")
        page.wait_for_selector(".nhsuk-error-summary")
        assert_accessible(page, "/admin/users/invite with errors")
        page.fill("#email", "new@example.nhs.uk")
        page.check("#role")
        page.click("button:has-text('Send invitation')")
        page.wait_for_selector(".nhsuk-notification-banner")
        assert_accessible(page, "/admin/users/<id>")
        link = mailed_link(staff_app, smtp_server, "new@example.nhs.uk")
        page.click("button:has-text('Sign out')")
        page.goto(url + link)
        assert_accessible(page, "/admin/invitation/<token>")
        page.fill("#password", NEW_PASSWORD)
        page.fill("#confirm", NEW_PASSWORD)
        page.click("button:has-text('Save password')")
        page.wait_for_selector("text=Password saved")
        assert_accessible(page, "password saved")
        page.goto(url + link)
        assert_accessible(page, "a used link")
        assert page.foreign_requests == []
