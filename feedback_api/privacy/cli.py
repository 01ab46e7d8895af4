"""Retention and people's rights on the command line: `purge`, `people export|erase`."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from feedback_api.privacy import service as privacy

people_cli = AppGroup("people", help="Find, export and erase what a person submitted (UK GDPR).")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would go; change nothing.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Delete what the retention settings (ENGAGE_RETAIN_*) say is no longer kept."""
    config = current_app.config
    counts = privacy.purge(
        config["ENGAGE_RETAIN_REJECTED_DAYS"],
        config["ENGAGE_RETAIN_IP_DAYS"],
        config["ENGAGE_RETAIN_EMAIL_DAYS"],
        config["ENGAGE_RETAIN_OUTBOX_DAYS"],
        config["ENGAGE_RETAIN_SOCIAL_DAYS"],
        dry_run=dry_run,
    )
    verb = "Would remove" if dry_run else "Removed"
    for what, count in counts.items():
        click.echo(f"{verb}: {count} {what}")


@people_cli.command("export")
@click.argument("email")
def export_command(email: str) -> None:
    """Everything stored with EMAIL (or heard from that social media handle), as JSON (a
    subject access request)."""
    click.echo(json.dumps(privacy.export(email), indent=2, ensure_ascii=False))


@people_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(email: str, yes: bool) -> None:
    """Delete everything submitted with EMAIL, or heard from that social media handle (an
    erasure request)."""
    found = len(privacy.submitted_by(email))
    if found == 0:
        raise click.ClickException(f"Nothing is stored with {email}.")
    if not yes:
        click.confirm(f"Erase {found} comment(s) submitted with {email}?", abort=True)
    click.echo(f"Erased {privacy.erase(email)} comment(s).")
