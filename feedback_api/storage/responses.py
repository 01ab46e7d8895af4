"""The responses table: one person's answers to a questionnaire. Never public."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import and_, case, func, select

from contract.manifest import local_day
from feedback_api.storage.answers.counts import Selection, selected
from feedback_api.storage.answers.index import index_response
from feedback_api.storage.models import QuestionnaireResponse, db, utcnow


def add_response(
    *,
    questionnaire: str,
    reference: str,
    answers: dict,
    held_reasons: dict,
    spam: bool,
    ip_hash: str | None,
    channel: str | None = None,
    language: str | None = None,
) -> QuestionnaireResponse:
    """Store one person's answers (its id assigned) and index them for the reports: the caller
    acknowledges after committing. `channel`: how the person reached the questionnaire
    (contract.channels); `language`: the tag of the page it was answered on."""
    response = QuestionnaireResponse(
        questionnaire=questionnaire,
        reference=reference,
        answers=answers,
        held_reasons=held_reasons,
        spam=spam,
        ip_hash=ip_hash,
        channel=channel,
        language=language,
        created=utcnow(),
    )
    response.day = local_day(response.created)
    db.session.add(response)
    db.session.flush()
    index_response(response)
    return response


def response_exists(reference: str) -> bool:
    if not reference:
        return False
    query = select(QuestionnaireResponse.id).where(QuestionnaireResponse.reference == reference)
    return db.session.scalar(query) is not None


def response_by_id(response_id: int) -> QuestionnaireResponse | None:
    return db.session.get(QuestionnaireResponse, response_id)


def responses_to(questionnaire_id: str) -> list[QuestionnaireResponse]:
    """A questionnaire's responses, oldest first, without the honeypot's catches."""
    query = select(QuestionnaireResponse).where(
        QuestionnaireResponse.questionnaire == questionnaire_id,
        QuestionnaireResponse.spam.is_(False),
    )
    order = (QuestionnaireResponse.created, QuestionnaireResponse.id)
    return list(db.session.scalars(query.order_by(*order)).all())


def selected_responses(chosen: Selection) -> list[QuestionnaireResponse]:
    """The responses a Selection names (period and channel), oldest first, without spam."""
    query = select(QuestionnaireResponse).where(
        *selected(QuestionnaireResponse, chosen), QuestionnaireResponse.spam.is_(False)
    )
    order = (QuestionnaireResponse.created, QuestionnaireResponse.id)
    return list(db.session.scalars(query.order_by(*order)).all())


class MonthCount(NamedTuple):
    """How many people gave one answer to one question in one month."""

    month: str
    # The channel the responses came through (None: from before channels were recorded).
    channel: str | None
    answer: str
    count: int


def answer_counts_by_month(
    questionnaire_id: str,
    question_id: str,
    months: Sequence[tuple[str, datetime.datetime, datetime.datetime]],
    values: Sequence[str],
) -> list[MonthCount]:
    """Counts of each of `values` given to `question_id`, per month and channel, in one GROUP BY
    query.

    `months` are (label, start, end) with the moments in UTC, end excluded: the caller decides
    where a month starts (UK midnight), so the database needs no time zone rules, which SQLite
    lacks. The answer is read with the dialect's JSON extraction (`json_extract` on SQLite,
    `->>` on PostgreSQL); spam is left out. The month is worked out in a subquery so the
    outer GROUP BY names plain columns, which both databases accept whatever the parameters.
    """
    if not months:
        return []
    answer = QuestionnaireResponse.answers[question_id].as_string()
    created = QuestionnaireResponse.created
    month = case(
        *((and_(created >= start, created < end), label) for label, start, end in months),
        else_=None,
    )
    answered = (
        select(
            month.label("month"),
            QuestionnaireResponse.channel.label("channel"),
            answer.label("answer"),
        )
        .where(
            QuestionnaireResponse.questionnaire == questionnaire_id,
            QuestionnaireResponse.spam.is_(False),
            created >= min(start for _, start, _ in months),
            created < max(end for _, _, end in months),
            answer.in_(list(values)),
        )
        .subquery()
    )
    query = (
        select(answered.c.month, answered.c.channel, answered.c.answer, func.count())
        .where(answered.c.month.is_not(None))
        .group_by(answered.c.month, answered.c.channel, answered.c.answer)
        .order_by(answered.c.month, answered.c.channel, answered.c.answer)
    )
    return [
        MonthCount(month=row[0], channel=row[1], answer=row[2], count=row[3])
        for row in db.session.execute(query)
    ]
