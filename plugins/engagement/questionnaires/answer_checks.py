"""Checks of the answers a question offers: its options, "Other, please say", a scale's ends
and the parts of an equality-monitoring block. `questionnaire_types` calls them per type."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from contract.vocabulary import OPTION_VALUE
from contract.wordings import EQUALITY_PARTS, OTHER_VALUE, SCALE_DEFAULT, SCALE_MOST_POINTS

Fault = tuple[int | None, str, str]  # line, field path, message


def check_options(options: Any, where: str, line: int | None) -> Iterator[Fault]:
    if not isinstance(options, list) or len(options) < 2:
        yield (line, where, "needs at least two answers to choose from.")
        return
    values: set[str] = set()
    for number, option in enumerate(options, start=1):
        value, label = option_pair(option)
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


def check_other(
    question: dict, where: str, line: int | None, values: tuple[str, ...]
) -> Iterator[Fault]:
    if "other" not in question:
        return
    if not isinstance(question["other"], bool):
        yield (line, f"{where}.other", "should be true or false.")
    elif question["other"] and OTHER_VALUE in values:
        yield (
            line,
            f"{where}.other",
            "adds an answer 'other' with a box to say what, but the options already have "
            "one: remove that option or 'other: true'.",
        )


def check_scale(question: dict, where: str, line: int | None) -> Iterator[Fault]:
    ends = {}
    for key, default in zip(("min", "max"), SCALE_DEFAULT, strict=True):
        value = question.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            yield (line, f"{where}.{key}", "should be a whole number, 0 or more, e.g. 1.")
        else:
            ends[key] = value
    if len(ends) == 2:
        low, high = ends["min"], ends["max"]
        if high <= low:
            yield (line, f"{where}.max", f"should be more than min ({low}), e.g. max: {low + 4}.")
        elif high - low + 1 > SCALE_MOST_POINTS:
            yield (
                line,
                f"{where}.max",
                f"the scale has {high - low + 1} points; use at most {SCALE_MOST_POINTS} "
                "(e.g. 0 to 10).",
            )
    for key in ("min_label", "max_label"):
        if key in question and (not isinstance(question[key], str) or not question[key].strip()):
            yield (line, f"{where}.{key}", "should be text: put it in quotes, e.g. 'Very poor'.")


def check_equality(question: dict, where: str, line: int | None) -> Iterator[Fault]:
    if question.get("required") is True:
        yield (
            line,
            f"{where}.required",
            "equality monitoring questions are never required: remove 'required: true'.",
        )
    if "include" not in question:
        return
    include = question["include"]
    parts = ", ".join(EQUALITY_PARTS)
    if not isinstance(include, list) or not include:
        yield (line, f"{where}.include", f"should list the parts to ask, from {parts}.")
        return
    for number, part in enumerate(include, start=1):
        if part not in EQUALITY_PARTS:
            close = difflib.get_close_matches(str(part), EQUALITY_PARTS, n=1)
            fix = f"did you mean '{close[0]}'? " if close else ""
            yield (
                line,
                f"{where}.include[{number}]",
                f"'{part}' is not a part of equality monitoring: {fix}use {parts}.",
            )
        elif include.index(part) != number - 1:
            yield (line, f"{where}.include[{number}]", f"'{part}' is listed twice: remove one.")


def option_pair(option: Any) -> tuple[str, str | None]:
    """An answer written as plain text, or as `value:` + `label:`."""
    if isinstance(option, str):
        return re.sub(r"[^a-z0-9]+", "_", option.lower()).strip("_"), option
    if isinstance(option, dict) and isinstance(option.get("label"), str):
        return str(option.get("value", "")), option["label"]
    return "", None
