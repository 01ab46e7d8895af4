"""Staff reports (/admin/reports): what people said in each questionnaire and on its consultation
page, as figures, chart, free text and exports, ready to act on without spreadsheet work."""

from __future__ import annotations

import datetime
import json
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, request

from contract import channels
from contract.vocabulary import AuditAction, CommentStatus, QuestionType, Role
from feedback_api.manifest import SITE_ZONE, is_translation, questionnaire_window
from feedback_api.staff.auth import staff_required
from feedback_api.staff.moderation_view import describe
from feedback_api.staff.reports import chart as report_chart
from feedback_api.staff.reports import exports as report_exports
from feedback_api.staff.reports import fft_return, representation
from feedback_api.staff.reports import figures as reports
from feedback_api.staff.reports import text as report_text
from feedback_api.staff.reports import themes as report_themes
from feedback_api.staff.times import uk_date
from feedback_api.storage import audit, transaction
from feedback_api.storage.answers import counts
from feedback_api.storage.answers.counts import Selection
from feedback_api.storage.comments import latest_published, said_counts
from feedback_api.storage.responses import selected_responses
from feedback_api.theme import render_page

bp = Blueprint("reports", __name__, url_prefix="/admin/reports")
ANSWERS_PER_PAGE = 50
PUBLISHED_LISTED = 30  # the latest published comments the report lists (all are counted)
FFT_RETURN_MONTHS = 3  # the last complete months the report page offers the FFT return for
# The questions a breakdown may show the answers to.
CROSSABLE = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SCALE, QuestionType.FFT)


def _definition(questionnaire_id: str) -> dict[str, Any]:
    definition = (
        current_app.extensions["engage_manifest"].get().questionnaires.get(questionnaire_id)
    )
    if definition is None:
        abort(404)
    return definition


def _consultation(questionnaire_id: str) -> dict[str, Any] | None:
    """The page the questionnaire is on, if any."""
    manifest = current_app.extensions["engage_manifest"].get()
    carrying = [p for p in manifest.pages.values() if p.get("questionnaire") == questionnaire_id]
    originals = [page for page in carrying if not is_translation(manifest, page)]
    return next(iter(originals or carrying), None)


WINDOW_NAMES = {"upcoming": "Opens soon", "open": "Open", "closed": "Closed"}


def window(definition: dict[str, Any]) -> str:
    """'Open', 'Closed' or 'Opens soon' today, as the API enforces it."""
    return WINDOW_NAMES[questionnaire_window(definition)]


def report_address(page: dict[str, Any] | None) -> str | None:
    """The published summary report's absolute address, for a page that has one."""
    if not page or not page.get("report"):
        return None
    if page["report"].startswith("/"):
        return current_app.extensions["engage_manifest"].get().site["url"] + page["report"]
    return page["report"]


@bp.get("/")
@staff_required()
def index() -> str:
    """Every questionnaire on the site with its window and how many have answered."""
    manifest = current_app.extensions["engage_manifest"].get()
    listed = []
    summaries = []
    for qid, definition in sorted(manifest.questionnaires.items()):
        equality = [q["id"] for q in reports.choice_questions(definition, QuestionType.EQUALITY)]
        figures = reports.summary(definition, counts.tally(Selection(qid), equality))
        summaries.append((definition, figures))
        listed.append(
            {
                "definition": definition,
                "page": _consultation(qid),
                "window": window(definition),
                "responses": figures["responses"],
            }
        )
    return render_page(
        "admin/reports.html",
        admin_section="reports",
        listed=listed,
        population=bool(manifest.population),
        representation=representation.across(summaries, *_population()),
    )


def _population() -> tuple[dict, int, dict]:
    """The area's population, the small-group size and the population's sources, as
    `representation`'s functions take them."""
    manifest = current_app.extensions["engage_manifest"].get()
    small = current_app.config["ENGAGE_REPORT_SMALL_GROUP"]
    return manifest.population, small, manifest.population_sources


def _representation(definition: dict[str, Any], figures: dict[str, Any], period: dict) -> dict:
    """Who answered against the area's population: the questionnaire's people as the page
    shows them, and (when every channel is shown) per channel, the groups each one under- or
    over-represents."""
    population = _population()
    per_channel = []
    if not period["channel"]:
        equality = [q["id"] for q in reports.choice_questions(definition, QuestionType.EQUALITY)]
        per = counts.tally_by(period["chosen"], counts.BY_CHANNEL, equality)
        sizes = counts.sizes(per)
        for channel in reports.channels_of(sizes):
            entries = representation.of_questionnaire(
                definition, reports.summary(definition, per[channel]), *population
            )
            group = reports.channel_group(channel)
            per_channel.append({**group, "responses": sizes[channel], "entries": entries})
    return {
        "population": bool(population[0]),
        "entries": representation.of_questionnaire(definition, figures, *population),
        "per_channel": per_channel,
    }


