"""Checking a person's answers against the questionnaire's definition from the manifest.

Every question type the build can define is checked here: allowed values, lengths, dates,
required answers and one-level conditions (`show_if`). Messages follow the NHS service manual's
error-message style ("Select…", "Enter…"), and the same messages serve JSON clients and the
no-JavaScript form.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from contract.vocabulary import TEXT_TYPES, QuestionType
from contract.wordings import OTHER_TEXT_MAX_LENGTH, OTHER_VALUE

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


def check(definition: dict[str, Any], sent: Submitted, today: datetime.date) -> tuple[dict, dict]:
    """(clean answers by question id, error message by question id)."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in definition["questions"]:
        qid = question["id"]
        if not _shown(question, clean):
            continue
        kind = question["type"]
        allowed = {option["value"] for option in question.get("options", [])}
        required = question.get("required", False) and kind != "equality"
        if kind in CHOICE:
            value = sent.one(qid)
            if value in (None, ""):
                if required:
                    errors[qid] = f"Select an answer for: {question['label']}"
                continue
            if not isinstance(value, str) or value not in allowed:
                errors[qid] = f"Select one of the answers given for: {question['label']}"
                continue
            clean[qid] = value
        elif kind == "multiple":
            values = sent.all(qid)
            if not values:
                if required:
                    errors[qid] = f"Select at least one answer for: {question['label']}"
                continue
            if any(not isinstance(v, str) or v not in allowed for v in values):
                errors[qid] = f"Select only the answers given for: {question['label']}"
                continue
            clean[qid] = list(dict.fromkeys(values))
            if OTHER_VALUE in clean[qid] and question.get("other"):
                other = sent.one(f"{qid}_other")
                if not isinstance(other, str) or not other:
                    errors[qid] = "You selected ‘Other’: say what, in the box"  # noqa: RUF001
                elif len(other) > OTHER_TEXT_MAX_LENGTH:
                    errors[qid] = f"‘Other’ must be {OTHER_TEXT_MAX_LENGTH} characters or fewer"  # noqa: RUF001
                else:
                    clean[f"{qid}_other"] = other
        elif kind in TEXT:
            value = sent.one(qid)
            if value in (None, ""):
                if required:
                    errors[qid] = f"Enter an answer for: {question['label']}"
                continue
            if not isinstance(value, str):
                errors[qid] = f"Enter text for: {question['label']}"
                continue
            limit = question.get("max_length")
            if limit and len(value) > limit:
                errors[qid] = (
                    f"Your answer must be {limit:,} characters or fewer; it has {len(value):,}"
                )
                continue
            clean[qid] = value.replace("\r\n", "\n")
        elif kind == "date":
            parts = sent.date_parts(qid)
            if not any(parts.values()):
                if required:
                    errors[qid] = f"Enter a date for: {question['label']}"
                continue
            try:
                if not all(DATE_PART.fullmatch(part) for part in parts.values()):
                    raise ValueError("not a day, month and year in figures")
                day = datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
            except ValueError:
                errors[qid] = "Enter a real date, for example 27 3 2026"
                continue
            if question.get("past_only") and day > today:
                errors[qid] = "The date must be today or in the past"
                continue
            if day.year < 1900:
                errors[qid] = "Enter a real date, for example 27 3 2026"
                continue
            clean[qid] = day.isoformat()
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
