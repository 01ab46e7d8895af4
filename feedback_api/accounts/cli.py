"""Staff accounts from the command line: `flask --app feedback_api users create|list|disable|...`.

Passwords are prompted (hidden, twice) or read from standard input with --password-stdin, never
given as an argument where they would land in the shell history.
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from feedback_api.accounts import service as accounts
from feedback_api.storage import audit
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
    try:
        user = accounts.create(email, role, _password(password_stdin), name=name)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    audit.record("account created", target=user.email, user=None, after={"role": role}, commit=True)
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
    if user.role == "admin" and not user.disabled and accounts.admins_count() <= 1:
        raise click.ClickException("This is the last active administrator: create another first.")
    accounts.set_disabled(user, True)
    audit.record("account disabled", target=user.email, user=None, commit=True)
    click.echo(f"Disabled {user.email}.")


@users_cli.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def reset_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password (and unlock the account); its existing sessions end."""
    user = _user(email)
    try:
        accounts.set_password(user, _password(password_stdin))
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    audit.record("password reset", target=user.email, user=None, commit=True)
    click.echo(f"New password set for {user.email}.")


@users_cli.command("sign-out")
@click.argument("email")
def sign_out_command(email: str) -> None:
    """End every session of the account, on every device (a lost laptop or phone)."""
    user = _user(email)
    accounts.end_all_sessions(user)
    audit.record("sessions ended", target=user.email, user=None, commit=True)
    click.echo(f"Every session of {user.email} has ended.")


@users_cli.command("totp")
@click.argument("email")
def totp_command(email: str) -> None:
    """Turn on the authenticator-app second step: prints the secret to add to the app."""
    user = _user(email)
    secret = accounts.new_totp_secret(user)
    audit.record("second factor set", target=user.email, user=None, commit=True)
    uri = accounts.totp_uri(user)
    click.echo(f"Secret for {user.email}: {secret}\nOr scan this as a QR code: {uri}")


@users_cli.command("feed-token")
@click.argument("email")
def feed_token_command(email: str) -> None:
    """A new address for the private feed of the moderation queue (the old one stops working)."""
    user = _user(email)
    token = accounts.new_feed_token(user)
    audit.record("feed token issued", target=user.email, user=None, commit=True)
    click.echo(f"Private queue feed for {user.email}: /api/feeds/pending.atom?token={token}")
