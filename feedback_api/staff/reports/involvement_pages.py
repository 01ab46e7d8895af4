"""The year's involvement report in the workspace (/admin/reports/involvement): the page to
read and print, and its Word file; both render `involvement.report()`."""

from __future__ import annotations

import datetime

from flask import Blueprint, Response, current_app, request

from feedback_api.manifest import SITE_ZONE
from feedback_api.staff.auth import staff_required
from feedback_api.staff.reports import involvement, involvement_docx, involvement_text
from feedback_api.theme import render_page

bp = Blueprint("involvement", __name__, url_prefix="/admin/reports")


def _day(name: str) -> datetime.date | None:
    """A day from the query (YYYY-MM-DD, as date fields send it); anything else is ignored."""
    try:
        return datetime.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def reporting_year(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The NHS financial year (1 April to 31 March) that `today` falls in."""
    start = today.year if today.month >= 4 else today.year - 1
    return datetime.date(start, 4, 1), datetime.date(start + 1, 3, 31)


def _involvement_period() -> tuple[datetime.date, datetime.date]:
    """The period asked for (`from`, `to`), by default the reporting year of today."""
    first, last = reporting_year(datetime.datetime.now(SITE_ZONE).date())
    since, until = _day("from") or first, _day("to") or last
    return (until, since) if until < since else (since, until)


@bp.get("/involvement")
@staff_required()
def page() -> str:
    """The year's involvement report as a page to read, print (A4) or save as PDF."""
    since, until = _involvement_period()
    return render_page(
        "admin/involvement.html",
        admin_section="reports",
        report=involvement.report(since, until),
        words=involvement_text,
        small_group=current_app.config["ENGAGE_REPORT_SMALL_GROUP"],
    )


@bp.get("/involvement.docx")
@staff_required()
def docx_file() -> Response:
    """The same report as a Word file."""
    since, until = _involvement_period()
    report = involvement.report(since, until)
    body = involvement_docx.to_docx(report)
    name = f"involvement-report-{since.isoformat()}-to-{until.isoformat()}.docx"
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
