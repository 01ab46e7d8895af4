"""Staff accounts for administrators (/admin/users): the list, inviting by e-mail, and per account
changing the role, disabling and enabling, sending a password reset link and requiring an
authenticator app. The command line (`users create`) stays for the first administrator.

Every action is a plain POST form with CSRF, refused with a sentence when it would lock the
administrators out, and committed with its audit entry (and the e-mail, through the outbox).
"""

from __future__ import annotations

import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Regexp

from contract.vocabulary import AuditAction, Role
from feedback_api.accounts import links
from feedback_api.accounts import service as accounts
from feedback_api.notices import account_mail
from feedback_api.staff import times
from feedback_api.staff.auth import staff_required
from feedback_api.storage import audit, transaction
from feedback_api.storage.models import User
from feedback_api.theme import render_page

bp = Blueprint("staff_accounts", __name__, url_prefix="/admin/users")
ROLE_NAMES = {
    Role.MODERATOR.value: "Moderator",
    Role.PUBLISHER.value: "Publisher",
    Role.ADMIN.value: "Administrator",
}
NO_MAIL = (
    "E-mail is not set up (ENGAGE_SMTP_HOST), so no link can be sent. Set it up, or use the "
    "command line: flask --app feedback_api users create|reset-password."
)


class InviteForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter their email address."),
            Length(max=accounts.MAX_EMAIL, message="The email address is too long."),
            Regexp(
                r"^[^@\s]+@[^@\s]+$",
                message="Enter an email address in the correct format, like name@example.nhs.uk.",
            ),
        ],
    )
    name = StringField("Name", validators=[Length(max=120, message="The name is too long.")])
    role = StringField(
        "Role",
        validators=[
            DataRequired("Choose a role."),
            AnyOf(list(ROLE_NAMES), message="Choose a role."),
        ],
    )


def uk_time(moment: datetime.datetime | None) -> str:
    """A moment as staff read it everywhere (times.uk_time: UK time, the zone named), or
    "Never"."""
    return "Never" if moment is None else times.uk_time(moment)


def state(user: User) -> str:
    """What the account can do now, in a word or two."""
    if user.disabled:
        return "Disabled"
    if accounts.is_locked(user):
        return "Locked"
    if links.is_invited(user):
        return "Invited"
    return "Active"


def _render(template: str, **values: Any) -> str:
    return render_page(
        template,
        admin_section="users",
        role_names=ROLE_NAMES,
        state=state,
        uk_time=uk_time,
        **values,
    )


@bp.get("")
@staff_required(Role.ADMIN)
def index() -> Any:
    """Every staff account with its role, state and last sign-in."""
    return _render("admin/users.html", users=accounts.all_users())


