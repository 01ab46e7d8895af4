"""Responses as files staff open without fixing anything: CSV with one row per response and one
column per question (answers in words), and JSON with the stored values for other tools.

Times are UK time with the zone named ("1 December 2026 at 2:05pm GMT" in the CSV, ISO 8601
with its offset in the JSON). Personal data found in free text is replaced by what it was
("[phone number removed]") unless an administrator asks for it. Cells a spreadsheet would run as
a formula are defused, because every answer is text a stranger typed.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from contract import channels
from feedback_api.staff.moderation_view import redacted
from feedback_api.staff.reports.text import text_fields
from feedback_api.staff.times import uk_iso, uk_time
from feedback_api.storage.models import QuestionnaireResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A leading ' stops =, +, -, @ and control characters starting a formula (OWASP's advice)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _stored(response: QuestionnaireResponse, field: str, personal: bool) -> Any:
    value = response.answers.get(field)
    reasons = (response.held_reasons or {}).get(field)
    if isinstance(value, str) and reasons and not personal:
        return redacted(value, reasons)
    return value


def columns(definition: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, heading) for each answer column: one per question, plus "other, please say"."""
    others = text_fields(definition)
    found = []
    for question in definition["questions"]:
        found.append((question["id"], question["label"]))
        other = f"{question['id']}_other"
        if other in others:
            found.append((other, others[other]))
    return found


def _in_words(definition: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        q["id"]: {option["value"]: option["label"] for option in q["options"]}
        for q in definition["questions"]
        if q.get("options")
    }


def to_csv(
    definition: dict[str, Any], responses: list[QuestionnaireResponse], personal: bool = False
) -> str:
    """The CSV file's text: a heading row, then one row per response, oldest first."""
    words = _in_words(definition)
    wanted = columns(definition)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Reference", "Submitted", "Channel", *(heading for _, heading in wanted)])
    for response in responses:
        row = [response.reference, uk_time(response.created), channels.label(response.channel)]
        for field, _ in wanted:
            value = _stored(response, field, personal)
            labels = words.get(field, {})
            if isinstance(value, list):
                value = "; ".join(labels.get(item, item) for item in value)
            elif value is not None:
                value = labels.get(value, value)
            row.append(safe_cell(str(value)) if value is not None else "")
        writer.writerow(row)
    return out.getvalue()


def to_json(
    definition: dict[str, Any],
    responses: list[QuestionnaireResponse],
    figures: dict[str, Any],
    personal: bool = False,
) -> dict[str, Any]:
    """The questionnaire, the summary figures and every response with its stored values."""
    fields = [field for field, _ in columns(definition)]
    return {
        "questionnaire": {"id": definition["id"], "title": definition["title"]},
        "time_zone": "Europe/London (UK time)",
        "exported": uk_iso(datetime.datetime.now(datetime.UTC)),
        "personal_data": "included" if personal else "removed",
        "summary": figures,
        "responses": [
            {
                "reference": response.reference,
                "submitted": uk_iso(response.created),
                "channel": response.channel,
                "answers": {
                    field: _stored(response, field, personal)
                    for field in fields
                    if field in response.answers
                },
            }
            for response in responses
        ],
    }
