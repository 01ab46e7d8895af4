"""Questions normalised for the manifest: the shape the API validates answers against and
the theme renders, with the built-in wordings filled in."""

from __future__ import annotations

from collections.abc import Callable

from contract.wordings import (
    EQUALITY_DEFAULT_ID,
    EQUALITY_PARTS,
    FFT_LABEL,
    FFT_OPTIONS,
    OTHER_LABEL,
    OTHER_VALUE,
    PREFER_NOT,
    scale_options,
)
from engagement.questionnaires.answer_checks import option_pair
from engagement.questionnaires.types import DEFAULT_MAX_LENGTH


def _as_written(text: str) -> str:
    return text


def normalise_question(
    question: dict, service: str, say: Callable[[str], str] = _as_written
) -> list[dict]:
    """The manifest form of one checked question: a list, as an equality block makes several.
    `say` gives a built-in wording in the questionnaire's language (the catalogue's gettext)."""
    kind = question["type"]
    if kind == "equality":
        prefix = question.get("id", EQUALITY_DEFAULT_ID)
        return [
            _shape(
                f"{prefix}_{part}",
                kind,
                say(EQUALITY_PARTS[part][0]),
                say(EQUALITY_PARTS[part][1]) if EQUALITY_PARTS[part][1] else None,
                False,
                [(value, say(text)) for value, text in (*EQUALITY_PARTS[part][2], PREFER_NOT)],
            )
            for part in question.get("include", EQUALITY_PARTS)
        ]
    if kind == "fft":
        label = say(FFT_LABEL).format(service=service)
        options = [(value, say(text)) for value, text in FFT_OPTIONS]
    elif kind == "scale":
        label = question["label"].strip()
        options = [(o["value"], o["label"]) for o in scale_options(question)]
    else:
        label = question["label"].strip()
        options = [option_pair(o) for o in question.get("options", [])]
    if kind == "multiple" and question.get("other"):
        options.append((OTHER_VALUE, say(OTHER_LABEL)))
    shaped = _shape(
        question["id"],
        kind,
        label,
        question.get("hint"),
        bool(question.get("required", False)),
        options,
        question.get("max_length", DEFAULT_MAX_LENGTH.get(kind)),
    )
    if "show_if" in question:
        condition = question["show_if"]
        shaped["show_if"] = {"question": condition["question"], "value": str(condition["value"])}
    if kind == "multiple":
        shaped["other"] = bool(question.get("other", False))
    if kind == "date":
        shaped["past_only"] = bool(question.get("past_only", False))
    return [shaped]


def _shape(
    qid: str,
    kind: str,
    label: str,
    hint: str | None,
    required: bool,
    options: list[tuple[str, str]],
    max_length: int | None = None,
) -> dict:
    return {
        "id": qid,
        "type": kind,
        "label": label,
        "hint": hint,
        "required": required,
        "options": [{"value": value, "label": text} for value, text in options],
        "max_length": max_length,
        "show_if": None,
    }
