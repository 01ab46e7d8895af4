"""The site manifest as the running API holds it: read at start-up and again whenever the build
rewrites the file, so publishing a new page needs no restart.

Reading and the manifest's shape are the shared contract's (`contract.manifest`); a missing or
unreadable manifest is a clear start-up error here, never a traceback per request.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from contract import languages
from contract import manifest as contract
from contract.manifest import SITE_ZONE, Manifest, questionnaire_window

from .config import StartupError

__all__ = [
    "SITE_ZONE",
    "Manifest",
    "ManifestError",
    "ManifestSource",
    "language_tag",
    "page_language",
    "questionnaire_window",
]


class ManifestError(StartupError):
    """The manifest is missing or not one this API understands."""


def read(path: Path) -> Manifest:
    """The manifest, or a start-up error that says what to fix."""
    try:
        return contract.read(path)
    except contract.ManifestError as error:
        raise ManifestError(error.message) from None


def language_tag(value: Any) -> str | None:
    """`value` if it is a language tag (as the schema has them), else None: a manifest written
    by hand, or by a build that went wrong, must not put markup or a page of text in a column or
    a `lang` attribute."""
    return languages.valid(value)


def is_translation(manifest: Manifest, entry: dict[str, Any]) -> bool:
    """Whether the page is another language's version of a page in the site's language (the
    Welsh /cy/consultations/x/ of /consultations/x/): reports count a consultation once, with
    every version's answers and comments."""
    site = manifest.site.get("language")
    own = entry.get("lang")
    if not site or not own or languages.same(own, site):
        return False
    return any(languages.same(code, site) for code in entry.get("translations") or {})


def versions_of(entry: dict[str, Any]) -> set[str]:
    """The page's address and its versions' in other languages."""
    found = {entry["url"]}
    found.update(url for url in (entry.get("translations") or {}).values() if isinstance(url, str))
    return found


def page_language(manifest: Manifest, entry: dict[str, Any] | None) -> str | None:
    """The language of a page: its entry's `lang`, else (a build from before languages, or no
    page) the site's; None when neither is a language tag."""
    found = language_tag(entry.get("lang")) if entry else None
    return found or language_tag(manifest.site.get("language"))


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
                        self._manifest = contract.read(self.path)
                        self._stamp = stamp
                    except contract.ManifestError:
                        pass  # keep serving the last good manifest while a build is writing
        return self._manifest

    def age_seconds(self) -> float | None:
        """Seconds since the build last wrote the file (its modification time: the build
        replaces it whole, and rsync and cp -p keep the time); None when it is gone, which the
        API outlives on the last good manifest."""
        try:
            written = os.stat(self.path).st_mtime
        except OSError:
            return None
        return max(0.0, time.time() - written)

    def _file_stamp(self) -> tuple[int, int]:
        try:
            stat = os.stat(self.path)
        except OSError:
            return (0, 0)
        return (stat.st_mtime_ns, stat.st_size)
