"""The involvement report's words (`content/involvement/`): read, checked, and put in the form
the manifest carries to the API, which writes the year's report as a web page and a .docx.

Two kinds of markdown file, each with front matter as a post has it (`Field: value` lines, then a
blank line, then the words):

- a **section** of the report, `content/involvement/<name>.md`, with `Section:` (one of
  `SECTIONS`, the outline of NHS England's guidance on ICB annual reports and working with people
  and communities), `Title:` and optionally `Year:` (2026-27), so one folder holds several years;
- a **case study**, `content/involvement/case-studies/<name>.md`, with `Title:`, optionally
  `Consultation:` (the consultation's file name, checked once the site is read: see `join`) and
  `Year:`. People's own words go in `>` quotes.

Pelican never reads the folder (the plugin excludes it), so none of it becomes a page of the
site. Every fault names the file, line and field and says what to write instead.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

from engagement.involvement import render
from engagement.problems import missing_page, shown_path

# (line, field, message), as the other content readers give them.
Fault = tuple[int | None, str | None, str]

SECTIONS = {
    "duty": "What the law asks of us",
    "approach": "How and with whom we involved people",
    "partners": "Working with Healthwatch and voluntary and community groups",
    "changes": "What changed as a result",
    "next": "What we will do next",
}
CASE_STUDIES_FOLDER = "case-studies"
FIELDS = {"section": ("section", "title", "year"), "case study": ("title", "consultation", "year")}
EXAMPLES = {
    "section": "Section: approach",
    "title": "Title: How and with whom we involved people",
    "year": "Year: 2026-27",
    "consultation": "Consultation: millbrook-maternity-services",
}
FIELD_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*)$")
YEAR = re.compile(r"^(\d{4})-(\d{2})$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def load_all(
    folder: Path, display_root: Path
) -> tuple[list[dict], list[dict], list[tuple[str, Fault]]]:
    """Every section and case study in `folder`, and the faults of the rest (a file with a fault
    contributes nothing). Sections come in the outline's order, then by year (one without a Year
    last); case studies by year, then file name."""
    sections: list[dict] = []
    cases: list[dict] = []
    faults: list[tuple[str, Fault]] = []
    if not folder.is_dir():
        return sections, cases, faults
    written: dict[tuple[str, str | None], str] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".md", ".markdown") or not path.is_file():
            continue
        shown = shown_path(path, display_root)
        within = path.relative_to(folder).parts
        if len(within) == 1:
            kind = "section"
        elif len(within) == 2 and within[0] == CASE_STUDIES_FOLDER:
            kind = "case study"
        else:
            faults.append((shown, (None, None, _misplaced(folder, display_root))))
            continue
        found, problems = read(path, kind)
        found["shown"] = shown
        if kind == "section" and not problems:
            key = (found["id"], found["year"])
            if key in written:
                problems.append(_duplicate(path, found, written[key]))
            else:
                written[key] = shown
        faults.extend((shown, fault) for fault in problems)
        if not problems:
            (sections if kind == "section" else cases).append(found)
    order = list(SECTIONS)
    # A section for its own year comes before one for any year, so a reader taking the first
    # of an id that fits the year takes the right one.
    sections.sort(
        key=lambda item: (order.index(item["id"]), item["year"] is None, item["year"] or "")
    )
    cases.sort(key=lambda item: (item["year"] or "", item["slug"]))
    return sections, cases, faults


def read(path: Path, kind: str) -> tuple[dict, list[Fault]]:
    """One file: what it says (when it has no fault) and its faults."""
    try:
        fields, lines, body = front_matter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        reason = "save it as UTF-8 text" if isinstance(error, UnicodeDecodeError) else str(error)
        return {}, [(None, None, f"this file could not be read: {reason}.")]
    faults = list(_check_fields(kind, fields, lines))
    text = body.strip()
    if not text:
        faults.append(
            (
                None,
                "Text",
                "there are no words yet: write them below the front matter, after a blank line.",
            )
        )
    faults += [(None, "Text", fault) for fault in render.markup_faults(text)]
    year = fields.get("year") or None
    found: dict[str, Any] = {"title": fields.get("title", ""), "year": year, "text": text}
    if kind == "section":
        found["id"] = fields.get("section", "")
    else:
        found["slug"] = path.stem
        found["consultation"] = fields.get("consultation") or None
        found["line"] = lines.get("consultation")
        if not SLUG.match(path.stem):
            faults.append(
                (
                    None,
                    None,
                    f"'{path.name}' cannot name a case study: the file name is its address in "
                    "the report, so use lowercase letters, digits and - (e.g. "
                    "millbrook-birth-centre.md).",
                )
            )
    return found, faults


def front_matter(text: str) -> tuple[dict[str, str], dict[str, int], str]:
    """`Field: value` lines up to the first blank line (an indented line continues the one
    above), as Pelican reads a post's: the fields (names in lowercase), their lines, the rest."""
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    rows = text.lstrip("\ufeff").splitlines()
    last = None
    index = 0
    for index, row in enumerate(rows):
        if not row.strip():
            index += 1
            break
        match = FIELD_LINE.match(row)
        if match:
            last = match.group(1).lower()
            fields[last] = match.group(2).strip()
            lines.setdefault(last, index + 1)
        elif last is not None and row[:1] in (" ", "\t"):
            fields[last] = f"{fields[last]} {row.strip()}".strip()
        else:
            break  # no blank line after the fields: the words start here
    else:
        index = len(rows)
    return fields, lines, "\n".join(rows[index:])


