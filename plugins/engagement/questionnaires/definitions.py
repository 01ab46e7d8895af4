"""Questionnaire definitions (`content/questionnaires/<id>.yaml`): checked, then normalised.

The normalised form is what the manifest carries and the API validates answers against, so the
API never reads YAML. Every fault is reported with file, line, question and a fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from contract.wordings import DEFAULT_CONSENT, FFT_DEFAULT_SERVICE
from engagement import yamlfile
from engagement.problems import shown_path
from engagement.questionnaires import translated
from engagement.questionnaires.shapes import normalise_question
from engagement.questionnaires.types import (
    TYPES,
    Fault,
    Walk,
    check_question,
    expanded_ids,
    unknown_keys,
)
from engagement.translations.files import split_name

__all__ = ["TYPES", "check", "load_all", "normalise"]

TOP_KEYS = ("id", "title", "intro", "service", "questions", "pages", "consent", "privacy_url")
PAGE_KEYS = ("title", "questions")
DEFAULT_PRIVACY_URL = "/privacy/"


def load_all(
    folder: Path, display_root: Path, languages: list[str] | None = None
) -> tuple[dict[str, dict], list[tuple[str, Fault]]]:
    """Read every `<id>.yaml` in `folder`, and each `<id>.<lang>.yaml` translation of one into a
    language of `languages`: the good definitions (with their translations' words), and the
    faults of the rest."""
    codes = list(languages or [])

    def check_file(stem: str, data: Any) -> Iterator[Fault]:
        return check(split_name(stem, codes)[0], data)

    def normalise_file(stem: str, data: Any) -> dict:
        base, code = split_name(stem, codes)
        return normalise(base, data, translated.say_in(code) if code else None)

    found, faults = yamlfile.load_folder(folder, display_root, check_file, normalise_file)
    definitions, translations = {}, {}
    for stem, definition in found.items():
        base, code = split_name(stem, codes)
        if code:
            translations[(base, code)] = definition
        else:
            definitions[stem] = definition

    def shown(base: str, code: str | None) -> str:
        stem = f"{base}.{code}" if code else base
        path = next(folder.glob(f"{stem}.y*ml"), folder / f"{stem}.yaml")
        return shown_path(path, display_root)

    faults += translated.attach(definitions, translations, shown)
    return definitions, faults


def check(questionnaire_id: str, data: Any) -> Iterator[Fault]:
    """Yield every fault in one definition."""
    if not isinstance(data, dict):
        yield (None, "", "the file should be a set of fields (title:, questions:, ...).")
        return
    line = getattr(data, "line", None)
    yield from unknown_keys(data, TOP_KEYS, "", line)
    if "id" in data and data["id"] != questionnaire_id:
        yield (line, "id", f"'{data['id']}' differs from the file name: remove it or rename.")
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        yield (line, "title", "is missing: add 'title: ...', the heading shown above the form.")
    for key in ("intro", "service"):
        if key in data and not isinstance(data[key], str):
            yield (line, key, "should be text: put it in quotes.")
    for key in ("privacy_url",):
        url = data.get(key)
        if url is not None and (not isinstance(url, str) or not re.match(r"^(/|https://)", url)):
            yield (
                line,
                key,
                "should be the address of the privacy notice, starting with / or https://, "
                "e.g. /privacy/.",
            )
    if "consent" in data and (not isinstance(data["consent"], str) or not data["consent"].strip()):
        yield (line, "consent", "should be the consent statement as text: put it in quotes.")
    listed = list(_listed(data, line))
    faults = [item for item in listed if item[0] == "fault"]
    for _, fault in faults:
        yield fault
    walk = Walk()
    questions = [item[1] for item in listed if item[0] == "question"]
    for _, question in questions:
        walk.all_ids.update(expanded_ids(question))
    for number, (where, question) in enumerate(questions, start=1):
        yield from check_question(number, where, question, walk)


def _listed(data: dict, line: int | None) -> Iterator[tuple[str, Any]]:
    """("question", (where, question)) for every question, on pages or not; ("fault", ...)."""
    questions, pages = data.get("questions"), data.get("pages")
    if "pages" in data and "questions" in data:
        yield (
            "fault",
            (
                line,
                "pages",
                "use either questions: or pages:, not both: move the questions into a page.",
            ),
        )
        return
    if "pages" not in data:
        if not isinstance(questions, list) or not questions:
            yield ("fault", (line, "questions", "is missing or empty: list at least one question."))
            return
        for index, question in enumerate(questions, start=1):
            yield ("question", (f"questions[{index}]", question))
        return
    if not isinstance(pages, list) or not pages:
        yield ("fault", (line, "pages", "should list pages, each with a title and questions."))
        return
    for page_number, page in enumerate(pages, start=1):
        where = f"pages[{page_number}]"
        if not isinstance(page, dict):
            yield ("fault", (line, where, "each page should be '- title: ...' with questions:."))
            continue
        page_line = getattr(page, "line", line)
        for key in page:
            if key not in PAGE_KEYS:
                close = difflib.get_close_matches(str(key), PAGE_KEYS, n=1)
                fix = f"did you mean '{close[0]}'?" if close else "use title and questions."
                yield ("fault", (page_line, f"{where}.{key}", f"is not a field of a page: {fix}"))
        if not isinstance(page.get("title"), str) or not page["title"].strip():
            yield (
                "fault",
                (page_line, f"{where}.title", "is missing: add 'title: ...', the page's heading."),
            )
        if not isinstance(page.get("questions"), list) or not page["questions"]:
            yield (
                "fault",
                (page_line, f"{where}.questions", "is missing or empty: list its questions."),
            )
            continue
        for index, question in enumerate(page["questions"], start=1):
            yield ("question", (f"{where}.questions[{index}]", question))


def normalise(questionnaire_id: str, data: dict, say: Callable[[str], str] | None = None) -> dict:
    """The documented manifest form of a definition that passed `check`; `say` gives the
    built-in wordings in the questionnaire's language (a translation's)."""
    say = say or str
    service = data.get("service") or say(FFT_DEFAULT_SERVICE)
    pages = []
    for page in data.get("pages") or [{"title": None, "questions": data["questions"]}]:
        shaped = [
            q for question in page["questions"] for q in normalise_question(question, service, say)
        ]
        pages.append({"title": page["title"], "questions": shaped})
    return {
        "id": questionnaire_id,
        "title": data["title"].strip(),
        "intro": (data.get("intro") or "").strip() or None,
        "service": data.get("service"),
        "opens": None,
        "closes": None,
        "questions": [question for page in pages for question in page["questions"]],
        "pages": [
            {"title": page["title"].strip(), "questions": [q["id"] for q in page["questions"]]}
            for page in pages
            if "pages" in data
        ],
        "consent": (data.get("consent") or say(DEFAULT_CONSENT)).strip(),
        "privacy_url": data.get("privacy_url") or DEFAULT_PRIVACY_URL,
    }
