"""Operators' commands: `flask --app feedback_api comments list|approve|reject|export`, `reports`.

For scripting, and for moderating before the moderation screen exists. Errors are sentences with
a non-zero exit, never tracebacks.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from contract.vocabulary import PLATFORMS, CommentStatus, QuestionType
from feedback_api import signals
from feedback_api.public.comments import iso
from feedback_api.staff.reports.exports import safe_cell
from feedback_api.storage import transaction
from feedback_api.storage.comments import (
    find_comments,
    get_comment,
    set_status,
)
from feedback_api.storage.models import STATUSES, Comment

comments_cli = AppGroup("comments", help="List, approve, reject and export comments.")


def as_record(comment: Comment) -> dict:
    """A comment for operators: everything but the edit token hash and client hash."""
    return {
        "id": comment.id,
        "page": comment.page,
        "status": comment.status,
        "created": iso(comment.created),
        "author": comment.author,
        "email": comment.email,
        "notify": comment.notify,
        "parent": comment.parent_id,
        "body": comment.body,
        "held_reasons": [
            {"kind": reason["kind"], "match": reason["match"]} for reason in comment.held_reasons
        ],
        "reject_reason": comment.reject_reason,
        "source": comment.source,
        "source_link": comment.remote_url,
        "channel": comment.channel,
        "handle": comment.handle,
        "private": comment.private,
        "urgent": comment.urgent,
        "official": comment.official,
        "reply_state": comment.remote_state,
        "deleted_upstream": comment.gone is not None,
    }


@comments_cli.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only comments in this state.")
@click.option("--page", help="Only comments on this page (its address, e.g. /blog/x/).")
@click.option(
    "--source",
    # The platforms' values ("mastodon"): click would offer an enum member by its name.
    type=click.Choice(["site", "social", *(str(name) for name in PLATFORMS)]),
    help="Only what was said here: the site, any social media, or one platform.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_command(status: str | None, page: str | None, source: str | None, as_json: bool) -> None:
    """List comments and what was heard on social media, oldest first."""
    found = find_comments(status=status, page=page, source=source)
    if as_json:
        click.echo(
            json.dumps([as_record(comment) for comment in found], indent=2, ensure_ascii=False)
        )
        return
    if not found:
        click.echo("No comments.")
        return
    for comment in found:
        reasons = ", ".join(f"{r['kind']}: {r['match']}" for r in comment.held_reasons) or "-"
        text = " ".join(comment.body.split())
        click.echo(
            f"#{comment.id} {comment.status:<8} {iso(comment.created)} "
            f"{comment.page or ''}{'' if comment.source == 'site' else ' on ' + comment.source}\n"
            f"    by {comment.author or 'anonymous'}"
            f"{' (' + comment.handle + ')' if comment.handle else ''}; held for: {reasons}\n"
            f"    {text[:100]}{'…' if len(text) > 100 else ''}"
        )


def _find(comment_id: int) -> Comment:
    comment = get_comment(comment_id)
    if comment is None:
        raise click.ClickException(f"There is no comment #{comment_id}.")
    return comment


@comments_cli.command("approve")
@click.argument("comment_id", type=int)
def approve_command(comment_id: int) -> None:
    """Publish a comment."""
    comment = _find(comment_id)
    if comment.status == CommentStatus.APPROVED:
        click.echo(f"#{comment_id} was already approved.")
        return
    if comment.social:
        with transaction():
            set_status(comment, CommentStatus.REVIEWED)
        click.echo(f"#{comment_id} marked reviewed (said on {comment.source}: never shown here)")
        return
    with transaction():
        set_status(comment, CommentStatus.APPROVED)
        signals.comment_approved.send(
            current_app._get_current_object(), comment=comment, staff=None
        )
    click.echo(f"#{comment_id} approved: it now shows on {comment.page}")


@comments_cli.command("reject")
@click.argument("comment_id", type=int)
@click.option("--reason", required=True, help="Why: which ground rule it breaks.")
def reject_command(comment_id: int, reason: str) -> None:
    """Reject a comment (and unpublish it if it was approved)."""
    if not reason.strip():
        raise click.ClickException("Give a reason: --reason 'personal details'.")
    comment = _find(comment_id)
    with transaction():
        set_status(comment, CommentStatus.REJECTED, reason.strip())
    click.echo(f"#{comment_id} rejected: {reason.strip()}")


@comments_cli.command("export-site")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_site_command(path: str) -> None:
    """Write every page's approved comments for the site build to bake into its pages."""
    from feedback_api.publishing.export import write_site_export

    target = Path(path)
    count = write_site_export(target)
    click.echo(f"Approved comments on {count} page(s) written to {target}.")


