"""Typed answers from the answer index, newest first, filtered and paged in SQL: a report lists
fifty of fifty thousand without reading the rest."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import case, func, select

from feedback_api.storage.answers.counts import Selection, selected
from feedback_api.storage.answers.models import AnswerRow
from feedback_api.storage.models import QuestionnaireResponse, db


class Typed(NamedTuple):
    """One typed answer: whose (the response's reference), when, which field, and the text with
    the personal data found in it, in its language (the tag stored; None: before languages)."""

    reference: str
    created: datetime.datetime
    field: str
    text: str
    reasons: list[dict]
    language: str | None = None


def _like(needle: str) -> str:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Asked:
    """Which typed answers: to `fields`, `flagged` "" (all), "yes" or "no", containing
    `contains` (case-folded; without `personal`, searched with personal data cut out, so a
    phone number's digits never find the answer that holds it)."""

    fields: Sequence[str]
    flagged: str = ""
    contains: str = ""
    personal: bool = False

    def conditions(self, chosen: Selection) -> list:
        conditions = [*selected(AnswerRow, chosen), AnswerRow.question.in_(list(self.fields))]
        if self.flagged == "yes":
            conditions.append(AnswerRow.flagged.is_(True))
        elif self.flagged == "no":
            conditions.append(AnswerRow.flagged.is_(False))
        needle = self.contains.casefold().strip()
        if needle:
            searched = (
                func.coalesce(AnswerRow.folded, AnswerRow.text)
                if self.personal
                else func.coalesce(AnswerRow.cut, AnswerRow.folded, AnswerRow.text)
            )
            conditions.append(searched.like(_like(needle), escape="\\"))
        return conditions


def count_typed(chosen: Selection, asked: Asked) -> int:
    """How many typed answers match."""
    where = asked.conditions(chosen)
    return db.session.scalar(select(func.count()).select_from(AnswerRow).where(*where)) or 0


def typed(chosen: Selection, asked: Asked, limit: int = 50, offset: int = 0) -> list[Typed]:
    """The typed answers that match, newest first (a response's answers in the order of
    `asked.fields`), `limit` of them from `offset`."""
    fields = list(asked.fields)
    if not fields or limit <= 0:
        return []
    where = asked.conditions(chosen)
    order = case({name: n for n, name in enumerate(fields)}, value=AnswerRow.question)
    query = (
        select(
            QuestionnaireResponse.reference,
            AnswerRow.created,
            AnswerRow.question,
            AnswerRow.text,
            AnswerRow.reasons,
            AnswerRow.language,
        )
        .join(QuestionnaireResponse, QuestionnaireResponse.id == AnswerRow.response_id)
        .where(*where)
        .order_by(AnswerRow.created.desc(), AnswerRow.response_id.desc(), order)
        .limit(limit)
        .offset(offset)
    )
    return [
        Typed(row[0], row[1], row[2], row[3], row[4] or [], row[5])
        for row in db.session.execute(query)
    ]