def _day(name: str) -> datetime.date | None:
    """A day from the query (YYYY-MM-DD, as date fields send it); anything else is ignored."""
    try:
        return datetime.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


NOT_RECORDED = "not-recorded"  # the channel filter's word for responses from before channels


def _period(questionnaire_id: str) -> dict[str, Any]:
    """The responses asked for, as a Selection (`chosen`): the questionnaire's, within the
    period asked for (`from`, `to`) and through the channel asked for (`channel`); and the
    period as the templates and links need it."""
    since, until = _day("from"), _day("to")
    if since and until and until < since:
        since, until = until, since
    asked = request.args.get("channel", "")
    channel = asked if asked == NOT_RECORDED else channels.clean(asked) or ""
    period: dict[str, Any] = {
        "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
        "channel": channel,
    }
    period["args"] = {key: value for key, value in period.items() if value}
    period["from_text"] = uk_date(since) if since else ""
    period["to_text"] = uk_date(until) if until else ""
    period["channel_text"] = channels.label(_stored(channel)) if channel else ""
    stored = _stored(channel) if channel else counts.EVERY_CHANNEL
    period["chosen"] = Selection(questionnaire_id, since, until, stored)
    return period


def _stored(channel: str) -> str | None:
    """The channel filter's word as stored (None: not recorded)."""
    return None if channel == NOT_RECORDED else channel


def _comments(page: dict[str, Any] | None, channel: str = "") -> dict[str, Any]:
    """The page's comments by status, and the latest published, through the channel asked for
    (all when ""); the organisation's own replies are listed with them but never counted as
    what people said. `by_channel`: what people said on the page and about it on social media,
    per channel, whatever the filter."""
    if page is None:
        return {"counts": {}, "published": [], "official": 0, "by_channel": {}}
    grouped = said_counts(page=page["url"])
    said = [row for row in grouped if not row.official and (not row.gone or not row.social)]
    by_channel: dict[str | None, dict[str, int]] = {}
    for row in said:
        if row.status != CommentStatus.SPAM:
            told = by_channel.setdefault(row.channel, {"comments": 0, "social": 0})
            told["social" if row.social else "comments"] += row.count
    if channel:
        said = [row for row in said if row.channel == _stored(channel)]
    counted: dict[str, int] = {}
    for row in said:
        key = "social" if row.social else row.status
        counted[key] = counted.get(key, 0) + row.count
    through = _stored(channel) if channel else True
    published = [describe(c) for c in latest_published(page["url"], through, PUBLISHED_LISTED)]
    official = sum(row.count for row in grouped if row.official and not row.social)
    return {
        "counts": counted,
        "published": published,
        "official": official,
        "by_channel": by_channel,
    }


