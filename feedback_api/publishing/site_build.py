"""Running Pelican for the workspace: the whole site into a folder (a check before publishing),
or only some pages into the served site (after a comment is approved). Always as its own
process (`python -m pelican`, as the command line runs it), with the approved comments exported
first, so the API never imports the build and a crashing build cannot take the worker down.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

from feedback_api.jobs.log import JobLog
from feedback_api.publishing.export import write_site_export
from feedback_api.publishing.places import Places


@dataclasses.dataclass(frozen=True)
class Built:
    status: int
    # The content problems the build listed (file, line, field, message, text), or None when
    # it stopped before reaching them (a settings error, a crash: the log says why).
    problems: list[dict] | None

    @property
    def ok(self) -> bool:
        return self.status == 0


def build(
    places: Places,
    content: Path,
    output: Path,
    log: JobLog,
    work: Path,
    pages: list[str] | None = None,
) -> Built:
    """Build `content` with the workspace's settings into `output`; `pages`: only those pages,
    over the site already there (read from Pelican's cache, kept in `work`)."""
    work.mkdir(parents=True, exist_ok=True)
    export, problems = work / "comments.json", work / "problems.json"
    problems.unlink(missing_ok=True)
    count = write_site_export(export)
    log.line(f"Approved comments on {count} page(s) exported for the build.")
    extra: dict[str, object] = {
        "ENGAGE_COMMENTS_EXPORT": str(export),
        "ENGAGE_PROBLEMS_REPORT": str(problems),
        # The worker's own cache: what makes a rebuild of a few pages quick.
        "CACHE_PATH": str(work / "pelican-cache"),
    }
    if pages is not None:
        extra |= {
            "ENGAGE_WRITE_ONLY": sorted(pages),
            "DELETE_OUTPUT_DIRECTORY": False,
            "LOAD_CONTENT_CACHE": True,
            "CACHE_CONTENT": True,
        }
    command = [places.python, "-m", "pelican", str(content), "-s", str(places.settings)]
    command += ["-o", str(output)]
    # One -e with every setting: Pelican keeps only the last -e it is given.
    command += ["-e", *(f"{name}={json.dumps(value)}" for name, value in extra.items())]
    status = log.run(command, cwd=places.project, timeout=places.timeout)
    return Built(status, _problems(problems))


def _problems(path: Path) -> list[dict] | None:
    try:
        listing = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return listing if isinstance(listing, list) else None


def snapshot(content: Path, copy: Path) -> None:
    """A copy of the content to build from (without its git history): what a check builds is
    then exactly what publishing it publishes, whatever editors change meanwhile."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(content, copy, ignore=shutil.ignore_patterns(".git"), symlinks=True)