@bp.route("/invite", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def invite() -> Any:
    """A new account, and an e-mail with the link where the invitee chooses a password."""
    form = InviteForm()
    error = None
    if form.validate_on_submit():
        if not account_mail.mail_is_on():
            error = NO_MAIL
        else:
            try:
                with transaction():
                    user, token = links.invite(form.email.data, form.role.data, form.name.data)
                    account_mail.queue_invitation(user, token, g.user)
                    audit.record(
                        AuditAction.ACCOUNT_INVITED,
                        target=user.email,
                        user=g.user,
                        after={"role": user.role},
                    )
            except accounts.AccountError as refused:
                error = str(refused)
            else:
                flash(f"Invitation sent to {user.email}.", "success")
                return redirect(url_for("staff_accounts.person", user_id=user.id), code=303)
    status = 200 if error is None and not form.errors else 400
    return _render("admin/user_invite.html", form=form, error=error), status


def _user(user_id: int) -> User:
    user = accounts.get(user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/<int:user_id>")
@staff_required(Role.ADMIN)
def person(user_id: int) -> Any:
    """One account and what an administrator can do to it."""
    user = _user(user_id)
    admins_must = current_app.config["ENGAGE_ADMIN_TOTP"]
    return _render(
        "admin/user.html",
        person=user,
        needs_authenticator=links.needs_authenticator(user, admins_must),
        is_self=user.id == g.user.id,
    )


def _done(user: User, message: str, category: str = "success") -> Any:
    flash(message, category)
    return redirect(url_for("staff_accounts.person", user_id=user.id), code=303)


@bp.post("/<int:user_id>/role")
@staff_required(Role.ADMIN)
def change_role(user_id: int) -> Any:
    """Moderator or administrator; never the last active administrator down, nor oneself."""
    user = _user(user_id)
    role = request.form.get("role", "")
    if role == user.role:
        return _done(user, f"{user.email} is already a {ROLE_NAMES[role].lower()}.")
    try:
        links.check_change(g.user, user, role=role)
        with transaction():
            before = user.role
            links.set_role(user, role)
            audit.record(
                AuditAction.ROLE_CHANGED,
                target=user.email,
                user=g.user,
                before={"role": before},
                after={"role": user.role},
            )
    except accounts.AccountError as refused:
        return _done(user, str(refused), "error")
    return _done(user, f"{user.email} is now a {ROLE_NAMES[user.role].lower()}.")


@bp.post("/<int:user_id>/disable")
@staff_required(Role.ADMIN)
def disable(user_id: int) -> Any:
    """Stop the account signing in: its sessions and links end at once."""
    user = _user(user_id)
    try:
        links.check_change(g.user, user, disable=True)
    except accounts.AccountError as refused:
        return _done(user, str(refused), "error")
    with transaction():
        accounts.set_disabled(user, True)
        audit.record(AuditAction.ACCOUNT_DISABLED, target=user.email, user=g.user)
    return _done(user, f"{user.email} is disabled and signed out everywhere.")


@bp.post("/<int:user_id>/enable")
@staff_required(Role.ADMIN)
def enable(user_id: int) -> Any:
    """Let a disabled account sign in again (with the password it had)."""
    user = _user(user_id)
    with transaction():
        accounts.set_disabled(user, False)
        audit.record(AuditAction.ACCOUNT_ENABLED, target=user.email, user=g.user)
    return _done(user, f"{user.email} can sign in again.")


@bp.post("/<int:user_id>/reset")
@staff_required(Role.ADMIN)
def reset(user_id: int) -> Any:
    """The old password stops working, every session ends, and a link to choose a new one is
    e-mailed to the person: the administrator never sees a password."""
    user = _user(user_id)
    if not account_mail.mail_is_on():
        return _done(user, NO_MAIL, "error")
    if user.disabled:
        return _done(user, "Enable the account before resetting its password.", "error")
    with transaction():
        token = links.reset(user)
        account_mail.queue_reset(user, token)
        audit.record(AuditAction.PASSWORD_RESET_SENT, target=user.email, user=g.user)
    return _done(user, f"A password reset link was sent to {user.email}; they are signed out.")


@bp.post("/<int:user_id>/authenticator")
@staff_required(Role.ADMIN)
def authenticator(user_id: int) -> Any:
    """Require an authenticator app of this account, or stop requiring it. An account without
    one is set up through a password reset link."""
    user = _user(user_id)
    required = request.form.get("required") == "yes"
    action = (
        AuditAction.SECOND_FACTOR_REQUIRED if required else AuditAction.SECOND_FACTOR_NOT_REQUIRED
    )
    with transaction():
        links.set_totp_required(user, required)
        audit.record(action, target=user.email, user=g.user, after={"required": required})
    if not required:
        return _done(user, f"{user.email} no longer needs an authenticator app.")
    if user.totp_secret:
        return _done(user, f"{user.email} must now sign in with their authenticator app.")
    return _done(
        user,
        f"{user.email} must now use an authenticator app. They have none yet: send them a "
        "password reset link, which sets one up.",
    )
