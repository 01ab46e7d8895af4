"""Question types: what each accepts in YAML, the faults it can have, and its normalised form.

`questionnaires` reads a file and walks its questions (or pages of questions); this module checks
and normalises one question at a time, remembering the questions before it so that `show_if`
conditions can be checked against them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from contract.vocabulary import CHOICE_TYPES, QUESTION_TYPES, TEXT_TYPES
from contract.wordings import (
    EQUALITY_DEFAULT_ID,
    EQUALITY_PARTS,
    FFT_OPTIONS,
    OTHER_VALUE,
    scale_options,
)
from engagement.questionnaires.answer_checks import (
    Fault,
    check_equality,
    check_options,
    check_other,
    check_scale,
    option_pair,
)

TYPES = QUESTION_TYPES
DEFAULT_MAX_LENGTH = {"text": 200, "long_text": 2000}
COMMON_KEYS = ("id", "type", "label", "hint", "required", "show_if")
# Fields each type takes besides the common ones.
TYPE_KEYS = {
    "single": ("options",),
    "multiple": ("options", "other"),
    "scale": ("min", "max", "min_label", "max_label"),
    "fft": (),
    "text": ("max_length",),
    "long_text": ("max_length",),
    "date": ("past_only",),
    "equality": ("include",),
}
QUESTION_KEYS = tuple(dict.fromkeys(COMMON_KEYS + sum(TYPE_KEYS.values(), ())))
# Names editors bring from HTML and other survey tools, and the type each means here.
TYPE_ALIASES = {
    "radio": "single",
    "radios": "single",
    "checkbox": "multiple",
    "checkboxes": "multiple",
    "input": "text",
    "textarea": "long_text",
    "friends_and_family": "fft",
    "rating": "scale",
    "likert": "scale",
    "date_input": "date",
    "demographics": "equality",
    "equality_monitoring": "equality",
}
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class Earlier:
    """What a later question's condition needs to know about an earlier one."""

    kind: str
    values: tuple[str, ...]
    conditional: bool


@dataclass
class Walk:
    """The questions checked so far in one file."""

    all_ids: set[str] = field(default_factory=set)  # every id in the file, for "comes later"
    names: dict[str, str] = field(default_factory=dict)  # form field name -> who uses it
    earlier: dict[str, Earlier] = field(default_factory=dict)


def expanded_ids(question: Any) -> list[str]:
    """The ids a question will have once normalised (several for an equality block)."""
    if not isinstance(question, dict):
        return []
    if question.get("type") == "equality":
        prefix = question.get("id", EQUALITY_DEFAULT_ID)
        include = question.get("include", list(EQUALITY_PARTS))
        if isinstance(prefix, str) and isinstance(include, list):
            return [f"{prefix}_{part}" for part in include if part in EQUALITY_PARTS]
        return []
    return [question["id"]] if isinstance(question.get("id"), str) else []


def check_question(number: int, where: str, question: Any, walk: Walk) -> Iterator[Fault]:
    """Every fault in one question; `where` names it when it has no usable id."""
    if not isinstance(question, dict):
        yield (None, where, "each question should be a set of fields starting with '- id: ...'.")
        return
    line = getattr(question, "line", None)
    kind = question.get("type")
    qid = question.get("id")
    if isinstance(qid, str):
        where = f"question '{qid}'"
    elif kind == "equality":
        where = f"question '{EQUALITY_DEFAULT_ID}'"
    yield from unknown_keys(question, QUESTION_KEYS, where + ".", line)
    if (kind != "equality" or "id" in question) and (
        not isinstance(qid, str) or not QUESTION_ID.match(qid)
    ):
        yield (line, f"{where}.id", "needs an id of lowercase letters, digits and _ (e.g. travel).")
    if kind not in TYPES:
        close = difflib.get_close_matches(str(kind), TYPES, n=1)
        suggestion = TYPE_ALIASES.get(str(kind).lower()) or (close[0] if close else None)
        fix = f"did you mean '{suggestion}'? " if suggestion else ""
        yield (
            line,
            f"{where}.type",
            f"'{kind}' is not a question type: {fix}use one of {', '.join(TYPES)}.",
        )
        _claim(walk, number, expanded_ids(question))
        return
    yield from _misplaced_keys(question, kind, where, line)
    yield from _check_wording(question, kind, where, line)
    values = yield from _check_answers(question, kind, where, line)
    if "show_if" in question:
        yield from _check_show_if(question["show_if"], qid, where, line, walk)
    yield from _check_names(question, kind, where, line, number, walk)
    for name in expanded_ids(question):
        walk.earlier.setdefault(
            name, Earlier(kind, values if kind != "equality" else (), "show_if" in question)
        )


def _check_wording(question: dict, kind: str, where: str, line: int | None) -> Iterator[Fault]:
    """What people read: the label (fixed for the FFT, per part for equality), hint, required."""
    if "required" in question and not isinstance(question["required"], bool):
        yield (line, f"{where}.required", "should be true or false.")
    if "hint" in question and not isinstance(question["hint"], str):
        yield (line, f"{where}.hint", "should be text: put it in quotes.")
    if kind == "equality":
        yield from check_equality(question, where, line)
    elif kind != "fft" and (
        not isinstance(question.get("label"), str) or not question["label"].strip()
    ):
        yield (
            line,
            f"{where}.label",
            "is missing: add 'label: ...', the question as people read it.",
        )