def _channel_table(
    definition: dict[str, Any], chosen: Selection, comments: dict[str, Any]
) -> list[dict[str, Any]]:
    """Responses, comments and social items per channel (the period's, through every channel):
    the responses' channels first (most used first), then channels only comments came through."""
    said = comments["by_channel"]
    rows = reports.by_channel(definition, chosen.every_channel())
    for row in rows:
        row.update(said.get(row["value"], {"comments": 0, "social": 0}))
    seen = {row["value"] for row in rows}
    for channel, told in sorted(said.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        if channel not in seen:
            rows.append(
                {**reports.channel_group(channel), "responses": 0, "share_pct": None, **told}
            )
    for row in rows:
        row["filter"] = NOT_RECORDED if row["value"] is None else row["value"]
    return rows


@bp.get("/<questionnaire_id>")
@staff_required()
def report(questionnaire_id: str) -> str:
    """One questionnaire's report; the free-text and breakdown forms filter it with GET."""
    definition = _definition(questionnaire_id)
    period = _period(questionnaire_id)
    chosen = period["chosen"]
    args = request.args
    filters = {
        "field": args.get("field", ""),
        "flagged": args.get("flagged", "") if args.get("flagged") in ("yes", "no") else "",
        "contains": args.get("contains", "")[:100],
    }
    # Personal data in free text as the downloads treat it: administrators only.
    personal = g.user.role == Role.ADMIN
    site = current_app.extensions["engage_manifest"].get().site.get("language")
    free_text = report_text.text_answers(
        definition,
        chosen,
        personal=personal,
        **filters,
        limit=ANSWERS_PER_PAGE,
        page=args.get("page", 1, type=int) or 1,
        site_language=site,
    )
    equality = reports.choice_questions(definition, QuestionType.EQUALITY)
    crossable = reports.choice_questions(definition, *CROSSABLE)
    by = args.get("by") or (equality[0]["id"] if equality else reports.CHANNEL)
    comments = _comments(page := _consultation(questionnaire_id), period["channel"])
    against = args.get("question") or (crossable[0]["id"] if crossable else "")
    timeline = reports.over_time(counts.per_day(chosen))
    figures = reports.summary(definition, counts.tally(chosen))
    return render_page(
        "admin/report.html",
        admin_section="reports",
        definition=definition,
        window=window(definition),
        page=page,
        report_url=report_address(page),
        figures=figures,
        answer_charts=report_chart.question_charts(definition, figures),
        timeline=timeline,
        chart=report_chart.bars(timeline["rows"]),
        chart_description=report_chart.description(timeline["rows"], timeline["period"]),
        text_fields=report_text.text_fields(definition),
        filters=filters,
        personal=personal,
        free_text=free_text,
        flagged_total=report_text.flagged_count(definition, chosen),
        terms=report_text.latest_terms(definition, chosen, site),
        equality=equality,
        languages=reports.languages_present(chosen.every_channel(), site),
        crossable=crossable,
        cross=reports.breakdown(
            definition,
            chosen,
            by,
            against,
            current_app.config["ENGAGE_REPORT_SMALL_GROUP"],
            site,
        ),
        comments=comments,
        channel_rows=_channel_table(definition, chosen, comments),
        representation=_representation(definition, figures, period),
        themes=report_themes.figures(
            page["url"] if page else None,
            definition,
            by=by,
            channel=_stored(period["channel"]) if period["channel"] else "",
            small_group=current_app.config["ENGAGE_REPORT_SMALL_GROUP"],
        ),
        period=period,
        fft_months=_fft_months(definition),
    )


def _fft_months(definition: dict[str, Any]) -> list[dict[str, str]]:
    """The last complete months, as the links to their FFT return need them; none for a
    questionnaire without the Friends and Family Test question."""
    try:
        fft_return.fft_question(definition)
    except fft_return.NoFFTQuestion:
        return []
    return [
        {"value": f"{month:%Y-%m}", "label": f"{month:%B %Y}"}
        for month in fft_return.last_complete_months(FFT_RETURN_MONTHS)
    ]


def _personal_asked() -> bool:
    """Personal data in an export only for an administrator who asks; the request is audited."""
    if request.args.get("personal") != "include":
        return False
    if g.user.role != Role.ADMIN:
        abort(403)
    return True


def _download(body: str, mimetype: str, name: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/<questionnaire_id>/responses.<fmt>")
@staff_required()
def export(questionnaire_id: str, fmt: str) -> Response:
    """Every response as CSV or JSON; personal data removed unless an administrator asks."""
    if fmt not in ("csv", "json"):
        abort(404)
    definition = _definition(questionnaire_id)
    personal = _personal_asked()
    period = _period(questionnaire_id)
    responses = selected_responses(period["chosen"])
    during = f", {period['from'] or 'start'} to {period['to'] or 'now'}" if period["args"] else ""
    with transaction():
        audit.record(
            AuditAction.RESPONSES_EXPORTED,
            target=questionnaire_id,
            user=g.user,
            detail=f"{fmt}, personal data {'included' if personal else 'removed'}{during}",
        )
    stamp = datetime.datetime.now(SITE_ZONE).date().isoformat()
    span = "-".join(period["args"].values())
    name = f"{questionnaire_id}-responses-{span or stamp}.{fmt}"
    if fmt == "csv":
        # A byte-order mark so Excel opens the UTF-8 file with names and accents intact.
        body = "\ufeff" + report_exports.to_csv(definition, responses, personal)
        return _download(body, "text/csv", name)
    figures = reports.summary(definition, counts.tally(period["chosen"]))
    document = report_exports.to_json(definition, responses, figures, personal)
    return _download(json.dumps(document, indent=2, ensure_ascii=False), "application/json", name)


@bp.get("/<questionnaire_id>/fft-return.csv")
@staff_required()
def fft_return_csv(questionnaire_id: str) -> Response:
    """One month's Friends and Family Test return (`month`=YYYY-MM, the last complete month by
    default): counts only, nobody's answers, so any member of staff may download it; audited."""
    definition = _definition(questionnaire_id)
    default = fft_return.last_complete_months(1)[0]
    try:
        month = fft_return.parse_month(request.args.get("month") or f"{default:%Y-%m}")
        rows = fft_return.fft_return(definition, [month])
    except fft_return.NoFFTQuestion:
        abort(404)
    except ValueError:
        abort(400)
    with transaction():
        audit.record(
            AuditAction.RESPONSES_EXPORTED,
            target=questionnaire_id,
            user=g.user,
            detail=f"Friends and Family Test return, {month:%Y-%m}",
        )
    body = "\ufeff" + fft_return.to_csv(rows)
    return _download(body, "text/csv", f"{questionnaire_id}-fft-return-{month:%Y-%m}.csv")
