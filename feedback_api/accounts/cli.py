"""Staff accounts from the command line: `flask --app feedback_api users create|list|disable|...`.

Passwords are prompted (hidden, twice) or read from standard input with --password-stdin, never
given as an argument where they would land in the shell history. Each command's change and its
audit entry are one transaction: both are stored, or neither.
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from contract.vocabulary import AuditAction
from feedback_api.accounts import service as accounts
from feedback_api.storage import audit, transaction
from feedback_api.storage.models import ROLES, User

users_cli = AppGroup("users", help="Create, list, disable and reset staff accounts.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _user(email: str) -> User:
    user = accounts.find(email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="", help="Shown in the audit log.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a staff account."""
    password = _password(password_stdin)
    try:
        with transaction():
            user = accounts.create(email, role, password, name=name)
            audit.record(
                AuditAction.ACCOUNT_CREATED, target=user.email, user=None, after={"role": role}
            )
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.email} ({user.role}).")


@users_cli.command("list")
def list_command() -> None:
    """Every account, with its role and state."""
    users = accounts.all_users()
    if not users:
        click.echo(
            "No accounts. Create one with: flask --app feedback_api users create EMAIL --role admin"
        )
        return
    for user in users:
        state = "disabled" if user.disabled else "locked" if accounts.is_locked(user) else "active"
        second = "authenticator app" if user.totp_secret else "password only"
        click.echo(f"{user.email:<40} {user.role:<10} {state:<9} {second}")


@users_cli.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Stop an account signing in; its sessions end at once."""
    user = _user(email)
    try:
        accounts.check_not_last_admin(user)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    with transaction():
        accounts.set_disabled(user, True)
        audit.record(AuditAction.ACCOUNT_DISABLED, target=user.email, user=None)
    click.echo(f"Disabled {user.email}.")


@users_cli.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def reset_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password (and unlock the account); its existing sessions end."""
    user = _user(email)
    password = _password(password_stdin)
    try:
        with transaction():
            accounts.set_password(user, password)
            audit.record(AuditAction.PASSWORD_RESET, target=user.email, user=None)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"New password set for {user.email}.")


@users_cli.command("sign-out")
@click.argument("email")
def sign_out_command(email: str) -> None:
    """End every session of the account, on every device (a lost laptop or phone)."""
    user = _user(email)
    with transaction():
        accounts.end_all_sessions(user)
        audit.record(AuditAction.SESSIONS_ENDED, target=user.email, user=None)
    click.echo(f"Every session of {user.email} has ended.")


@users_cli.command("totp")
@click.argument("email")
def totp_command(email: str) -> None:
    """Turn on the authenticator-app second step: prints the secret to add to the app."""
    user = _user(email)
    with transaction():
        secret = accounts.new_totp_secret(user)
        audit.record(AuditAction.SECOND_FACTOR_SET, target=user.email, user=None)
    uri = accounts.totp_uri(user)
    click.echo(f"Secret for {user.email}: {secret}\nOr scan this as a QR code: {uri}")


@users_cli.command("feed-token")
@click.argument("email")
def feed_token_command(email: str) -> None:
    """A new address for the private feed of the moderation queue (the old one stops working)."""
    user = _user(email)
    with transaction():
        token = accounts.new_feed_token(user)
        audit.record(AuditAction.FEED_TOKEN_ISSUED, target=user.email, user=None)
    click.echo(f"Private queue feed for {user.email}: /api/feeds/pending.atom?token={token}")
