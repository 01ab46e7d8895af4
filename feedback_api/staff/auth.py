"""Staff sign-in: server-side sessions named by a secure, HttpOnly, SameSite cookie, CSRF on
every form, throttled and locked-out failed sign-ins, an idle timeout, and an optional TOTP
second step.

Every staff route is wrapped in `staff_required`: without a session a browser is sent to sign in
and a script gets 401; the wrong role gets 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, current_app, g, redirect, request, session, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from contract.vocabulary import AuditAction, Role
from feedback_api.accounts import links
from feedback_api.accounts import service as accounts
from feedback_api.boundary import local_path
from feedback_api.errors import FeedbackError, wants_json
from feedback_api.limits import limiter
from feedback_api.storage import audit, transaction
from feedback_api.storage.models import User
from feedback_api.theme import render_page

bp = Blueprint("auth", __name__, url_prefix="/admin")
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Cookie and CSRF settings for staff sessions."""
    app.config.update(
        SESSION_COOKIE_NAME="engage_staff",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=app.config["ENGAGE_SECURE_COOKIES"],
        SESSION_COOKIE_PATH="/",
        WTF_CSRF_TIME_LIMIT=None,  # the session's own idle timeout bounds a token's life
    )
    csrf.init_app(app)
    app.before_request(load_user)
    accounts.dummy_hash()  # made now, so the first refusal is not slower than the rest


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address."),
            Length(
                max=accounts.MAX_EMAIL,
                message=f"The email address must be {accounts.MAX_EMAIL} characters or fewer.",
            ),
            Regexp(
                r"^[^@\s]+@[^@\s]+$",
                message="Enter an email address in the correct format, like name@example.nhs.uk.",
            ),
        ],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class CodeForm(FlaskForm):
    code = StringField(
        "Security code",
        validators=[DataRequired("Enter the 6-digit code from your authenticator app.")],
    )


def load_user() -> None:
    """Put the signed-in member of staff on `g.user` (or, between password and code, the
    account on `g.pending_user`), from the server-side session the cookie names.

    The cookie alone proves nothing: a session ended by sign-out, a password reset or
    disabling the account is gone from the table, so a copy of its cookie is refused.
    """
    g.user = None
    g.pending_user = None
    token = session.get("sid")
    if not isinstance(token, str):
        return
    row = accounts.find_session(token)
    user = accounts.get(row.user_id) if row is not None else None
    if row is None or user is None or user.disabled:
        session.clear()
        return
    if row.awaiting_code:
        if accounts.session_idle_for(row) > accounts.CODE_MINUTES * 60:
            _end_session(token)
        else:
            g.pending_user = user
        return
    if accounts.session_idle_for(row) > current_app.config["ENGAGE_IDLE_MINUTES"] * 60:
        _end_session(token)
        session["signed_out_idle"] = True  # for the sign-in page this request redirects to
        return
    accounts.touch_session(row)
    g.user = user


def _end_session(token: str) -> None:
    with transaction():
        accounts.end_session(token)
    session.clear()


REFUSALS = {
    Role.MODERATOR: "Sign in to use this.",
    Role.PUBLISHER: "Only publishers and administrators can do this.",
    Role.ADMIN: "Only administrators can do this.",
}


