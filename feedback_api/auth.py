"""Staff sign-in: sessions in secure, HttpOnly, SameSite cookies, CSRF on every form, throttled
and locked-out failed sign-ins, an idle timeout, and an optional TOTP second step.

Every staff route is wrapped in `staff_required`: without a session a browser is sent to sign in
and a script gets 401; the wrong role gets 403.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, g, redirect, request, session, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Regexp

from . import accounts, audit
from .errors import FeedbackError, wants_json
from .limits import limiter
from .models import User
from .theme import render_page

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


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address."),
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
    """Put the signed-in member of staff on `g.user`, ending sessions idle for too long."""
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    idle = current_app.config["ENGAGE_IDLE_MINUTES"] * 60
    if time.time() - session.get("seen", 0) > idle:
        session.clear()
        g.signed_out_idle = True
        return
    user = accounts.get(user_id)
    if user is None or user.disabled or session.get("password_stamp") != user.password_hash[-16:]:
        session.clear()
        return
    session["seen"] = time.time()
    g.user = user


def staff_required(role: str | None = None) -> Callable:
    """Only signed-in staff (of `role`, when given: admins may do what moderators do)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user: User | None = g.get("user")
            if user is None:
                if wants_json():
                    raise FeedbackError("Sign in to use this.", 401)
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if role == "admin" and user.role != "admin":
                raise FeedbackError("Only administrators can do this.", 403)
            return view(*args, **kwargs)

        wrapper.staff_role = role or "moderator"  # read by the authorisation test's walk
        return wrapper

    return decorate


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/admin") and not urlsplit(target).netloc:
        return target
    return url_for("moderation.queue")


def _admin_totp_required() -> bool:
    return current_app.config["ENGAGE_ADMIN_TOTP"]


def _sign_in_limit() -> str:
    return current_app.config["ENGAGE_RATELIMIT_SIGN_IN"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in() -> Any:
    """Email and password; then the code step for accounts with a second factor."""
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            error = (
                "The email address or password is not right, or the account is locked. "
                "Try again in a few minutes."
            )
            audit.record(
                "sign-in failed",
                target=accounts.normalise_email(form.email.data),
                user=None,
                commit=True,
            )
        elif user.role == "admin" and not user.totp_secret and _admin_totp_required():
            error = (
                "Administrators must use an authenticator app here. Ask another administrator "
                "to run: flask --app feedback_api users totp " + user.email
            )
            audit.record(
                "sign-in refused: no second factor", target=user.email, user=user, commit=True
            )
        elif user.totp_secret:
            session.clear()
            session["pending_user"] = user.id
            session["pending_at"] = time.time()
            return redirect(url_for("auth.second_step", next=request.args.get("next")))
        else:
            return _start_session(user)
    status = 200 if error is None and not form.errors else 400
    html = render_page("admin/sign_in.html", form=form, error=error, idle=g.get("signed_out_idle"))
    return html, status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def second_step() -> Any:
    """The authenticator code, within five minutes of the password."""
    user_id = session.get("pending_user")
    if user_id is None or time.time() - session.get("pending_at", 0) > 300:
        session.clear()
        return redirect(url_for("auth.sign_in"))
    user = accounts.get(user_id)
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        if user is not None and not user.disabled and accounts.totp_ok(user, form.code.data):
            return _start_session(user)
        error = "The code is not right. Check your authenticator app and try again."
    status = 200 if error is None and not form.errors else 400
    return render_page("admin/sign_in_code.html", form=form, error=error), status


def _start_session(user: User) -> Any:
    session.clear()  # a new session on every sign-in: no fixation
    session["user_id"] = user.id
    session["seen"] = time.time()
    session["password_stamp"] = user.password_hash[-16:]  # a password reset ends old sessions
    session.permanent = False
    audit.record("signed in", target=user.email, user=user, commit=True)
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/sign-out")
def sign_out() -> Any:
    user = g.get("user")
    if user is not None:
        audit.record("signed out", target=user.email, user=user, commit=True)
    session.clear()
    return redirect(url_for("auth.sign_in"))
