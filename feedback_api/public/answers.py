"""Checking a person's answers against the questionnaire's definition from the manifest.

Every question type the build can define is checked here: allowed values, lengths, dates,
required answers and one-level conditions (`show_if`). Messages follow the NHS service manual's
error-message style ("Select…", "Enter…"), and the same messages serve JSON clients and the
no-JavaScript form, in the language being rendered (the page's: `theme.i18n`), with the
question as the reader saw it (`contract.questionnaires.in_language`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from contract.vocabulary import TEXT_TYPES, QuestionType
from contract.wordings import OTHER_TEXT_MAX_LENGTH, OTHER_VALUE
from theme.i18n import gettext as _

# Questions answered with one of their options.
CHOICE = (QuestionType.SINGLE, QuestionType.FFT, QuestionType.SCALE, QuestionType.EQUALITY)
TEXT = TEXT_TYPES
# A day, month or year in figures as a person types them: "²" or a 20-digit year is no date.
DATE_PART = re.compile(r"[0-9]{1,4}")


class Submitted:
    """Answers as sent: a JSON object, or a form (several values per name)."""

    def __init__(self, values: dict[str, Any], many: Callable[[str], list[str]] | None = None):
        self.values = values
        self.many = many

    def one(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip()
        return value

    def all(self, name: str) -> list[Any]:
        if self.many is not None:
            return [v.strip() for v in self.many(name) if v.strip()]
        value = self.values.get(name)
        if value is None or value == "":
            return []
        return value if isinstance(value, list) else [value]

    def date_parts(self, name: str) -> dict[str, str]:
        value = self.values.get(name)
        if isinstance(value, dict):
            return {part: str(value.get(part, "")).strip() for part in ("day", "month", "year")}
        if isinstance(value, str) and value.count("-") == 2 and self.many is None:
            year, month, day = value.split("-")
            return {"day": day, "month": month, "year": year}
        return {
            part: str(self.values.get(f"{name}-{part}", "")).strip()
            for part in ("day", "month", "year")
        }


def _shown(question: dict[str, Any], clean: dict[str, Any]) -> bool:
    condition = question.get("show_if")
    if not condition:
        return True
    given = clean.get(condition["question"])
    wanted = str(condition["value"])
    return wanted in given if isinstance(given, list) else given == wanted


Checked = tuple[dict[str, Any], str | None]  # (clean answers to keep, the error message)


def _missing(question: dict[str, Any], message: str) -> Checked:
    """Nothing answered: an error only when the question must be answered (equality questions
    never must, whatever the definition says)."""
    required = question.get("required", False) and question["type"] != QuestionType.EQUALITY
    return {}, message % {"question": question["label"]} if required else None


def _allowed(question: dict[str, Any]) -> set[str]:
    return {option["value"] for option in question.get("options", [])}


def _choice(question: dict[str, Any], sent: Submitted, today: datetime.date) -> Checked:
    qid, value = question["id"], sent.one(question["id"])
    if value in (None, ""):
        return _missing(question, _("Select an answer for: %(question)s"))
    if not isinstance(value, str) or value not in _allowed(question):
        return {}, _("Select one of the answers given for: %(question)s") % {
            "question": question["label"]
        }
    return {qid: value}, None


def _multiple(question: dict[str, Any], sent: Submitted, today: datetime.date) -> Checked:
    qid, values = question["id"], sent.all(question["id"])
    if not values:
        return _missing(question, _("Select at least one answer for: %(question)s"))
    if any(not isinstance(v, str) or v not in _allowed(question) for v in values):
        return {}, _("Select only the answers given for: %(question)s") % {
            "question": question["label"]
        }
    chosen = {qid: list(dict.fromkeys(values))}
    if OTHER_VALUE not in chosen[qid] or not question.get("other"):
        return chosen, None
    other = sent.one(f"{qid}_other")
    if not isinstance(other, str) or not other:
        return chosen, _("You selected ‘Other’: say what, in the box")  # noqa: RUF001
    if len(other) > OTHER_TEXT_MAX_LENGTH:
        return chosen, _("‘Other’ must be %(limit)s characters or fewer") % {  # noqa: RUF001
            "limit": OTHER_TEXT_MAX_LENGTH
        }
    return {**chosen, f"{qid}_other": other}, None


def _text(question: dict[str, Any], sent: Submitted, today: datetime.date) -> Checked:
    qid, value = question["id"], sent.one(question["id"])
    if value in (None, ""):
        return _missing(question, _("Enter an answer for: %(question)s"))
    if not isinstance(value, str):
        return {}, _("Enter text for: %(question)s") % {"question": question["label"]}
    limit = question.get("max_length")
    if limit and len(value) > limit:
        return {}, _("Your answer must be %(limit)s characters or fewer; it has %(length)s") % {
            "limit": f"{limit:,}",
            "length": f"{len(value):,}",
        }
    return {qid: value.replace("\r\n", "\n")}, None


def _date(question: dict[str, Any], sent: Submitted, today: datetime.date) -> Checked:
    parts = sent.date_parts(question["id"])
    if not any(parts.values()):
        return _missing(question, _("Enter a date for: %(question)s"))
    try:
        if not all(DATE_PART.fullmatch(part) for part in parts.values()):
            raise ValueError("not a day, month and year in figures")
        day = datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return {}, _("Enter a real date, for example 27 3 2026")
    if question.get("past_only") and day > today:
        return {}, _("The date must be today or in the past")
    if day.year < 1900:
        return {}, _("Enter a real date, for example 27 3 2026")
    return {question["id"]: day.isoformat()}, None


CHECKS: dict[str, Callable[[dict[str, Any], Submitted, datetime.date], Checked]] = {
    **dict.fromkeys(CHOICE, _choice),
    QuestionType.MULTIPLE: _multiple,
    **dict.fromkeys(TEXT, _text),
    QuestionType.DATE: _date,
}


def check(definition: dict[str, Any], sent: Submitted, today: datetime.date) -> tuple[dict, dict]:
    """(clean answers by question id, error message by question id)."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in definition["questions"]:
        checker = CHECKS.get(question["type"])
        if checker is None or not _shown(question, clean):
            continue
        answers, error = checker(question, sent, today)
        clean.update(answers)
        if error:
            errors[question["id"]] = error
    return clean, errors


def free_text(definition: dict[str, Any], clean: dict[str, Any]) -> dict[str, str]:
    """The free-text answers (for screening), by the field they were given in."""
    texts = {}
    for question in definition["questions"]:
        if question["type"] in TEXT and question["id"] in clean:
            texts[question["id"]] = clean[question["id"]]
        other = f"{question['id']}_other"
        if other in clean:
            texts[other] = clean[other]
    return texts