@comments_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option("--status", type=click.Choice(STATUSES), help="Only comments in this state.")
def export_command(fmt: str, status: str | None) -> None:
    """Every comment, as JSON or CSV on standard output."""
    records = [as_record(comment) for comment in find_comments(status=status)]
    if fmt == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    out = io.StringIO()
    columns = [
        "id",
        "page",
        "status",
        "created",
        "author",
        "email",
        "notify",
        "parent",
        "body",
        "held_reasons",
        "reject_reason",
        "source",
        "source_link",
        "channel",
        "handle",
        "private",
        "urgent",
        "official",
        "reply_state",
        "deleted_upstream",
    ]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for record in records:
        record["held_reasons"] = "; ".join(
            f"{r['kind']}: {r['match']}" for r in record["held_reasons"]
        )
        # A handle starts with "@", a post may start with "=": never a formula in a spreadsheet.
        writer.writerow({k: safe_cell(v) if isinstance(v, str) else v for k, v in record.items()})
    sys.stdout.write(out.getvalue())


reports_cli = AppGroup("reports", help="Figures from questionnaire responses.")


@reports_cli.command("summary")
@click.argument("questionnaire_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def summary_command(questionnaire_id: str, as_json: bool) -> None:
    """Responses in total and, per question, counts and percentages (FFT scores too)."""
    from feedback_api.staff.reports import figures as reports
    from feedback_api.storage.answers import counts

    manifest = current_app.extensions["engage_manifest"].get()
    definition = manifest.questionnaires.get(questionnaire_id)
    if definition is None:
        known = ", ".join(sorted(manifest.questionnaires)) or "none"
        raise click.ClickException(
            f"There is no questionnaire {questionnaire_id!r} (known: {known})."
        )
    figures = reports.summary(definition, counts.tally(counts.Selection(questionnaire_id)))
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    click.echo(f"{definition['title']}: {figures['responses']} response(s)")
    for qid, entry in figures["questions"].items():
        click.echo(f"\n{entry['label']} ({qid}): {entry['answered']} answered")
        if entry["type"] == QuestionType.FFT:
            click.echo(f"  positive {entry['positive_pct']}%, negative {entry['negative_pct']}%")
        for value, count in entry["counts"].items():
            click.echo(f"  {value}: {count} ({entry['percentages'][value]}%)")


@reports_cli.command("fft-return")
@click.argument("questionnaire_id")
@click.option("--month", help="One month, YYYY-MM (default: the last complete month).")
@click.option("--from", "since", help="The first month of several, YYYY-MM.")
@click.option(
    "--to", "until", help="The last month of several, YYYY-MM (default: the last complete)."
)
def fft_return_command(
    questionnaire_id: str, month: str | None, since: str | None, until: str | None
) -> None:
    """The Friends and Family Test return as CSV on stdout: per UK month and mode of collection,
    the count of each answer, the total and NHS England's positive and negative percentages."""
    from feedback_api.staff.reports import fft_return

    manifest = current_app.extensions["engage_manifest"].get()
    definition = manifest.questionnaires.get(questionnaire_id)
    if definition is None:
        known = ", ".join(sorted(manifest.questionnaires)) or "none"
        raise click.ClickException(
            f"There is no questionnaire {questionnaire_id!r} (known: {known})."
        )
    if month and (since or until):
        raise click.ClickException("Give either --month or --from/--to, not both.")
    last = f"{fft_return.last_complete_months(1)[0]:%Y-%m}"
    try:
        first_day = fft_return.parse_month(month or since or until or last)
        last_day = fft_return.parse_month(
            month or until or (last if since else first_day.strftime("%Y-%m"))
        )
        if last_day < first_day:
            raise click.ClickException("--to is before --from: give the earlier month first.")
        rows = fft_return.fft_return(definition, fft_return.months_between(first_day, last_day))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(fft_return.to_csv(rows), nl=False)


@reports_cli.command("reindex")
def reindex_command() -> None:
    """Index every response's answers again for the reports (after responses were written into
    the database by hand, or copied in from elsewhere): the figures count the index."""
    from feedback_api.storage import transaction
    from feedback_api.storage.answers.index import reindex_all

    with transaction():
        written = reindex_all()
    click.echo(f"Indexed {written} answer row(s).")