def _check_answers(
    question: dict, kind: str, where: str, line: int | None
) -> Generator[Fault, None, tuple[str, ...]]:
    """The answers the question offers, checked; returns their values, for later conditions."""
    values: tuple[str, ...] = ()
    if kind in ("single", "multiple"):
        found = list(check_options(question.get("options"), f"{where}.options", line))
        yield from found
        values = tuple(option_pair(o)[0] for o in question.get("options") or ())
        if kind == "multiple":
            yield from check_other(question, where, line, values)
            if question.get("other") is True:
                values += (OTHER_VALUE,)
    elif kind in TEXT_TYPES:
        limit = question.get("max_length")
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            yield (line, f"{where}.max_length", "should be a whole number of characters, e.g. 500.")
    elif kind == "scale":
        found = list(check_scale(question, where, line))
        yield from found
        if not found:
            values = tuple(option["value"] for option in scale_options(question))
    elif kind == "fft":
        values = tuple(value for value, _ in FFT_OPTIONS)
    elif kind == "date" and not isinstance(question.get("past_only", False), bool):
        yield (line, f"{where}.past_only", "should be true or false.")
    return values


def _claim(walk: Walk, number: int, names: list[str]) -> None:
    for name in names:
        walk.names.setdefault(name, f"question {number}")


def _check_names(
    question: dict, kind: str, where: str, line: int | None, number: int, walk: Walk
) -> Iterator[Fault]:
    """Ids (and the `<id>_other` box) must be unique form field names."""
    names = expanded_ids(question)
    if kind == "multiple" and question.get("other") is True and names:
        names.append(f"{names[0]}_other")
    for name in names:
        if name in walk.names:
            first = walk.names[name]
            if name == question.get("id") and kind != "equality":
                yield (line, f"{where}.id", f"is used twice (first at {first}): ids must differ.")
            elif kind == "equality":
                yield (
                    line,
                    f"{where}.id",
                    f"this block asks '{name}', an id already used (first at {first}): give the "
                    "block another id, e.g. id: about_you.",
                )
            else:
                yield (
                    line,
                    f"{where}.other",
                    f"the 'Other, please say' box is named '{name}', which {first} already "
                    "uses: rename one of them.",
                )
        elif name.endswith("_other") and name != question.get("id"):
            walk.names[name] = f"the 'Other, please say' box of question {number}"
        else:
            walk.names[name] = f"question {number}"


def _misplaced_keys(question: dict, kind: str, where: str, line: int | None) -> Iterator[Fault]:
    fixed = {"fft": ("label",), "equality": ("label", "hint", "show_if")}.get(kind, ())
    allowed = tuple(key for key in COMMON_KEYS if key not in fixed) + TYPE_KEYS[kind]
    for key in question:
        if key in allowed or key not in QUESTION_KEYS:
            continue
        if kind == "fft" and key in ("label", "options", "max_length"):
            message = "the Friends and Family Test wording is fixed: remove it."
        elif kind == "equality" and key in ("label", "options", "hint"):
            message = "the equality monitoring questions have fixed wording: remove it."
        elif kind == "equality" and key == "show_if":
            message = "equality monitoring questions cannot be conditional: remove it."
        elif key == "options" and kind == "scale":
            message = "a scale's answers come from min and max: remove options."
        elif key == "options":
            message = f"a {kind} question has no options: remove them."
        elif key == "max_length":
            message = f"a {kind} question has no max_length: remove it."
        else:
            owners = [name for name, keys in TYPE_KEYS.items() if key in keys]
            message = f"only {' and '.join(owners)} questions take {key}: remove it."
        yield (line, f"{where}.{key}", message)


def _check_show_if(
    condition: Any, qid: Any, where: str, line: int | None, walk: Walk
) -> Iterator[Fault]:
    here = f"{where}.show_if"
    line = getattr(condition, "line", line)
    shape = "write 'show_if: {question: <an earlier question id>, value: <one of its answers>}'."
    if not isinstance(condition, dict) or set(condition) != {"question", "value"}:
        yield (line, here, f"needs a question and a value: {shape}")
        return
    target, value = condition["question"], condition["value"]
    if target == qid:
        yield (line, f"{here}.question", "a question cannot depend on its own answer.")
        return
    before = walk.earlier.get(str(target))
    if before is None:
        if target in walk.all_ids:
            yield (
                line,
                f"{here}.question",
                f"'{target}' comes after this question: move this question below it.",
            )
        else:
            close = difflib.get_close_matches(str(target), walk.earlier, n=1)
            fix = f"did you mean '{close[0]}'?" if close else "use the id of a question above."
            yield (line, f"{here}.question", f"there is no question '{target}' before this: {fix}")
        return
    if before.kind not in CHOICE_TYPES:
        yield (
            line,
            f"{here}.question",
            f"'{target}' is a {before.kind} question: a condition needs a single, multiple, "
            "scale or fft question to depend on.",
        )
        return
    if before.conditional:
        yield (
            line,
            f"{here}.question",
            f"'{target}' is itself shown only on a condition, and conditions go one level deep: "
            "depend on the question it depends on, or remove one condition.",
        )
        return
    if isinstance(value, bool):
        yield (
            line,
            f"{here}.value",
            'YAML read this as true/false: put the value in quotes, e.g. value: "yes".',
        )
    elif not isinstance(value, str | int) or str(value) not in before.values:
        yield (
            line,
            f"{here}.value",
            f"'{value}' is not an answer to '{target}': use one of {', '.join(before.values)}.",
        )


def unknown_keys(
    data: dict, known: tuple[str, ...], prefix: str, line: int | None
) -> Iterator[Fault]:
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            fix = f"did you mean '{close[0]}'?" if close else f"use {', '.join(known)}."
            yield (line, f"{prefix}{key}", f"is not a field Engage knows: {fix}")
