"""Filling the answer index: the rows one response's answers make, written with the response
(and by the migration that made the table, for the responses stored before it)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, inspect, select, update

from contract.manifest import local_day
from contract.vocabulary import OPTION_VALUE
from feedback_api.screening.spans import redacted
from feedback_api.storage.answers.models import AnswerRow
from feedback_api.storage.models import QuestionnaireResponse, db
from feedback_api.textsafe import scrub

EMPTY = {"reasons": None, "flagged": False, "folded": None, "cut": None}
CUT = "\x1f"  # stands where personal data was cut out (never in stored text: input drops it)
VALUE_LENGTH = 100


def _value(item: Any) -> str | None:
    text = str(item)
    return text if len(text) <= VALUE_LENGTH and OPTION_VALUE.match(text) else None


def _text(item: Any) -> str:
    """An answer as text any database stores (input checks already drop what `scrub` does;
    a response written another way must not stop its indexing)."""
    return scrub(str(item))


def _folded(text: str) -> str | None:
    folded = text.casefold()
    return None if folded == text else folded


def answer_rows(answers: Mapping[str, Any], held: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The index's columns for each answer (without the response's own): a list gives a row per
    item (a choice; the first is `first`), a number or text one row; empty answers give none.

    No definition is needed: an answer is indexed as given, so a question added or reworded later
    finds its answers, and a typed answer that happens to look like an option's value is both.
    """
    for question, answer in answers.items():
        if isinstance(answer, bool) or answer is None:
            continue
        if isinstance(answer, list):
            items = [_text(item) for item in answer if isinstance(item, str | int)]
            for n, item in enumerate(item for item in items if item.strip()):
                yield {
                    **EMPTY,
                    "question": str(question)[:120],
                    "value": _value(item),
                    "text": item,
                    "folded": _folded(item),
                    "first": n == 0,
                }
            continue
        text = _text(answer)
        if not text.strip():
            continue
        found = held.get(question) if isinstance(held.get(question), list) else []
        yield {
            "question": str(question)[:120],
            "value": _value(text),
            "text": text,
            "reasons": found or None,
            "flagged": bool(found),
            "folded": _folded(text),
            "cut": redacted(text, found, CUT).casefold() if found else None,
            "first": True,
        }


def _rows(row: Any, languages: bool = True) -> list[dict[str, Any]]:
    """The index rows of one response (an ORM object or a row with the same names), with its
    language unless the tables have no `language` yet (`languages` False)."""
    if row.spam:
        return []
    shared = {
        "response_id": row.id,
        "questionnaire": row.questionnaire,
        "channel": row.channel,
        "day": local_day(row.created),
        "created": row.created,
        **({"language": row.language} if languages else {}),
    }
    answers = row.answers if isinstance(row.answers, dict) else {}
    held = row.held_reasons if isinstance(row.held_reasons, dict) else {}
    return [{**shared, **found} for found in answer_rows(answers, held)]


def index_response(response: QuestionnaireResponse) -> None:
    """Write the rows of a stored (flushed) response; a spam response has none."""
    rows = _rows(response)
    if rows:
        db.session.execute(insert(AnswerRow), rows)


BATCH = 2000


def _with_languages(connection: Connection) -> bool:
    """Whether responses and the index have their `language` columns: not yet when the
    index's own migration runs this, before the languages' migration adds them."""
    found = inspect(connection)
    return all(
        "language" in {column["name"] for column in found.get_columns(table)}
        for table in ("responses", "answer_rows")
    )


def reindex(connection: Connection) -> int:
    """Index every response again from its stored answers (and set its day); returns how many
    rows were written. The migration that made the index runs it, and so does
    `flask --app feedback_api reports reindex` for responses written straight into the database."""
    responses = QuestionnaireResponse.__table__
    languages = _with_languages(connection)
    connection.execute(delete(AnswerRow.__table__))
    columns = [responses.c[name] for name in ("id", "questionnaire", "answers", "held_reasons")]
    columns += [responses.c[name] for name in ("spam", "channel", "created")]
    columns += [responses.c.language] if languages else []
    written, after = 0, 0
    while True:
        query = select(*columns).where(responses.c.id > after).order_by(responses.c.id)
        batch = connection.execute(query.limit(BATCH)).all()
        if not batch:
            return written
        rows = [found for row in batch for found in _rows(row, languages)]
        if rows:
            connection.execute(insert(AnswerRow.__table__), rows)
        days = [{"key": row.id, "local": local_day(row.created)} for row in batch]
        set_day = update(responses).where(responses.c.id == bindparam("key"))
        connection.execute(set_day.values(day=bindparam("local")), days)
        written += len(rows)
        after = batch[-1].id


def reindex_all() -> int:
    """`reindex` in the current transaction (the caller commits)."""
    return reindex(db.session.connection())
