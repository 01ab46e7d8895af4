"""One consultation's commitments (`content/commitments/<consultation slug>.yaml`): checked, then
normalised for the theme, the feed and the manifest.

Each commitment says what we heard, what we will do, and its history of statuses, oldest first;
its status now is the last entry's, so it is written once and can never disagree with the
history. Every fault names the file, line and field and says what to write instead.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import markdown
from markupsafe import Markup, escape

from contract.vocabulary import COMMITMENT_STATUSES, CommitmentStatus
from contract.wordings import N_
from engagement import yamlfile
from engagement.commitments import translated
from engagement.frontmatter.fields import parse_day
from engagement.frontmatter.markup import unsafe_markup
from engagement.problems import shown_path
from engagement.translations.files import split_name

Fault = tuple[int | None, str, str]

KEYS = ("id", "heard", "will_do", "history", "due", "evidence", "reason")
HISTORY_KEYS = ("date", "status", "note")
COMMITMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A page of this site ("/..."), or a document elsewhere on https: nothing else is a link we make.
EVIDENCE_ADDRESS = re.compile(r"^(/[^\s]*|https://[^\s/]+(/[^\s]*)?)$")
# Marked for the reader's catalogue: the templates show each in the page's language.
STATUS_LABELS = {
    CommitmentStatus.PLANNED: N_("Planned"),
    CommitmentStatus.IN_PROGRESS: N_("In progress"),
    CommitmentStatus.DONE: N_("Done"),
    CommitmentStatus.NOT_GOING_AHEAD: N_("Not going ahead"),
}
EXAMPLE_HISTORY = "history:\n  - date: 2026-07-16\n    status: planned"


def load_all(
    folder: Path, display_root: Path, today: datetime.date, languages: list[str] | None = None
) -> tuple[dict[str, list[dict]], dict[tuple[str, str], list[dict]], list[tuple[str, Fault]]]:
    """Every `<slug>.yaml` in `folder`: the good files' commitments by consultation slug, their
    translations (`<slug>.<lang>.yaml`, by slug and language, in the original's shape with the
    translation's words), and the faults of the rest (a file with a fault contributes nothing,
    so nothing half-checked shows)."""
    found, faults = yamlfile.load_folder(
        folder, display_root, lambda _, data: check(data, today), lambda _, data: normalise(data)
    )
    codes = list(languages or [])
    originals = {stem: items for stem, items in found.items() if not split_name(stem, codes)[1]}
    translations = {}
    for stem, items in sorted(found.items()):
        base, code = split_name(stem, codes)
        if code is None:
            continue
        path = next(folder.glob(f"{stem}.y*ml"), folder / f"{stem}.yaml")
        original = originals.get(base)
        if original is None:
            known = ", ".join(sorted(originals)) or "none yet"
            message = f"there are no commitments '{base}' to translate ({known})."
            faults.append((shown_path(path, display_root), (None, "", message)))
            continue
        shown = shown_path(next(folder.glob(f"{base}.y*ml"), folder / f"{base}.yaml"), display_root)
        wrong = list(translated.differences(original, items, shown))
        faults += [(shown_path(path, display_root), fault) for fault in wrong]
        if not wrong:
            translations[(base, code)] = translated.in_language(original, items, code)
    return originals, translations, faults


def check(data: Any, today: datetime.date) -> Iterator[Fault]:
    """Yield every fault in one file: a list of commitments, each with the fields in `KEYS`."""
    if data is None:
        return  # an empty file: no commitments yet
    if not isinstance(data, list):
        yield (None, "", "the file should be a list of commitments, each starting '- id: ...'.")
        return
    seen: set[str] = set()
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            yield (
                None,
                f"commitment {number}",
                "should be a set of fields: id, heard, will_do, "
                "history (and due, evidence, reason if needed).",
            )
            continue
        yield from _check_one(number, item, seen, today)


def _check_one(number: int, item: dict, seen: set[str], today: datetime.date) -> Iterator[Fault]:
    line = getattr(item, "line", None)
    raw_id = item.get("id")
    name = (
        f"commitment '{raw_id}'" if isinstance(raw_id, str) and raw_id else f"commitment {number}"
    )
    for key in item:
        if key == "status":
            yield (
                line,
                f"{name}.status",
                "the status is the last entry of history: remove this line and add "
                "'- date: YYYY-MM-DD' with 'status: ...' at the end of history instead.",
            )
        elif key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            fix = f"did you mean '{close[0]}'?" if close else f"use {', '.join(KEYS)}."
            yield (line, f"{name}.{key}", f"is not a field of a commitment: {fix}")
    if not isinstance(raw_id, str) or not COMMITMENT_ID.match(raw_id):
        yield (
            line,
            f"{name}.id",
            "needs lowercase letters, digits and - (e.g. births-24-hours); it must never change "
            "once published, because notices to people who asked to hear back are keyed on it.",
        )
    elif raw_id in seen:
        yield (line, f"{name}.id", f"'{raw_id}' is used twice in this file: ids must differ.")
    else:
        seen.add(raw_id)
    for key, meaning in (("heard", "what we heard"), ("will_do", "what we will do")):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            yield (line, f"{name}.{key}", f"is missing: write {meaning}, in quotes if it has ':'.")
        else:
            yield from _check_text(line, f"{name}.{key}", value)
    statuses = yield from _check_history(line, name, item.get("history"), today)
    if "due" in item:
        try:
            parse_day(item["due"])
        except ValueError:
            yield (line, f"{name}.due", f"'{item['due']}' is not a date: write it as YYYY-MM-DD.")
    evidence = item.get("evidence")
    if evidence is not None and (
        not isinstance(evidence, str) or not EVIDENCE_ADDRESS.match(evidence.strip())
    ):
        yield (
            line,
            f"{name}.evidence",
            f"'{evidence}' is not an address: give a page of this site starting with / "
            "(e.g. /millbrook-maternity-summary-report/) or a full https:// address.",
        )
    reason = item.get("reason")
    stopped = bool(statuses) and statuses[-1] == CommitmentStatus.NOT_GOING_AHEAD
    if stopped and (not isinstance(reason, str) or not reason.strip()):
        yield (
            line,
            f"{name}.reason",
            "is missing: a commitment that is not going ahead needs 'reason: ...' saying why.",
        )
    elif reason is not None and not stopped and statuses:
        yield (
            line,
            f"{name}.reason",
            "is only for a commitment that is not going ahead: remove it, or put it in the "
            "note of a history entry.",
        )
    elif isinstance(reason, str):
        yield from _check_text(line, f"{name}.reason", reason)


def _check_history(
    line: int | None, name: str, history: Any, today: datetime.date
) -> Generator[Fault, None, list[str]]:
    """Faults in the history; returns the statuses in order (empty when it cannot be read)."""
    if not isinstance(history, list) or not history:
        yield (
            line,
            f"{name}.history",
            f"is missing: list the status changes, oldest first, e.g.\n{EXAMPLE_HISTORY}",
        )
        return []
    statuses: list[str] = []
    previous: datetime.date | None = None
    for index, entry in enumerate(history, start=1):
        where = f"{name}.history[{index}]"
        entry_line = getattr(entry, "line", line)
        if not isinstance(entry, dict):
            yield (entry_line, where, "should be '- date: YYYY-MM-DD' with 'status: ...' below.")
            continue
        for key in entry:
            if key not in HISTORY_KEYS:
                close = difflib.get_close_matches(str(key), HISTORY_KEYS, n=1)
                fix = f"did you mean '{close[0]}'?" if close else "use date, status and note."
                yield (entry_line, f"{where}.{key}", f"is not a field of a history entry: {fix}")
        status = entry.get("status")
        if status not in COMMITMENT_STATUSES:
            close = difflib.get_close_matches(str(status), COMMITMENT_STATUSES, n=1, cutoff=0.5)
            fix = (
                f"did you mean '{close[0]}'?" if close else "use " + ", ".join(COMMITMENT_STATUSES)
            )
            yield (entry_line, f"{where}.status", f"'{status}' is not a status: {fix}")
        else:
            statuses.append(status)
        try:
            day = parse_day(entry.get("date"))
        except ValueError:
            yield (
                entry_line,
                f"{where}.date",
                f"'{entry.get('date')}' is not a date: write it as YYYY-MM-DD.",
            )
            continue
        if day > today:
            yield (
                entry_line,
                f"{where}.date",
                f"{day} is after today ({today}): write what has happened, on the day it did; "
                "put a date still to come in 'due:'.",
            )
        if previous is not None and day < previous:
            yield (
                entry_line,
                f"{where}.date",
                f"{day} is before the entry above it ({previous}): list history oldest first, "
                "adding each change at the end.",
            )
        previous = day
        note = entry.get("note")
        if note is not None:
            if not isinstance(note, str) or not note.strip():
                yield (entry_line, f"{where}.note", "should be text: put it in quotes.")
            else:
                yield from _check_text(entry_line, f"{where}.note", note)
    return statuses


def _check_text(line: int | None, field: str, text: str) -> Iterator[Fault]:
    for fault in unsafe_markup(render(text)):
        yield (line, field, fault)


def render(text: str) -> Markup:
    """An editor's short text as safe HTML: any HTML in it is shown as written (escaped) and
    markdown makes the rest (**bold**, [links](/page/)); `check` refuses script links."""
    html = markdown.markdown(str(escape(text.strip())), output_format="html")
    if html.count("<p>") == 1 and html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return Markup(html)


def plain(text: str) -> str:
    """The text as words without markup, for the feed and the manifest's notices."""
    return " ".join(render(text).striptags().split())


