"""Report figures as SQL aggregates over the answer index and the responses table: how many
responded (per day, per channel, per language), and each question's answers counted, overall,
per channel, per language or per answer to another question (a cross-tabulation), for the
responses a `Selection` names."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import aliased

from feedback_api.storage.answers.models import AnswerRow
from feedback_api.storage.models import QuestionnaireResponse, db

EVERY_CHANNEL = ""  # a Selection's channel for responses through any channel
BY_CHANNEL = "channel"  # `by` for figures per channel
BY_LANGUAGE = "language"  # `by` for figures per language (the tag of the page answered on)


@dataclass(frozen=True)
class Selection:
    """The responses a figure counts: one questionnaire's, received from `since` to `until`
    (days in the site's zone, inclusive, None for no limit), through `channel` (EVERY_CHANNEL
    for all; None for those from before channels were recorded). Spam is never counted."""

    questionnaire: str
    since: datetime.date | None = None
    until: datetime.date | None = None
    channel: str | None = EVERY_CHANNEL

    def every_channel(self) -> Selection:
        return Selection(self.questionnaire, self.since, self.until)


class Tally(NamedTuple):
    """Counted answers: responses counted, how many answered each question, and how many gave
    each value ({question: {value: n}}; an item of a multiple choice counts once each)."""

    responses: int
    answered: dict[str, int]
    counts: dict[str, dict[str, int]]


@dataclass
class _Building:
    responses: int = 0
    answered: dict[str, int] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def done(self) -> Tally:
        return Tally(self.responses, self.answered, self.counts)


def selected(table: Any, chosen: Selection) -> list[ColumnElement[bool]]:
    """The conditions naming the chosen rows of `table` (responses or the answer index)."""
    conditions = [table.questionnaire == chosen.questionnaire]
    if chosen.since is not None:
        conditions.append(table.day >= chosen.since)
    if chosen.until is not None:
        conditions.append(table.day <= chosen.until)
    if chosen.channel is None:
        conditions.append(table.channel.is_(None))
    elif chosen.channel != EVERY_CHANNEL:
        conditions.append(table.channel == chosen.channel)
    return conditions


def _responses(chosen: Selection, *columns: Any) -> Select:
    response = QuestionnaireResponse
    return select(*columns).where(*selected(response, chosen), response.spam.is_(False))


def response_count(chosen: Selection) -> int:
    return db.session.scalar(_responses(chosen, func.count())) or 0


def per_day(chosen: Selection) -> list[tuple[datetime.date, int]]:
    """Responses per day (site's zone), in day order; days without any are not listed."""
    day = QuestionnaireResponse.day
    query = _responses(chosen, day, func.count()).group_by(day).order_by(day)
    return [(row[0], row[1]) for row in db.session.execute(query)]


def per_channel(chosen: Selection) -> dict[str | None, int]:
    """Responses per channel (None: from before channels were recorded)."""
    return _per(chosen, QuestionnaireResponse.channel)


def per_language(chosen: Selection) -> dict[str | None, int]:
    """Responses per language tag, as stored (None: from before languages were recorded)."""
    return _per(chosen, QuestionnaireResponse.language)


def _per(chosen: Selection, column: Any) -> dict[str | None, int]:
    query = _responses(chosen, column, func.count()).group_by(column)
    return {row[0]: row[1] for row in db.session.execute(query)}


def _answer_filter(chosen: Selection, questions: Iterable[str] | None) -> list:
    conditions = selected(AnswerRow, chosen)
    if questions is not None:
        conditions.append(AnswerRow.question.in_(list(questions)))
    return conditions


def tally(chosen: Selection, questions: Iterable[str] | None = None) -> Tally:
    """Every question's answers counted (only `questions`, when given)."""
    return tally_by(chosen, None, questions).get(None, Tally(0, {}, {}))


def tally_by(
    chosen: Selection, by: str | None, questions: Iterable[str] | None = None
) -> dict[Any, Tally]:
    """Answers counted per group: per channel (`by` = BY_CHANNEL), per language tag as stored
    (BY_LANGUAGE), per value given to question `by` (None for the responses that did not answer
    it), or all together (`by` None, one group, None). Each group's Tally counts its own
    responses."""
    wanted = None if questions is None else list(questions)
    groups: dict[Any, _Building] = {}
    conditions = _answer_filter(chosen, wanted)
    if by == BY_CHANNEL:
        key: Any = AnswerRow.channel
        sizes = per_channel(chosen)
        joined = None
    elif by == BY_LANGUAGE:
        key = AnswerRow.language
        sizes = per_language(chosen)
        joined = None
    elif by is None:
        key = None
        sizes = {None: response_count(chosen)}
        joined = None
    else:
        joined = aliased(AnswerRow)
        key = joined.value
        sizes = _group_sizes(chosen, by)
    for group, size in sizes.items():
        groups[group] = _Building(responses=size)
    keys = [key] if key is not None else []
    answered = func.sum(case((AnswerRow.first.is_(True), 1), else_=0))
    query = select(*keys, AnswerRow.question, AnswerRow.value, func.count(), answered)
    if joined is not None:
        on = and_(
            joined.response_id == AnswerRow.response_id,
            joined.question == by,
            joined.first.is_(True),  # one group each, even for a list given to `by`
        )
        query = query.outerjoin(joined, on)
    query = query.where(*conditions).group_by(*keys, AnswerRow.question, AnswerRow.value)
    for row in db.session.execute(query):
        group, (question, value, n, first) = (row[0], row[1:]) if keys else (None, row)
        building = groups.setdefault(group, _Building())
        building.answered[question] = building.answered.get(question, 0) + (first or 0)
        if value is not None:
            building.counts.setdefault(question, {})[value] = n
    return {group: building.done() for group, building in groups.items()}


def sizes(per: Mapping[Any, Tally]) -> dict[Any, int]:
    """How many responses each group of a `tally_by` has."""
    return {group: tallied.responses for group, tallied in per.items()}


def _group_sizes(chosen: Selection, by: str) -> dict[str | None, int]:
    """Responses per value given to question `by` (equality questions take one; of a list, the
    first counts), and (None) those that gave none, or none that could be an option's value."""
    value = AnswerRow.value
    query = (
        select(value, func.count())
        .where(*selected(AnswerRow, chosen), AnswerRow.question == by, value.is_not(None))
        .where(AnswerRow.first.is_(True))
        .group_by(value)
    )
    sizes: dict[str | None, int] = {row[0]: row[1] for row in db.session.execute(query)}
    sizes[None] = response_count(chosen) - sum(sizes.values())
    return sizes
