"""The responses table: one person's answers to a questionnaire. Never public."""

from __future__ import annotations

from sqlalchemy import select

from feedback_api.storage.models import QuestionnaireResponse, db


def add_response(
    *,
    questionnaire: str,
    reference: str,
    answers: dict,
    held_reasons: dict,
    spam: bool,
    ip_hash: str | None,
) -> QuestionnaireResponse:
    """Store one person's answers (its id assigned): the caller acknowledges after committing."""
    response = QuestionnaireResponse(
        questionnaire=questionnaire,
        reference=reference,
        answers=answers,
        held_reasons=held_reasons,
        spam=spam,
        ip_hash=ip_hash,
    )
    db.session.add(response)
    db.session.flush()
    return response


def response_exists(reference: str) -> bool:
    if not reference:
        return False
    query = select(QuestionnaireResponse.id).where(QuestionnaireResponse.reference == reference)
    return db.session.scalar(query) is not None


def responses_to(questionnaire_id: str) -> list[QuestionnaireResponse]:
    """A questionnaire's responses, oldest first, without the honeypot's catches."""
    query = select(QuestionnaireResponse).where(
        QuestionnaireResponse.questionnaire == questionnaire_id,
        QuestionnaireResponse.spam.is_(False),
    )
    order = (QuestionnaireResponse.created, QuestionnaireResponse.id)
    return list(db.session.scalars(query.order_by(*order)).all())
