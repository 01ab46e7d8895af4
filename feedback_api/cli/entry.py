"""`engage-api`, the command an installed package puts on the PATH: Flask's own command line with
the feedback API preset, so `engage-api db upgrade` is `flask --app feedback_api db upgrade`, and
`engage-api run`, `engage-api routes` and every operator's command work the same way."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from feedback_api import create_app

    return create_app()


def cli() -> FlaskGroup:
    return FlaskGroup(
        name="engage-api",
        create_app=_create_app,
        help="The Engage feedback API's commands: `flask --app feedback_api` under another name.",
    )


def main(argv: Sequence[str] | None = None) -> None:
    """The console script's entry point; exits with the command's status."""
    cli().main(args=list(argv) if argv is not None else None, prog_name="engage-api")
