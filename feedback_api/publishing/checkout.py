"""The content folder as a git checkout, when editors commit their markdown: its latest commit
(shown on the Publish page) and a fast-forward pull (never a merge a comms officer must untangle).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from feedback_api.jobs.log import JobLog

GIT_TIMEOUT = 10.0


def _git(folder: Path, *arguments: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *arguments],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def latest_commit(folder: Path) -> dict[str, Any] | None:
    """The checkout's newest commit (short id, subject, author, ISO time), or None when the
    content folder is not in a git checkout."""
    if _git(folder, "rev-parse", "--is-inside-work-tree") != "true":
        return None
    line = _git(folder, "log", "-1", "--format=%h%x00%s%x00%an%x00%cI")
    if not line:
        return None
    short, subject, author, when = [*line.split("\x00"), "", "", ""][:4]
    return {
        "id": short,
        "subject": subject,
        "author": author,
        "when": when,
        "upstream": _git(folder, "rev-parse", "--abbrev-ref", "@{upstream}"),
    }


def pull(folder: Path, log: JobLog, timeout: float) -> bool:
    """`git pull --ff-only` in the content folder, with its output in the log."""
    status = log.run(
        ["git", "-C", str(folder), "pull", "--ff-only"],
        cwd=folder,
        env={"GIT_TERMINAL_PROMPT": "0"},
        timeout=timeout,
    )
    return status == 0
