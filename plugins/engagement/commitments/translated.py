""" "You said, we did" in other languages: `content/commitments/<consultation>.<lang>.yaml` is a
copy of the consultation's file with the words translated (what we heard, what we will do, why
not, each step's note). The ids, statuses, dates, due dates and evidence must be the original's:
a commitment is one commitment in every language, and its status is told once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Fault = tuple[int | None, str, str]
WORDS = ("heard", "heard_html", "will_do", "will_do_html", "reason", "reason_html")


def _shape(item: dict[str, Any]) -> tuple:
    steps = tuple((step["date"], step["status"]) for step in item["history"])
    return (item["due"], item["evidence"], steps)


def differences(
    original: list[dict[str, Any]], translated: list[dict[str, Any]], shown: str
) -> Iterator[Fault]:
    """How the translation's commitments differ from the original's (`shown`: its file)."""
    fix = (
        f"a translation has the same commitments, with the same ids, dates, statuses, due dates "
        f"and evidence, as {shown}: copy it and translate only the words."
    )
    ids = [item["id"] for item in original]
    if [item["id"] for item in translated] != ids:
        yield (None, "", f"the commitments are not the original's, in its order: {fix}")
        return
    for item, other in zip(original, translated, strict=True):
        if _shape(item) != _shape(other):
            yield (None, f"commitment '{item['id']}'", f"differs from the original: {fix}")


def in_language(
    original: list[dict[str, Any]], translated: list[dict[str, Any]], code: str
) -> list[dict[str, Any]]:
    """The original commitments with the translation's words, each marked with its language."""
    found = []
    for item, other in zip(original, translated, strict=True):
        history = [
            {**step, "note": said["note"], "note_html": said["note_html"]}
            for step, said in zip(item["history"], other["history"], strict=True)
        ]
        found.append(
            {**item, **{key: other[key] for key in WORDS}, "history": history, "lang": code}
        )
    return found
