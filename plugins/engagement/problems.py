"""Content problems: collected while Pelican reads, reported together, and the build stopped.

Editors must never meet a traceback for a typo. Each problem names the file (and line where it
can be found), the field, what is wrong and how to fix it; the build stops with exit status 1
after every problem has been listed, so one run shows them all.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


class ContentError(Exception):
    """The build cannot go on: the message says what to fix. Pelican exits with `exitcode`."""

    exitcode = 1


class FieldError(ValueError):
    """One field (or markup) of a file is wrong; `look_for` finds its line in the file."""

    def __init__(self, field: str, message: str, look_for: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.look_for = look_for


@dataclass(frozen=True)
class Problem:
    """One thing an editor must fix."""

    source: str
    field: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ProblemLog:
    """The problems found in one build, in the order they were found."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def reset(self) -> None:
        self.problems.clear()

    def add(self, source: str, field: str | None, message: str, line: int | None = None) -> None:
        problem = Problem(source, field, message, line)
        if problem not in self.problems:
            self.problems.append(problem)
            logger.error("%s", problem)

    def raise_if_any(self, report: str = "") -> None:
        """Stop the build if anything was found, listing every problem in the exception; and
        write them to `report` as JSON (an empty list when there are none), when it is given."""
        if report:
            self.write(Path(report))
        if not self.problems:
            return
        count = len(self.problems)
        listing = "\n".join(f"  - {problem}" for problem in self.problems)
        raise ContentError(
            f"the build stopped: {count} content problem{'s' if count > 1 else ''} to fix\n"
            f"{listing}"
        )

    def write(self, path: Path) -> None:
        listing = [dataclasses.asdict(found) | {"text": str(found)} for found in self.problems]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(listing, ensure_ascii=False, indent=1), encoding="utf-8")


PROBLEMS = ProblemLog()


def line_containing(path: Path, text: str) -> int | None:
    """The first line of a file that starts with `text` (after indentation)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(text):
            return number
    return None


def line_of_field(path: Path, field: str) -> int | None:
    """The line where a front-matter field is written, so the editor can jump straight to it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    wanted = field.lower()
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            return None  # front matter ends at the first blank line
        name, sep, _ = text.partition(":")
        if sep and name.strip().lower() == wanted:
            return number
    return None


class HideContentErrorTraceback(logging.Filter):
    """Pelican logs a fatal exception with its traceback; for content errors that is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], ContentError):
            record.exc_info = None
            record.exc_text = None
        return True


def shown_path(path: Path, root: Path) -> str:
    """How messages name a file: relative to `root` (the project folder) where it is inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def missing_page(address: str, addresses: set[str], content: Path) -> str | None:
    """For a site-relative link (`/...`), None when it names one of the site's pages (its
    `addresses`) or a file in `content`; else the start of the editor's message, with the
    nearest page as a suggestion: "/x/ is not a page of this site: did you mean /y/? "."""
    path = address.split("#")[0].split("?")[0]
    if path in addresses or (content / path.lstrip("/")).is_file():
        return None
    close = difflib.get_close_matches(path, sorted(addresses), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"{address} is not a page of this site: {hint}"
