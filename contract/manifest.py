"""The site manifest (`engagement.json`): the contract between the build and the services.

The Pelican plugin writes it on every build; the feedback API learns from it which pages take
comments and which questionnaires exist, the cross-poster each post's social copy. Neither
reads markdown or YAML. The format is the JSON Schema `manifest.schema.json` beside this module;
bump `VERSION` when it changes incompatibly. A field added later is optional, so a manifest from
an older build still reads (`assets`, the fingerprinted theme files, came after version 1).
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("manifest.schema.json")
# The site's own day: when a consultation or questionnaire opens and closes.
SITE_ZONE = zoneinfo.ZoneInfo("Europe/London")


class ManifestError(Exception):
    """The manifest is missing or not one this release understands; `message` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Manifest:
    """One reading of engagement.json."""

    site: dict[str, Any]
    pages: dict[str, dict[str, Any]]
    questionnaires: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Theme file -> its fingerprinted name (`css/main.css` -> `css/main.<hash>.css`); empty from
    # a build before fingerprinting, whose pages link the plain names.
    assets: dict[str, str] = field(default_factory=dict)
    # The area's population by equality-monitoring part and answer value (`content/population.csv`)
    # and each part's ONS table; empty when the site has no population file.
    population: dict[str, dict[str, int]] = field(default_factory=dict)
    population_sources: dict[str, str] = field(default_factory=dict)
    # The involvement report's words from content/involvement/: {"sections": [...],
    # "case_studies": [...]}, each with its `html` and the same as `blocks` for a Word writer;
    # empty from a build before the report.
    involvement: dict[str, Any] = field(default_factory=dict)

    def page(self, url: str) -> dict[str, Any] | None:
        return self.pages.get(url)

    def comments_open(self, url: str, today: datetime.date | None = None) -> bool:
        """Open if the build says so and, for a consultation, it has not closed since."""
        entry = self.pages[url]
        if entry["comments"] != "open":
            return False
        if entry.get("closes"):
            today = today or site_today()
            return today <= datetime.date.fromisoformat(entry["closes"])
        return True


def site_today() -> datetime.date:
    """Today in the site's zone."""
    return datetime.datetime.now(SITE_ZONE).date()


def local_day(moment: datetime.datetime) -> datetime.date:
    """The day of `moment` (aware, or naive UTC as the database gives it) in the site's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(SITE_ZONE).date()


def utc_midnight(day: datetime.date) -> datetime.datetime:
    """The site's midnight at the start of `day`, in UTC (never ambiguous: UK clocks change at
    1am)."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=SITE_ZONE).astimezone(
        datetime.UTC
    )


def questionnaire_window(definition: dict[str, Any], today: datetime.date | None = None) -> str:
    """'upcoming', 'open' or 'closed' on `today` (the site's day by default): the window the API
    enforces on answers and the reports show."""
    today = today or site_today()
    if definition.get("opens") and today < datetime.date.fromisoformat(definition["opens"]):
        return "upcoming"
    if definition.get("closes") and today > datetime.date.fromisoformat(definition["closes"]):
        return "closed"
    return "open"


def output_file(url: str) -> str:
    """The file a page's site-relative address is written to, relative to the output folder:
    /blog/x/ -> blog/x/index.html (the build writes it; the worker copies it)."""
    path = PurePosixPath(url.strip("/"))
    if not url.strip("/"):
        return "index.html"
    return str(path) if path.suffix else str(path / "index.html")


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
    if data.get("version") != VERSION:
        raise ManifestError(
            f"the site manifest {path} has version {data.get('version')!r}; this release reads "
            f"version {VERSION}. Rebuild the site with the matching Engage release."
        )
    pages = {entry["url"]: entry for entry in data["pages"]}
    return Manifest(
        site=data["site"],
        pages=pages,
        questionnaires=data.get("questionnaires", {}),
        assets=data.get("assets", {}),
        population=data.get("population", {}),
        population_sources=data.get("population_sources", {}),
        involvement=data.get("involvement", {}),
    )


def write(path: Path, manifest: dict[str, Any]) -> None:
    """Write atomically, so a service reading it never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)