def normalise(data: list[dict] | None) -> list[dict]:
    """The theme's form of a checked file: dates as dates, text rendered and plain."""
    commitments = []
    for item in data or []:
        history = [
            {
                "date": parse_day(entry["date"]),
                "status": CommitmentStatus(entry["status"]),
                "status_label": STATUS_LABELS[entry["status"]],
                "note": plain(entry["note"]) if entry.get("note") else None,
                "note_html": render(entry["note"]) if entry.get("note") else None,
            }
            for entry in item["history"]
        ]
        reason = item.get("reason")
        commitments.append(
            {
                "id": item["id"],
                "heard": plain(item["heard"]),
                "heard_html": render(item["heard"]),
                "will_do": plain(item["will_do"]),
                "will_do_html": render(item["will_do"]),
                "status": history[-1]["status"],
                "status_label": history[-1]["status_label"],
                "updated": history[-1]["date"],
                "history": history,
                "due": parse_day(item["due"]) if item.get("due") is not None else None,
                "evidence": item["evidence"].strip() if item.get("evidence") else None,
                "reason": plain(reason) if reason else None,
                "reason_html": render(reason) if reason else None,
            }
        )
    return commitments


def manifest_form(commitments: list[dict]) -> list[dict]:
    """What the manifest carries for one consultation (contract/manifest.schema.json)."""
    return [
        {
            "id": item["id"],
            "heard": item["heard"],
            "will_do": item["will_do"],
            "status": str(item["status"]),
            "updated": item["updated"].isoformat(),
            "history": [
                {"date": h["date"].isoformat(), "status": str(h["status"]), "note": h["note"]}
                for h in item["history"]
            ],
            "due": item["due"].isoformat() if item["due"] else None,
            "evidence": item["evidence"],
            "reason": item["reason"],
        }
        for item in commitments
    ]


def status_counts(commitments: list[dict]) -> list[tuple[str, str, int]]:
    """(status, label, how many) for every status, in the order they run."""
    return [
        (str(status), label, sum(1 for item in commitments if item["status"] == status))
        for status, label in STATUS_LABELS.items()
    ]
