"""Questionnaires in other languages: `content/questionnaires/<id>.<lang>.yaml` is a copy of
`<id>.yaml` with its words translated (title, intro, labels, hints, answer labels, consent).

A translation must ask the same questions with the same answers, in the same order, as the
original: every language's answers are counted together by answer value, so a translation that
differed would be counted wrongly. The built-in wordings (the Friends and Family Test, equality
monitoring, "Other", the consent statement) come from the reader's catalogue, never the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from contract.questionnaires import words_of
from theme import i18n

Fault = tuple[int | None, str, str]
# What must be the same in every language: the rest is words.
SHAPE_KEYS = ("id", "type", "required", "max_length", "show_if", "other", "past_only")


def say_in(code: str) -> Callable[[str], str]:
    """The catalogue's gettext for `code`, for the built-in wordings."""
    return i18n.catalogue(code).gettext


def differences(
    original: dict[str, Any], translated: dict[str, Any], shown: str
) -> Iterator[Fault]:
    """How the translation's questions differ from the original's (`shown`: its file)."""
    fix = (
        f"a translation asks the same questions, with the same answers, as {shown}: copy it and "
        "translate only the words."
    )
    mine = {question["id"]: question for question in translated["questions"]}
    theirs = [question["id"] for question in original["questions"]]
    if list(mine) != theirs:
        missing = [qid for qid in theirs if qid not in mine]
        extra = [qid for qid in mine if qid not in theirs]
        what = (
            f"'{missing[0]}' is missing"
            if missing
            else f"'{extra[0]}' is not in the original"
            if extra
            else "the questions are in another order"
        )
        yield (None, "questions", f"{what}: {fix}")
        return
    for question in original["questions"]:
        other = mine[question["id"]]
        where = f"question '{question['id']}'"
        for key in SHAPE_KEYS:
            if question.get(key) != other.get(key):
                yield (None, f"{where}.{key}", f"differs from the original: {fix}")
        values = [option["value"] for option in question.get("options") or []]
        if values != [option["value"] for option in other.get("options") or []]:
            yield (None, f"{where}.options", f"the answers' values differ: {fix}")
    if len(original.get("pages") or []) != len(translated.get("pages") or []):
        yield (None, "pages", f"the pages differ: {fix}")


def attach(
    definitions: dict[str, dict], translations: dict[tuple[str, str], dict], shown: Callable
) -> Iterator[tuple[str, Fault]]:
    """Give each definition its translations' words (`translations`: by (id, language));
    yield (file, fault) for a translation of no questionnaire or of another shape."""
    for (base, code), translated in sorted(translations.items()):
        original = definitions.get(base)
        if original is None:
            known = ", ".join(sorted(definitions)) or "none yet"
            yield (
                shown(base, code),
                (None, "", f"there is no questionnaire '{base}' to translate ({known})."),
            )
            continue
        faults = list(differences(original, translated, shown(base, None)))
        if faults:
            yield from ((shown(base, code), fault) for fault in faults)
            continue
        original.setdefault("translations", {})[code] = words_of(translated)
