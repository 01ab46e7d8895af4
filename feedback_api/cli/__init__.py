"""Operators' commands under `flask --app feedback_api …`: comments, reports, users, people,
purge, the outbox's worker and status. Each command group lives beside what it manages;
`register` adds them all to the app."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Every command group, under `flask --app feedback_api`."""
    from feedback_api.accounts.cli import users_cli
    from feedback_api.cli.comments import comments_cli, reports_cli
    from feedback_api.cli.involvement import involvement_command
    from feedback_api.operations.cli import backup_command, restore_command
    from feedback_api.outbox.cli import outbox_cli, worker_command
    from feedback_api.privacy.cli import people_cli, purge_command

    app.cli.add_command(comments_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(people_cli)
    app.cli.add_command(purge_command)
    reports_cli.add_command(involvement_command)
    app.cli.add_command(reports_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(outbox_cli)
