"""The page an e-mailed account link opens (/admin/invitation/<token>): the invitee, or someone
whose password an administrator reset, chooses a password, with the same rules as the command
line. The link works once and for `links.LINK_HOURS`; a used, expired or unknown one gets a page
that says so and what to do. An account that needs an authenticator app is given its secret here.

There is no session on this page: the token is the credential, so it is not behind sign-in.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from contract.vocabulary import AuditAction
from feedback_api.accounts import links
from feedback_api.accounts import service as accounts
from feedback_api.storage import audit, transaction
from feedback_api.theme import render_page

bp = Blueprint("account_link", __name__, url_prefix="/admin")


class PasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a password.")],
        description=f"At least {accounts.MIN_PASSWORD} characters. A few words you will "
        "remember are good.",
    )
    confirm = PasswordField(
        "Type the password again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def use_link(token: str) -> Any:
    """Choose a password through the link; then (when required) set up the authenticator."""
    checked = links.check(token)
    if checked.state is not links.LinkState.GOOD:
        return render_page("admin/account_link_gone.html", state=checked.state.value), 410
    user = checked.user
    invitation = checked.link.purpose == links.Purpose.INVITE
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            with transaction():
                if not links.accept(token, user, form.password.data):
                    return render_page("admin/account_link_gone.html", state="used"), 410
                action = (
                    AuditAction.INVITATION_ACCEPTED
                    if invitation
                    else AuditAction.PASSWORD_SET_BY_LINK
                )
                audit.record(action, target=user.email, user=user)
                secret = None
                admins_must = current_app.config["ENGAGE_ADMIN_TOTP"]
                if not user.totp_secret and links.needs_authenticator(user, admins_must):
                    secret = accounts.new_totp_secret(user)
                    audit.record(AuditAction.SECOND_FACTOR_SET, target=user.email, user=user)
        except accounts.AccountError as refused:
            error = str(refused)
        else:
            uri = accounts.totp_uri(user) if secret else None
            return render_page("admin/account_link_done.html", person=user, secret=secret, uri=uri)
    status = 200 if error is None and not form.errors else 400
    return render_page(
        "admin/account_link.html", form=form, error=error, person=user, invitation=invitation
    ), status
