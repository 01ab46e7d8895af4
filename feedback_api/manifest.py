"""The site manifest, as the API needs it: which pages exist and whether they take comments.

Read at start-up and again whenever the build rewrites the file, so publishing a new page needs no
restart. A missing or unreadable manifest is a clear start-up error, never a traceback per request.
"""

from __future__ import annotations

import datetime
import json
import os
import threading
import time
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import StartupError

SUPPORTED_VERSION = 1
SITE_ZONE = zoneinfo.ZoneInfo("Europe/London")


class ManifestError(StartupError):
    """The manifest is missing or not one this API understands."""


@dataclass
class Manifest:
    """One reading of engagement.json."""

    site: dict[str, Any]
    pages: dict[str, dict[str, Any]]
    questionnaires: dict[str, dict[str, Any]] = field(default_factory=dict)

    def page(self, url: str) -> dict[str, Any] | None:
        return self.pages.get(url)

    def comments_open(self, url: str, today: datetime.date | None = None) -> bool:
        """Open if the build says so and, for a consultation, it has not closed since."""
        entry = self.pages[url]
        if entry["comments"] != "open":
            return False
        if entry.get("closes"):
            today = today or datetime.datetime.now(SITE_ZONE).date()
            return today <= datetime.date.fromisoformat(entry["closes"])
        return True


def questionnaire_window(definition: dict[str, Any], today: datetime.date | None = None) -> str:
    """'upcoming', 'open' or 'closed' on `today` (the site's day by default): the window the API
    enforces on answers and the reports show."""
    today = today or datetime.datetime.now(SITE_ZONE).date()
    if definition.get("opens") and today < datetime.date.fromisoformat(definition["opens"]):
        return "upcoming"
    if definition.get("closes") and today > datetime.date.fromisoformat(definition["closes"]):
        return "closed"
    return "open"


def read(path: Path) -> Manifest:
    """Parse and check the manifest file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(
            f"the site manifest {path} does not exist: build the site first (`invoke build`), "
            "or set ENGAGE_MANIFEST to where the build writes engagement.json."
        ) from None
    except (OSError, ValueError) as error:
        raise ManifestError(f"the site manifest {path} could not be read: {error}") from None
    if data.get("version") != SUPPORTED_VERSION:
        raise ManifestError(
            f"the site manifest {path} has version {data.get('version')!r}; this API reads "
            f"version {SUPPORTED_VERSION}. Rebuild the site with the matching Engage release."
        )
    pages = {entry["url"]: entry for entry in data["pages"]}
    return Manifest(site=data["site"], pages=pages, questionnaires=data.get("questionnaires", {}))


class ManifestSource:
    """The current manifest, re-read when the file changes (checked at most once a second)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp = self._file_stamp()
        self._manifest = read(path)
        self._checked = time.monotonic()

    def get(self) -> Manifest:
        now = time.monotonic()
        if now - self._checked >= 1.0:
            with self._lock:
                self._checked = now
                stamp = self._file_stamp()
                if stamp != self._stamp:
                    try:
                        self._manifest = read(self.path)
                        self._stamp = stamp
                    except ManifestError:
                        pass  # keep serving the last good manifest while a build is writing
        return self._manifest

    def _file_stamp(self) -> tuple[int, int]:
        try:
            stat = os.stat(self.path)
        except OSError:
            return (0, 0)
        return (stat.st_mtime_ns, stat.st_size)