def staff_required(role: Role | None = None) -> Callable:
    """Only signed-in staff (of `role` or a role above it, when given: administrators may do
    what publishers do, publishers what moderators do)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user: User | None = g.get("user")
            if user is None:
                if wants_json():
                    raise FeedbackError("Sign in to use this.", 401)
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if role is not None and not Role(user.role).allows(role):
                raise FeedbackError(REFUSALS[role], 403)
            return view(*args, **kwargs)

        wrapper.staff_role = role or Role.MODERATOR  # read by the authorisation test's walk
        return wrapper

    return decorate


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    return local_path(target, "/admin") or url_for("moderation.queue")


def _admin_totp_required() -> bool:
    return current_app.config["ENGAGE_ADMIN_TOTP"]


def _sign_in_limit() -> str:
    return current_app.config["ENGAGE_RATELIMIT_SIGN_IN"]


LOCKED_OR_WRONG = (
    "The email address or password is not right, or the account is locked. "
    "Try again in a few minutes."
)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in() -> Any:
    """Email and password; then the code step for accounts with a second factor.

    Every refusal gives the same message and takes the same time, whether the address has no
    account, the account is disabled or locked, or the password is wrong.
    """
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        attempt = accounts.authenticate(form.email.data, form.password.data)
        user = attempt.user
        if not attempt.ok:
            error = LOCKED_OR_WRONG
            target = accounts.normalise_email(form.email.data)
            _record_failure(AuditAction.SIGN_IN_FAILED, target, attempt)
        elif not user.totp_secret and links.needs_authenticator(user, _admin_totp_required()):
            error = (
                "This account must use an authenticator app. Ask an administrator to send you "
                "a password reset link, which sets one up, or to run: "
                "flask --app feedback_api users totp " + user.email
            )
            with transaction():
                refused = AuditAction.SIGN_IN_REFUSED_NO_SECOND_FACTOR
                audit.record(refused, target=user.email, user=user)
        elif user.totp_secret:
            with transaction():
                _new_session(user, awaiting_code=True)
            return redirect(url_for("auth.second_step", next=request.args.get("next")))
        else:
            return _start_session(user)
    status = 200 if error is None and not form.errors else 400
    idle = session.pop("signed_out_idle", False)
    html = render_page("admin/sign_in.html", form=form, error=error, idle=idle)
    return html, status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def second_step() -> Any:
    """The authenticator code, within CODE_MINUTES of the password; counted like passwords,
    and each code good once."""
    user = g.get("pending_user")
    if user is None:
        session.clear()
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        attempt = accounts.check_code(user, form.code.data)
        if attempt.ok:
            return _start_session(user)
        error = (
            "The code is not right, or the account is locked. Check your authenticator app "
            "and try again in a few minutes."
        )
        _record_failure(AuditAction.SIGN_IN_CODE_FAILED, user.email, attempt)
    status = 200 if error is None and not form.errors else 400
    return render_page("admin/sign_in_code.html", form=form, error=error), status


def _record_failure(action: AuditAction, target: str, attempt: accounts.Attempt) -> None:
    """The failure, why (for staff reading the log, never for the person), and the lock."""
    user = attempt.user
    with transaction():
        audit.record(action, target=target, user=None, detail=attempt.outcome.value)
        if attempt.locked_now and user is not None:
            detail = (
                f"{accounts.LOCK_AFTER} attempts in a row: locked for {accounts.LOCK_MINUTES} min"
            )
            audit.record(AuditAction.ACCOUNT_LOCKED, target=user.email, user=None, detail=detail)


def _new_session(user: User, *, awaiting_code: bool = False) -> None:
    """A new session id on every step (no fixation); the one this browser had ends (in the
    caller's transaction)."""
    token = session.get("sid")
    if isinstance(token, str):
        accounts.end_session(token)
    session.clear()
    session["sid"] = accounts.open_session(user, awaiting_code=awaiting_code)
    session.permanent = False


def _start_session(user: User) -> Any:
    """Signed in, in the transaction of the audit entry that says so."""
    with transaction():
        _new_session(user)
        accounts.end_idle_sessions(current_app.config["ENGAGE_IDLE_MINUTES"] * 60)
        audit.record(AuditAction.SIGNED_IN, target=user.email, user=user)
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/sign-out")
def sign_out() -> Any:
    """End the session on the server, not only in this browser."""
    user = g.get("user")
    token = session.get("sid")
    with transaction():
        if isinstance(token, str):
            accounts.end_session(token)
        if user is not None:
            audit.record(AuditAction.SIGNED_OUT, target=user.email, user=user)
    session.clear()
    return redirect(url_for("auth.sign_in"))
