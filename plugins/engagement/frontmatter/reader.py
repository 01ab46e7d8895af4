"""Pelican's Markdown reader, made to explain content errors and to file consultations.

Pelican skips a file it cannot read and logs only "Could not process"; this reader records what
was wrong (file, line, field and fix) before the file is skipped, and the plugin then stops the
build. Consultations are articles under `consultations/` with their own template and address.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

from pelican.readers import MarkdownReader

from engagement.frontmatter.contact_links import link_contacts
from engagement.frontmatter.fields import check_front_matter, display_name, parse_day
from engagement.frontmatter.markup import unsafe_markup
from engagement.problems import PROBLEMS, FieldError, line_containing, line_of_field
from engagement.translations import files as translation_files
from engagement.translations import site as site_languages

CONSULTATIONS_FOLDER = "consultations"
CONSULTATION_CATEGORY = "Consultations"


def content_kind(relative_path: str, settings: dict[str, Any]) -> str:
    """'page', 'consultation' or 'post', from the folder a file sits in."""
    first = relative_path.split("/", 1)[0]
    if first in settings.get("PAGE_PATHS", ()):
        return "page"
    return "consultation" if first == CONSULTATIONS_FOLDER else "post"


class EngageMarkdownReader(MarkdownReader):
    """Reads markdown as Pelican does, then checks and completes the front matter."""

    def process_metadata(self, name: str, value: Any) -> Any:
        try:
            return super().process_metadata(name, value)
        except Exception as error:
            if name in ("date", "modified"):
                message = (
                    f"'{value}' is not a date: write it as YYYY-MM-DD or YYYY-MM-DD HH:MM, "
                    "for example '2026-11-25 09:30'."
                )
            else:
                message = f"'{value}' could not be read: {error}"
            raise FieldError(display_name(name), message) from error

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.content_root = os.path.realpath(self.settings["PATH"])

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        path = Path(source_path)
        within = os.path.relpath(os.path.realpath(source_path), self.content_root)
        kind = content_kind(within.replace(os.sep, "/"), self.settings)
        # Shown to editors as they see it: content/posts/x.md.
        relative = f"{os.path.basename(self.content_root)}/{within}".replace(os.sep, "/")
        try:
            content, metadata = super().read(source_path)
        except FieldError as error:
            line = (
                line_containing(path, error.look_for)
                if error.look_for
                else line_of_field(path, error.field)
            )
            PROBLEMS.add(relative, error.field, str(error), line)
            raise
        except Exception as error:
            PROBLEMS.add(relative, None, f"could not be read: {error}")
            raise
        language_fault = translation_files.fill(path, metadata, self.settings)
        faults = [("Lang", language_fault)] if language_fault else []
        faults += check_front_matter(kind, metadata, self.settings["ENGAGE_CATEGORIES"])
        faults += [("Text", fault) for fault in unsafe_markup(content)]
        faults += [("Summary", fault) for fault in unsafe_markup(str(metadata.get("summary", "")))]
        for field, message in faults:
            PROBLEMS.add(relative, field, message, line_of_field(path, field))
        if faults:
            raise ValueError(f"{relative} has {len(faults)} front-matter problem(s)")
        if kind == "consultation":
            self._file_consultation(path, metadata)
        return link_contacts(content), metadata

    def _file_consultation(self, path: Path, metadata: dict[str, Any]) -> None:
        """Consultations live at /consultations/<slug>/ and are dated from the day they open."""
        slug = metadata.get("slug") or path.stem
        metadata["category"] = self.process_metadata("category", CONSULTATION_CATEGORY)
        metadata.setdefault("template", "consultation")
        folder = "" if metadata["lang"] == site_languages.codes(self.settings)[0] else "{lang}/"
        folder = folder.format(lang=metadata["lang"]) + CONSULTATIONS_FOLDER
        metadata["url"] = f"{folder}/{slug}/"
        metadata["save_as"] = f"{folder}/{slug}/index.html"
        if "date" not in metadata:
            opens = parse_day(metadata["opens"])
            metadata["date"] = datetime.datetime.combine(opens, datetime.time(9, 0))
