"""Answering a questionnaire: `POST /api/responses` (JSON or a plain form), and the pages a
person without JavaScript sees (the form again with errors; the confirmation with a reference).

Answers are checked against the manifest's definition, screened for personal data, committed,
and only then acknowledged. Responses are never public.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, request, url_for

from contract.questionnaires import in_language
from contract.vocabulary import QuestionType
from contract.wordings import N_
from feedback_api.errors import FeedbackError
from feedback_api.limits import limiter
from feedback_api.manifest import SITE_ZONE, page_language, questionnaire_window
from feedback_api.public.answers import Submitted, check, free_text
from feedback_api.public.channel import arrival_channel, referring_page
from feedback_api.public.submissions import Submission, read_submission
from feedback_api.public.tokens import client_hash
from feedback_api.screening import screen
from feedback_api.screening.risk import lists_from
from feedback_api.storage import transaction
from feedback_api.storage.responses import add_response, response_exists
from feedback_api.theme import render_page
from theme import i18n

bp = Blueprint("responses", __name__, url_prefix="/api")
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_reference() -> str:
    """A reference a person can read out over the phone, e.g. K7MQ-3XRD."""
    letters = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def _limit() -> str:
    return current_app.config["ENGAGE_RATELIMIT_RESPONSES"]


def answered_on(questionnaire_id: str, named: Any = None) -> dict[str, Any] | None:
    """The page the answers were sent from: of the pages carrying this questionnaire (a page
    and its translations embed the same one), the one the form's `page` field names (the form
    the API shows again with errors says which page it is), else the one the browser's Referer
    names, else the only one there is; None when that cannot be told. A form can only choose
    among those pages: what a page says about itself (its language) comes from the manifest."""
    manifest = current_app.extensions["engage_manifest"].get()
    pages = [p for p in manifest.pages.values() if p.get("questionnaire") == questionnaire_id]
    chosen = next((p for p in pages if isinstance(named, str) and p.get("url") == named), None)
    return chosen or referring_page(pages) or (pages[0] if len(pages) == 1 else None)


@bp.post("/responses")
@limiter.limit(_limit)
def post_response() -> Any:
    """Store one person's answers; 201 with a reference, or 303 to the confirmation page."""
    submission = read_submission("answers")
    fields = submission.fields
    today = datetime.datetime.now(SITE_ZONE).date()
    definition = _open_questionnaire(fields.get("questionnaire"), today)
    manifest = current_app.extensions["engage_manifest"].get()
    page = answered_on(definition["id"], fields.get("page"))
    language = page_language(manifest, page)  # the site's, if no page
    with i18n.rendering_in(language):  # the errors in the page's words and language
        clean, errors = check(in_language(definition, language), _answers_sent(submission), today)
    if errors:
        if submission.is_form:
            return _form_again(definition, page, request.form, errors, arrival_channel(fields))
        raise FeedbackError("Some answers need correcting.", 422, errors)
    config = current_app.config
    words, max_links, risk = (
        config["ENGAGE_SCREEN_WORDS"],
        config["ENGAGE_MAX_LINKS"],
        lists_from(config),
    )
    held = {  # a suggestion of risk of harm is a reason of kind "risk", flagged in the reports
        field: [hold.as_dict() for hold in holds]
        for field, text in free_text(definition, clean).items()
        if (holds := screen(text, words, max_links, risk=risk))
    }
    with transaction():
        stored = add_response(
            questionnaire=definition["id"],
            reference=new_reference(),
            answers=clean,
            held_reasons=held,
            spam=bool(str(fields.get("website") or "").strip()),
            ip_hash=client_hash(),
            channel=arrival_channel(fields),
            language=language,
        )
    if submission.is_form:
        query = urlencode(
            {
                "reference": stored.reference,
                "questionnaire": definition["id"],
                **({"page": page["url"]} if page else {}),
            }
        )
        return redirect(f"{url_for('responses.received')}?{query}", code=303)
    return {"id": stored.id, "reference": stored.reference}, 201


def _open_questionnaire(questionnaire_id: Any, today: datetime.date) -> dict[str, Any]:
    """The definition of a questionnaire that takes answers today; 404 or 409 otherwise."""
    manifest = current_app.extensions["engage_manifest"].get()
    definition = (
        manifest.questionnaires.get(questionnaire_id) if isinstance(questionnaire_id, str) else None
    )
    if definition is None:
        raise FeedbackError(f"There is no questionnaire {questionnaire_id!r} on this site.", 404)
    window = questionnaire_window(definition, today)
    if window == "upcoming":
        raise FeedbackError(f"This questionnaire opens on {definition['opens']}.", 409)
    if window == "closed":
        raise FeedbackError(N_("This questionnaire has closed and no longer takes answers."), 409)
    return definition


def _answers_sent(submission: Submission) -> Submitted:
    """The answers as sent: a form's fields, or the JSON body's `answers` object."""
    if submission.is_form:
        return Submitted(submission.fields, many=request.form.getlist)
    answers = submission.fields.get("answers")
    if not isinstance(answers, dict):
        raise FeedbackError('Send the answers as an object: {"answers": {...}}.', 400)
    return Submitted(answers)


def _form_again(
    definition: dict, page: dict | None, form: Any, errors: dict[str, str], via: str
) -> Response:
    """The questionnaire again, in its page's language: the NHS error summary, each field's
    message, every answer kept, and the channel it came through (`via`: the next post comes
    from this page, not the link)."""
    answers: dict[str, Any] = {}
    for question in definition["questions"]:
        qid = question["id"]
        if question["type"] == QuestionType.MULTIPLE:
            answers[qid] = form.getlist(qid)
            if form.get(f"{qid}_other"):
                answers[f"{qid}_other"] = form.get(f"{qid}_other")
        elif question["type"] == QuestionType.DATE:
            answers[qid] = {
                part: form.get(f"{qid}-{part}", "") for part in ("day", "month", "year")
            }
        elif form.get(qid) is not None:
            answers[qid] = form.get(qid)
    manifest = current_app.extensions["engage_manifest"].get()
    language = page_language(manifest, page)
    html = render_page(
        "feedback/questionnaire_form.html",
        language=language,
        questionnaire=in_language(definition, language),
        page=page,
        answers=answers,
        errors=errors,
        via=via,
    )
    return Response(html, status=422, mimetype="text/html")


@bp.get("/responses/received")
def received() -> str:
    """The confirmation page with the reference number."""
    reference = request.args.get("reference", "")
    questionnaire = request.args.get("questionnaire", "")
    page = answered_on(questionnaire, request.args.get("page"))
    manifest = current_app.extensions["engage_manifest"].get()
    return render_page(
        "feedback/response_received.html",
        language=page_language(manifest, page),
        reference=reference if response_exists(reference) else None,
        page=page,
    )
