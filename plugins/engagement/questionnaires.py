"""Questionnaire definitions (`content/questionnaires/<id>.yaml`): checked, then normalised.

The normalised form is what the manifest carries and the API validates answers against, so the
API never reads YAML. Every fault is reported with file, line, question and a fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import yamlfile

TYPES = ("single", "multiple", "text", "long_text", "fft")
CHOICE_TYPES = ("single", "multiple", "fft")
TEXT_TYPES = ("text", "long_text")
DEFAULT_MAX_LENGTH = {"text": 200, "long_text": 2000}
QUESTION_KEYS = ("id", "type", "label", "hint", "required", "options", "max_length")
TOP_KEYS = ("id", "title", "intro", "service", "questions")
# Names editors bring from HTML and other survey tools, and the type each means here.
TYPE_ALIASES = {
    "radio": "single",
    "radios": "single",
    "checkbox": "multiple",
    "checkboxes": "multiple",
    "input": "text",
    "textarea": "long_text",
    "friends_and_family": "fft",
}
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
OPTION_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

# The NHS Friends and Family Test question, wording and answers as NHS England has set them
# since 2020. Only the service name may be filled in.
FFT_LABEL = "Overall, how was your experience of {service}?"
FFT_DEFAULT_SERVICE = "our service"
FFT_OPTIONS = (
    ("very_good", "Very good"),
    ("good", "Good"),
    ("neither", "Neither good nor poor"),
    ("poor", "Poor"),
    ("very_poor", "Very poor"),
    ("dont_know", "Don't know"),
)

Fault = tuple[int | None, str, str]  # line, field path, message


def load_all(folder: Path, display_root: Path) -> tuple[dict[str, dict], list[tuple[str, Fault]]]:
    """Read every `<id>.yaml` in `folder`: the good definitions, and the faults of the rest."""
    definitions: dict[str, dict] = {}
    faults: list[tuple[str, Fault]] = []
    if not folder.is_dir():
        return definitions, faults
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".yaml", ".yml"):
            continue
        shown = _shown(path, display_root)
        try:
            data = yamlfile.load(path)
        except yamlfile.YamlProblem as problem:
            faults.append((shown, (problem.line, "", str(problem))))
            continue
        found = list(check(path.stem, data))
        faults.extend((shown, fault) for fault in found)
        if not found:
            definitions[path.stem] = normalise(path.stem, data)
    return definitions, faults


def check(questionnaire_id: str, data: Any) -> Iterator[Fault]:
    """Yield every fault in one definition."""
    if not isinstance(data, dict):
        yield (None, "", "the file should be a set of fields (title:, questions:, ...).")
        return
    line = getattr(data, "line", None)
    yield from _unknown_keys(data, TOP_KEYS, "", line)
    if "id" in data and data["id"] != questionnaire_id:
        yield (line, "id", f"'{data['id']}' differs from the file name: remove it or rename.")
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        yield (line, "title", "is missing: add 'title: ...', the heading shown above the form.")
    for key in ("intro", "service"):
        if key in data and not isinstance(data[key], str):
            yield (line, key, "should be text: put it in quotes.")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        yield (line, "questions", "is missing or empty: list at least one question.")
        return
    seen: dict[str, int] = {}
    for index, question in enumerate(questions, start=1):
        yield from _check_question(index, question, seen)


def _check_question(index: int, question: Any, seen: dict[str, int]) -> Iterator[Fault]:
    where = f"questions[{index}]"
    if not isinstance(question, dict):
        yield (None, where, "each question should be a set of fields starting with '- id: ...'.")
        return
    line = getattr(question, "line", None)
    qid = question.get("id")
    if isinstance(qid, str):
        where = f"question '{qid}'"
    yield from _unknown_keys(question, QUESTION_KEYS, where + ".", line)
    if not isinstance(qid, str) or not QUESTION_ID.match(qid):
        yield (line, f"{where}.id", "needs an id of lowercase letters, digits and _ (e.g. travel).")
    elif qid in seen:
        yield (
            line,
            f"{where}.id",
            f"is used twice (first at question {seen[qid]}): ids must differ.",
        )
    else:
        seen[qid] = index
    kind = question.get("type")
    if kind not in TYPES:
        close = difflib.get_close_matches(str(kind), TYPES, n=1)
        suggestion = TYPE_ALIASES.get(str(kind).lower()) or (close[0] if close else None)
        fix = f"did you mean '{suggestion}'? " if suggestion else ""
        yield (
            line,
            f"{where}.type",
            f"'{kind}' is not a question type: {fix}use one of {', '.join(TYPES)}.",
        )
        return
    if "required" in question and not isinstance(question["required"], bool):
        yield (line, f"{where}.required", "should be true or false.")
    if "hint" in question and not isinstance(question["hint"], str):
        yield (line, f"{where}.hint", "should be text: put it in quotes.")
    if kind == "fft":
        for key in ("label", "options", "max_length"):
            if key in question:
                yield (
                    line,
                    f"{where}.{key}",
                    "the Friends and Family Test wording is fixed: remove it.",
                )
        return
    if not isinstance(question.get("label"), str) or not question["label"].strip():
        yield (
            line,
            f"{where}.label",
            "is missing: add 'label: ...', the question as people read it.",
        )
    if kind in TEXT_TYPES:
        if "options" in question:
            yield (line, f"{where}.options", f"a {kind} question has no options: remove them.")
        limit = question.get("max_length")
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            yield (line, f"{where}.max_length", "should be a whole number of characters, e.g. 500.")
    else:
        if "max_length" in question:
            yield (line, f"{where}.max_length", f"a {kind} question has no max_length: remove it.")
        yield from _check_options(question.get("options"), f"{where}.options", line)


def _check_options(options: Any, where: str, line: int | None) -> Iterator[Fault]:
    if not isinstance(options, list) or len(options) < 2:
        yield (line, where, "needs at least two answers to choose from.")
        return
    values: set[str] = set()
    for number, option in enumerate(options, start=1):
        value, label = _option(option)
        option_line = getattr(option, "line", line)
        if isinstance(option, dict) and isinstance(option.get("value"), bool):
            yield (
                option_line,
                f"{where}[{number}].value",
                'YAML read this as true/false: put the value in quotes, e.g. value: "yes".',
            )
            continue
        if label is None:
            yield (
                option_line,
                f"{where}[{number}]",
                "each answer needs a label: put it in quotes.",
            )
            continue
        if not OPTION_VALUE.match(value):
            yield (
                option_line,
                f"{where}[{number}].value",
                f"'{value}' should be letters, digits, - or _.",
            )
        elif value in values:
            yield (
                option_line,
                f"{where}[{number}].value",
                f"'{value}' is used twice: values must differ.",
            )
        values.add(value)


def _option(option: Any) -> tuple[str, str | None]:
    """An answer written as plain text, or as `value:` + `label:`."""
    if isinstance(option, str):
        return re.sub(r"[^a-z0-9]+", "_", option.lower()).strip("_"), option
    if isinstance(option, dict) and isinstance(option.get("label"), str):
        return str(option.get("value", "")), option["label"]
    return "", None


def _unknown_keys(
    data: dict, known: tuple[str, ...], prefix: str, line: int | None
) -> Iterator[Fault]:
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            fix = f"did you mean '{close[0]}'?" if close else f"use {', '.join(known)}."
            yield (line, f"{prefix}{key}", f"is not a field Engage knows: {fix}")


def normalise(questionnaire_id: str, data: dict) -> dict:
    """The documented manifest form of a definition that passed `check`."""
    service = data.get("service") or FFT_DEFAULT_SERVICE
    return {
        "id": questionnaire_id,
        "title": data["title"].strip(),
        "intro": (data.get("intro") or "").strip() or None,
        "service": data.get("service"),
        "opens": None,
        "closes": None,
        "questions": [_normalise_question(question, service) for question in data["questions"]],
    }


def _normalise_question(question: dict, service: str) -> dict:
    kind = question["type"]
    if kind == "fft":
        label = FFT_LABEL.format(service=service)
        options = [{"value": value, "label": text} for value, text in FFT_OPTIONS]
    else:
        label = question["label"].strip()
        options = [
            dict(zip(("value", "label"), _option(o), strict=True))
            for o in question.get("options", [])
        ]
    return {
        "id": question["id"],
        "type": kind,
        "label": label,
        "hint": question.get("hint"),
        "required": bool(question.get("required", False)),
        "options": options,
        "max_length": question.get("max_length", DEFAULT_MAX_LENGTH.get(kind)),
    }


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
