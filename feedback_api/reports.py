"""Figures from questionnaire responses, for the reports staff act on.

Spam (honeypot) responses are left out. Percentages are of the people who answered that
question, to one decimal place. The Friends and Family Test scores follow NHS England: positive
= (Very good + Good) / all answers to the question, negative = (Poor + Very poor) / all answers,
with "Don't know" in the denominator.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from .models import Response, db

FFT_POSITIVE = ("very_good", "good")
FFT_NEGATIVE = ("poor", "very_poor")


def responses_to(questionnaire_id: str) -> list[Response]:
    query = select(Response).where(
        Response.questionnaire == questionnaire_id, Response.spam.is_(False)
    )
    return list(db.session.scalars(query.order_by(Response.created, Response.id)).all())


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def summary(definition: dict[str, Any], responses: list[Response]) -> dict[str, Any]:
    """`{"responses": total, "questions": {id: {"answered", "counts", "percentages", ...}}}`."""
    questions: dict[str, Any] = {}
    for question in definition["questions"]:
        qid = question["id"]
        counts: Counter[str] = Counter()
        answered = 0
        for response in responses:
            value = response.answers.get(qid)
            if value in (None, "", []):
                continue
            answered += 1
            for item in value if isinstance(value, list) else [value]:
                counts[str(item)] += 1
        entry: dict[str, Any] = {
            "type": question["type"],
            "label": question["label"],
            "answered": answered,
        }
        if question.get("options"):
            ordered = {
                option["value"]: counts.get(option["value"], 0) for option in question["options"]
            }
            entry["counts"] = ordered
            entry["percentages"] = {value: _pct(n, answered) for value, n in ordered.items()}
        else:
            entry["counts"] = {}
        if question["type"] == "fft":
            entry["positive_pct"] = _pct(sum(counts[v] for v in FFT_POSITIVE), answered)
            entry["negative_pct"] = _pct(sum(counts[v] for v in FFT_NEGATIVE), answered)
        questions[qid] = entry
    return {"questionnaire": definition["id"], "responses": len(responses), "questions": questions}
