"""`flask --app feedback_api reports involvement`: the year's involvement report, as the
workspace's page (HTML) or its Word file, written to a file."""

from __future__ import annotations

import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def _day(text: str | None, name: str) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise click.ClickException(f"{name} must be a day written YYYY-MM-DD.") from None


@click.command("involvement")
@click.option("--from", "since", help="The first day, YYYY-MM-DD (default: 1 April).")
@click.option("--to", "until", help="The last day, YYYY-MM-DD (default: 31 March).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write: .docx for Word, .html for the page (printable, A4).",
)
@with_appcontext
def involvement_command(since: str | None, until: str | None, output: Path) -> None:
    """The involvement report for a period (by default this reporting year, April to March)."""
    from feedback_api.manifest import SITE_ZONE
    from feedback_api.staff.reports import involvement, involvement_docx, involvement_text
    from feedback_api.staff.reports.involvement_pages import reporting_year
    from feedback_api.theme import render_page

    first, last = reporting_year(datetime.datetime.now(SITE_ZONE).date())
    start, end = _day(since, "--from") or first, _day(until, "--to") or last
    if end < start:
        raise click.ClickException("--to is before --from: give the earlier day first.")
    if output.suffix.lower() not in (".docx", ".html"):
        raise click.ClickException("--output must end .docx (Word) or .html (the page).")
    report = involvement.report(start, end)
    if output.suffix.lower() == ".docx":
        output.write_bytes(involvement_docx.to_docx(report))
    else:
        with current_app.test_request_context("/admin/reports/involvement"):
            from flask import g

            g.user = None
            html = render_page(
                "admin/involvement.html",
                admin_section="reports",
                report=report,
                words=involvement_text,
                small_group=current_app.config["ENGAGE_REPORT_SMALL_GROUP"],
            )
        output.write_text(html, encoding="utf-8")
    click.echo(
        f"Wrote the involvement report for {involvement_text.period(report)[5:-1]} to {output}"
    )
