"""The area's population by the equality-monitoring groups (`content/population.csv`).

Staff reports set the people who answered beside the people who live in the area, group by
group, so the file uses the equality questions' own parts (`age`, `sex`, `ethnicity`,
`disability`, `carer`) and answer values (`16-24`, `white`, `yes`, ...). It is a spreadsheet a
comms officer fills in from the ONS Census 2021 tables: one row per group,

    question,value,people,source
    age,16-24,63304,TS007 Age by single year of age

`source` is optional. The part, not the question's full id (`equality_age`), is written,
because a questionnaire may give its equality block another id; reports match the question
`<block id>_<part>` to the part. A missing file means no population: reports then leave the
comparison out.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator
from pathlib import Path

from contract.wordings import EQUALITY_PARTS, PREFER_NOT

COLUMNS = ("question", "value", "people")
OPTIONAL_COLUMNS = ("source",)
MOST_PEOPLE = 100_000_000  # more than live in the UK: a slip of the keyboard
SOURCE_LENGTH = 120
# 12345, or 12,345 as a spreadsheet shows it; ASCII digits only, as int() takes any script's.
NUMBER = re.compile(r"^([0-9]+|[0-9]{1,3}(,[0-9]{3})+)$")
PARTS = ", ".join(EQUALITY_PARTS)

Fault = tuple[int | None, str, str]


def load(path: Path) -> tuple[dict[str, dict[str, int]], dict[str, str], list[Fault]]:
    """`({part: {value: people}}, {part: source}, faults)`; nothing, and no fault, without a
    file. With any fault the figures are left out entirely, as the build stops anyway."""
    if not path.is_file():
        return {}, {}, []
    try:
        # Excel's "CSV UTF-8" begins with a byte-order mark: utf-8-sig drops it.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return (
            {},
            {},
            [(None, "", "the file is not UTF-8 text: in Excel, save it as 'CSV UTF-8'.")],
        )
    population: dict[str, dict[str, int]] = {}
    sources: dict[str, list[str]] = {}
    faults = list(_read(text, population, sources))
    if faults:
        return {}, {}, faults
    ordered = {
        part: {value: population[part][value] for value, _ in EQUALITY_PARTS[part][2]}
        for part in EQUALITY_PARTS
        if part in population
    }
    return ordered, {part: "; ".join(sources[part]) for part in ordered if sources[part]}, []


def _read(
    text: str, population: dict[str, dict[str, int]], sources: dict[str, list[str]]
) -> Iterator[Fault]:
    rows = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    first_line: dict[tuple[str, str], int] = {}
    part_line: dict[str, int] = {}
    broken = False  # a row refused: a group missing because of it is not another mistake
    try:
        for cells in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in cells]
                faults = list(_check_header(header, line))
                yield from faults
                if faults:
                    return
                continue
            row_faults = list(_row(header, cells, line, population, sources, first_line, part_line))
            broken = broken or bool(row_faults)
            yield from row_faults
    except csv.Error as error:
        yield (rows.line_num, "", f"this is not a CSV file the build can read ({error}).")
        return
    if header is None:
        yield (None, "", f"the file is empty: its first line names the columns, {_columns()}.")
    elif not first_line and not broken:
        yield (
            None,
            "",
            "there are no figures after the first line: add a row for each group, or delete "
            "the file if you have no population figures.",
        )
    if not broken:
        yield from _completeness(population, part_line)


def _columns() -> str:
    return ",".join(COLUMNS) + " (and source, if you like)"


def _check_header(header: list[str], line: int) -> Iterator[Fault]:
    if len(header) == 1 and ";" in header[0]:
        yield (
            line,
            "",
            "the columns are separated by ';': save the file as CSV with commas ('CSV UTF-8').",
        )
        return
    known = COLUMNS + OPTIONAL_COLUMNS
    for name in header:
        if not name:
            continue  # a spreadsheet's empty column at the end
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            yield (line, "", f"'{_shown(name)}' is not a column: {hint}use {_columns()}.")
        elif header.count(name) > 1:
            yield (line, "", f"the column '{name}' is named twice: keep one.")
            return
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        yield (
            line,
            "",
            f"the first line must name the columns {_columns()}; missing: {', '.join(missing)}.",
        )


def _row(
    header: list[str],
    cells: list[str],
    line: int,
    population: dict[str, dict[str, int]],
    sources: dict[str, list[str]],
    first_line: dict[tuple[str, str], int],
    part_line: dict[str, int],
) -> Iterator[Fault]:
    if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
        yield (
            line,
            "",
            f"this row has more cells than the first line has columns ({len(header)}): "
            "a number written with a comma, such as 12,345, needs quotes, or no comma.",
        )
        return
    row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
    part = _part(row["question"], line)
    if isinstance(part, tuple):
        yield part
        return
    value = _value(part, row["value"], line)
    if isinstance(value, tuple):
        yield value
        return
    people = _people(row["people"], line)
    if isinstance(people, tuple):
        yield people
        return
    source = row.get("source", "")
    if source and (len(source) > SOURCE_LENGTH or source[0] in "=+-@" or not source.isprintable()):
        yield (
            line,
            "source",
            f"should be the ONS table's code and name (at most {SOURCE_LENGTH} characters, "
            "plain text), such as TS021 Ethnic group.",
        )
        return
    if (part, value) in first_line:
        yield (
            line,
            "value",
            f"{part} {value} is given twice (first on line {first_line[part, value]}): keep "
            "one row.",
        )
        return
    first_line[part, value] = line
    part_line.setdefault(part, line)
    population.setdefault(part, {})[value] = people
    sources.setdefault(part, [])
    if source and source not in sources[part]:
        sources[part].append(source)


def _part(written: str, line: int) -> str | Fault:
    name = written.lower()
    if name in EQUALITY_PARTS:
        return name
    if not name:
        return (line, "question", f"is empty: write one of {PARTS}.")
    whole_id = next((part for part in EQUALITY_PARTS if name.endswith(f"_{part}")), None)
    if whole_id:
        return (
            line,
            "question",
            f"'{_shown(written)}' is a question's id in a questionnaire: here write only its "
            f"part, '{whole_id}'.",
        )
    close = difflib.get_close_matches(name, EQUALITY_PARTS, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return (
        line,
        "question",
        f"'{_shown(written)}' is not an equality-monitoring question: {hint}use {PARTS}.",
    )


def _value(part: str, written: str, line: int) -> str | Fault:
    values = [value for value, _ in EQUALITY_PARTS[part][2]]
    name = written.lower().replace(" ", "_")
    if name in values:
        return name
    if name == PREFER_NOT[0]:
        return (
            line,
            "value",
            f"'{PREFER_NOT[1]}' has no population: remove the row (people who prefer not to say "
            "are counted in reports, but not compared).",
        )
    close = difflib.get_close_matches(name, values, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return (
        line,
        "value",
        f"'{_shown(written)}' is not an answer to {part}: {hint}use {', '.join(values)}.",
    )


def _people(written: str, line: int) -> int | Fault:
    if not written:
        return (line, "people", "is empty: write the number of people in the group.")
    if written.startswith("-") and NUMBER.match(written[1:]):
        return (line, "people", f"{written} is below zero: write the number of people.")
    if not NUMBER.match(written):
        return (
            line,
            "people",
            f"'{_shown(written)}' is not a whole number: write the number of people in digits, "
            "such as 12345.",
        )
    people = int(written.replace(",", ""))
    if people > MOST_PEOPLE:
        return (line, "people", f"{written} is more people than live in the UK: check it.")
    return people


def _completeness(
    population: dict[str, dict[str, int]], part_line: dict[str, int]
) -> Iterator[Fault]:
    """A group's share needs every group of its question; one with nobody in it is a mistake."""
    for part, figures in population.items():
        missing = [value for value, _ in EQUALITY_PARTS[part][2] if value not in figures]
        if missing:
            yield (
                part_line[part],
                "value",
                f"{part} has no row for {', '.join(missing)}: add "
                f"{'them' if len(missing) > 1 else 'it'}, as each group's share of the area is "
                "worked out from all of them.",
            )
        elif not sum(figures.values()):
            yield (
                part_line[part],
                "people",
                f"every group of {part} has 0 people: write the figures, or remove {part}'s rows.",
            )


def _shown(text: str) -> str:
    """What was written, short and printable, for a message."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 40 else text[:39] + "…"
