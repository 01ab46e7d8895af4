"""Copying a built site over another with rsync: new and changed files first, files no longer
built removed last (so a page never links a file not there yet), each file replaced whole."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from feedback_api.jobs.log import JobLog

FLAGS = ["--archive", "--compress", "--delay-updates", "--checksum"]


def rsync_missing() -> str | None:
    if shutil.which("rsync") is None:
        return "Publishing needs rsync on the worker's host: install it (apt-get install rsync)."
    return None


def mirror(source: Path, destination: str, log: JobLog, timeout: float) -> bool:
    """Make `destination` (a folder, or host:folder) the same as `source`."""
    if not _remote(destination):
        Path(destination).mkdir(parents=True, exist_ok=True)
    command = ["rsync", *FLAGS, "--delete-after", f"{source}/", _folder(destination)]
    return log.run(command, cwd=source, timeout=timeout) == 0


def copy_files(
    source: Path, names: Iterable[str], destination: str, log: JobLog, timeout: float
) -> bool:
    """Copy just these files (relative to `source`) to `destination`, keeping their folders."""
    listing = sorted(set(names))
    if not listing:
        return True
    command = ["rsync", *FLAGS, "--relative", *[f"./{name}" for name in listing]]
    return log.run([*command, _folder(destination)], cwd=source, timeout=timeout) == 0


def _remote(destination: str) -> bool:
    head = destination.split("/", 1)[0]
    return ":" in head


def _folder(destination: str) -> str:
    return destination if destination.endswith("/") else destination + "/"
