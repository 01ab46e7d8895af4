"""A questionnaire in one of its languages: the manifest's definition with the words of its
translation laid over it (`translations.<lang>` in the manifest), the same questions, answers
and values underneath. The build renders a Welsh consultation's form from it and the API renders
it again with the reader's errors, so the two always agree.
"""

from __future__ import annotations

import copy
from typing import Any

# The words a translation gives; everything else (ids, types, values, rules) is the original's.
TOP_TEXTS = ("title", "intro", "consent", "privacy_url")
QUESTION_TEXTS = ("label", "hint")


def in_language(definition: dict[str, Any], code: str | None) -> dict[str, Any]:
    """`definition` in language `code`, with `language` set; the definition itself (in the
    site's language) when it has no translation into `code`."""
    words = (definition.get("translations") or {}).get(code or "")
    if not words:
        return definition
    shown = copy.deepcopy(
        {key: value for key, value in definition.items() if key != "translations"}
    )
    shown["language"] = code
    for key in TOP_TEXTS:
        if words.get(key):
            shown[key] = words[key]
    for page, title in zip(shown.get("pages") or [], words.get("pages") or [], strict=False):
        page["title"] = title
    questions = words.get("questions") or {}
    for question in shown["questions"]:
        given = questions.get(question["id"]) or {}
        for key in QUESTION_TEXTS:
            if given.get(key):
                question[key] = given[key]
        labels = given.get("options") or {}
        for option in question.get("options") or []:
            option["label"] = labels.get(option["value"]) or option["label"]
    return shown


def words_of(definition: dict[str, Any]) -> dict[str, Any]:
    """The words of a normalised definition, in the form `translations.<lang>` keeps them."""
    return {
        **{key: definition.get(key) for key in TOP_TEXTS},
        "pages": [page["title"] for page in definition.get("pages") or []],
        "questions": {
            question["id"]: {
                **{key: question.get(key) for key in QUESTION_TEXTS},
                "options": {
                    option["value"]: option["label"] for option in question.get("options") or []
                },
            }
            for question in definition["questions"]
        },
    }