def _check_fields(kind: str, fields: dict[str, str], lines: dict[str, int]) -> Iterator[Fault]:
    allowed = FIELDS[kind]
    for name in fields:
        if name in allowed:
            continue
        if name in ("case-study", "case_study", "casestudy"):
            fix = "a case study is a file in content/involvement/case-studies/: move it there."
        elif kind == "case study" and name == "section":
            fix = (
                "a case study belongs to no section: remove this line, or move the file out of "
                "case-studies/ if it is a section of the report."
            )
        else:
            close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            names = ", ".join(field.capitalize() for field in allowed)
            fix = (
                f"did you mean {close[0].capitalize()}?" if close else f"a {kind} may use {names}."
            )
        yield lines.get(name), name.capitalize(), f"this is not a field Engage knows: {fix}"
    for name in ("section", "title") if kind == "section" else ("title",):
        if not fields.get(name):
            yield (
                lines.get(name),
                name.capitalize(),
                f"is missing: add a line such as '{EXAMPLES[name]}' at the top.",
            )
    section = fields.get("section")
    if kind == "section" and section and section not in SECTIONS:
        close = difflib.get_close_matches(section.lower(), SECTIONS, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'? " if close else ""
        listing = "; ".join(f"{key} ({title})" for key, title in SECTIONS.items())
        yield (
            lines.get("section"),
            "Section",
            f"'{section}' is not a section of the report: {hint}The sections are {listing}.",
        )
    year = fields.get("year")
    if year and not _is_year(year):
        yield (
            lines.get("year"),
            "Year",
            f"'{year}' is not a reporting year: write the financial year as YYYY-YY, e.g. "
            f"'{EXAMPLES['year']}' for April 2026 to March 2027, or leave the line out.",
        )
    consultation = fields.get("consultation")
    if consultation and not SLUG.match(consultation):
        yield (
            lines.get("consultation"),
            "Consultation",
            f"'{consultation}' is not a consultation's name: use the name of its file in "
            f"content/consultations/ without '.md', e.g. '{EXAMPLES['consultation']}'.",
        )


def _is_year(text: str) -> bool:
    match = YEAR.match(text)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))


def _duplicate(path: Path, found: dict, other: str) -> Fault:
    year = f" for {found['year']}" if found["year"] else " without a Year"
    return (
        None,
        "Section",
        f"'{found['id']}'{year} is also written in {other}: the report has one of each "
        "section a year, so put these words in one file (or give each its own Year:).",
    )


def _misplaced(folder: Path, display_root: Path) -> str:
    where = shown_path(folder, display_root)
    return (
        f"this file is not read: put sections of the report in {where}/ and case studies in "
        f"{where}/{CASE_STUDIES_FOLDER}/."
    )


def join(cases: list[dict], consultations: dict[str, str]) -> Iterator[tuple[dict, Fault]]:
    """Give each case study its consultation's address; yield (case study, fault) for one that
    names no consultation of the site (by file name, as `content/consultations/<name>.md`)."""
    for case in cases:
        wanted = case["consultation"]
        if wanted is None:
            case["consultation_url"] = None
            continue
        if wanted in consultations:
            case["consultation_url"] = consultations[wanted]
            continue
        close = difflib.get_close_matches(wanted, sorted(consultations), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}? " if close else ""
        yield (
            case,
            (
                case["line"],
                "Consultation",
                f"there is no consultation '{wanted}': {hint}Use the name of a file in "
                "content/consultations/ without '.md', or leave the line out.",
            ),
        )


def broken_links(
    items: list[dict], addresses: set[str], content: Path
) -> Iterator[tuple[dict, Fault]]:
    """Yield (section or case study, fault) for each link to this site that is none of its
    pages or files: the report is read away from the site, so a dead link cannot be followed up."""
    for item in items:
        for href in re.findall(r'<a href="([^"]*)"', render.render(item["text"])):
            address = unescape(href)
            if not address.startswith("/"):
                continue
            missing = missing_page(address, addresses, content)
            if missing:
                yield (
                    item,
                    (
                        None,
                        "Text",
                        f"{missing}Link to a page's address "
                        "(e.g. /you-said-we-did/) or a full https:// address.",
                    ),
                )


def manifest_form(sections: list[dict], cases: list[dict]) -> dict[str, Any]:
    """What the manifest carries (contract/manifest.schema.json, `involvement`)."""
    return {
        "sections": [
            {"id": item["id"], "title": item["title"], "year": item["year"], **_words(item)}
            for item in sections
        ],
        "case_studies": [
            {
                "slug": item["slug"],
                "title": item["title"],
                "year": item["year"],
                "consultation": item.get("consultation_url"),
                **_words(item),
            }
            for item in cases
        ],
    }


def _words(item: dict) -> dict[str, Any]:
    html = render.render(item["text"])
    return {"html": html, "blocks": render.blocks(html)}
