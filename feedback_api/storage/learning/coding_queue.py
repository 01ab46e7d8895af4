"""What there is to code on a consultation, as queries: its free-text answers (from the answer
index) and what people said on the page and about it on social media, in one order (oldest
first; at the same moment answers before comments, a response's answers in question order), so
the coding queue finds the next uncoded item, and counts what is left, without reading them all.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true

from feedback_api.storage.answers.models import AnswerRow
from feedback_api.storage.learning.models import CodedItem
from feedback_api.storage.learning.themes import CODABLE, Item
from feedback_api.storage.models import Comment, QuestionnaireResponse, db

ANSWER, COMMENT = 0, 1  # at the same moment, answers come first


class Place(NamedTuple):
    """Where an item is in the queue's order."""

    created: datetime.datetime
    kind: int
    number: int  # the response's id, or the comment's
    position: int  # the field's place among the questionnaire's free-text fields


class Found(NamedTuple):
    """One item as the queue shows it."""

    item: Item
    place: Place
    text: str
    reasons: list[dict]
    channel: str | None
    reference: str | None  # the response's reference (answers)
    source: str | None  # where it was said (comments)


class Scope(NamedTuple):
    """One consultation's items: its page, and its questionnaire's id and free-text fields
    (None and none when it has no questionnaire)."""

    page: str
    questionnaire: str | None
    fields: Sequence[str]


def _position(scope: Scope) -> Any:
    return case({name: n for n, name in enumerate(scope.fields)}, value=AnswerRow.question)


def _answers(scope: Scope, uncoded: bool) -> Any:
    query = (
        select(
            AnswerRow.response_id,
            AnswerRow.question,
            AnswerRow.created,
            AnswerRow.text,
            AnswerRow.reasons,
            AnswerRow.channel,
            QuestionnaireResponse.reference,
            _position(scope).label("position"),
        )
        .join(QuestionnaireResponse, QuestionnaireResponse.id == AnswerRow.response_id)
        .where(
            AnswerRow.questionnaire == (scope.questionnaire or ""),
            AnswerRow.question.in_(list(scope.fields)),
            AnswerRow.first.is_(True),
        )
    )
    if uncoded:
        on = and_(
            CodedItem.response_id == AnswerRow.response_id, CodedItem.field == AnswerRow.question
        )
        query = query.outerjoin(CodedItem, on).where(CodedItem.id.is_(None))
    return query


def _comments(scope: Scope, uncoded: bool) -> Any:
    query = select(
        Comment.id, Comment.created, Comment.body, Comment.held_reasons, Comment.channel
    ).where(
        Comment.page == scope.page,
        Comment.official.is_(False),
        Comment.status.in_(CODABLE),
        Comment.gone.is_(None),
    )
    query = query.add_columns(Comment.source)
    if uncoded:
        query = query.outerjoin(CodedItem, CodedItem.comment_id == Comment.id)
        query = query.where(CodedItem.id.is_(None))
    return query


def _later(pairs: list[tuple[Any, Any]]) -> ColumnElement[bool]:
    """(a, b, ...) > (x, y, ...) compared in order; a constant on the left is compared here."""
    (left, right), rest = pairs[0], pairs[1:]
    if isinstance(left, int):  # a constant: the kind of item a query reads
        if left != right:
            return true() if left > right else false()
        return _later(rest) if rest else false()
    if not rest:
        return left > right
    return or_(left > right, and_(left == right, _later(rest)))


def _found_answer(row: Any) -> Found:
    place = Place(row.created, ANSWER, row.response_id, row.position)
    item = Item(response_id=row.response_id, field=row.question)
    return Found(item, place, row.text, row.reasons or [], row.channel, row.reference, None)


def _found_comment(row: Any) -> Found:
    place = Place(row.created, COMMENT, row.id, 0)
    item = Item(comment_id=row.id)
    return Found(item, place, row.body, row.held_reasons or [], row.channel, None, row.source)


def _first(
    scope: Scope,
    *,
    uncoded: bool,
    after: Place | None = None,
    item: Item | None = None,
    without: Item | None = None,
    newest: int = 0,
) -> list[Found]:
    """Items in the queue's order (the first, or the `newest` last ones), uncoded only when
    asked, after a place, one item only, or leaving one out."""
    found: list[Found] = []
    limit = newest or 1
    if scope.fields and (item is None or item.comment_id is None):
        query = _answers(scope, uncoded)
        position = _position(scope)
        if after is not None:
            pairs = [(AnswerRow.created, after.created), (ANSWER, after.kind)]
            pairs += [(AnswerRow.response_id, after.number), (position, after.position)]
            query = query.where(_later(pairs))
        if item is not None:
            query = query.where(
                AnswerRow.response_id == item.response_id, AnswerRow.question == item.field
            )
        if without is not None and without.comment_id is None:
            query = query.where(
                or_(
                    AnswerRow.response_id != without.response_id,
                    AnswerRow.question != without.field,
                )
            )
        order = [AnswerRow.created, AnswerRow.response_id, position]
        if newest:
            order = [column.desc() for column in order]
        found += [
            _found_answer(row) for row in db.session.execute(query.order_by(*order).limit(limit))
        ]
    if item is None or item.comment_id is not None:
        query = _comments(scope, uncoded)
        if after is not None:
            pairs = [
                (Comment.created, after.created),
                (COMMENT, after.kind),
                (Comment.id, after.number),
            ]
            query = query.where(_later(pairs))
        if item is not None:
            query = query.where(Comment.id == item.comment_id)
        if without is not None and without.comment_id is not None:
            query = query.where(Comment.id != without.comment_id)
        order = [Comment.created, Comment.id]
        if newest:
            order = [column.desc() for column in order]
        found += [
            _found_comment(row) for row in db.session.execute(query.order_by(*order).limit(limit))
        ]
    found.sort(key=lambda one: one.place, reverse=bool(newest))
    return found[:limit]


def find(scope: Scope, item: Item) -> Found | None:
    """The item, coded or not, when it is one of the consultation's."""
    found = _first(scope, uncoded=False, item=item)
    return found[0] if found else None


def next_uncoded(
    scope: Scope, after: Place | None = None, without: Item | None = None
) -> Found | None:
    """The first uncoded item after `after` (from the start when none follows it), other than
    `without`."""
    if after is not None:
        found = _first(scope, uncoded=True, after=after, without=without)
        if found:
            return found[0]
    found = _first(scope, uncoded=True, without=without)
    return found[0] if found else None


def latest(scope: Scope, count: int) -> list[Found]:
    """The `count` newest items, newest first (what suggestions are made from)."""
    return _first(scope, uncoded=False, newest=count)


def counts(scope: Scope) -> dict[str, int]:
    """How many items the consultation has to code: `total`, `coded` and `left`."""
    total = coded = 0
    if scope.fields:
        every = _answers(scope, uncoded=False).subquery()
        total += db.session.scalar(select(func.count()).select_from(every)) or 0
        done = _answers(scope, uncoded=False).join(
            CodedItem,
            and_(
                CodedItem.response_id == AnswerRow.response_id,
                CodedItem.field == AnswerRow.question,
            ),
        )
        coded += db.session.scalar(select(func.count()).select_from(done.subquery())) or 0
    every = _comments(scope, uncoded=False).subquery()
    total += db.session.scalar(select(func.count()).select_from(every)) or 0
    done = _comments(scope, uncoded=False).join(CodedItem, CodedItem.comment_id == Comment.id)
    coded += db.session.scalar(select(func.count()).select_from(done.subquery())) or 0
    return {"total": total, "coded": coded, "left": total - coded}
