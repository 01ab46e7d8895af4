"""Spike benchmark: the CPU time the stack's own processes used in a phase, read from /proc.

The machine may be shared (other work, other benchmarks), so "the machine was 90% busy" does not
say what serving the load cost. This adds up user + system time of each part's processes (a
root process and its children: nginx's master and workers, a gunicorn master and its workers,
the postmaster and its backends), whatever else runs beside them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def ticks(pid: int) -> int | None:
    """User + system CPU ticks of one process so far; None once it has gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, ...
    return int(fields[11]) + int(fields[12])


def family(pid: int) -> list[int]:
    """The process and its children (one level: what nginx, gunicorn and PostgreSQL fork)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii").split()
    except OSError:
        return []
    return [pid, *(int(child) for child in children)]


class CpuMeter:
    """Per part, the CPU seconds its processes used between `start()` and `used()`; take a
    `snapshot()` just before a part is killed, or its time is lost with its processes."""

    def __init__(self, parts: dict[str, Callable[[], int | None]]) -> None:
        self.parts = parts  # part name: its root process id, None if it has none (any more)
        self.base: dict[str, dict[int, int]] = {}
        self.last: dict[str, dict[int, int]] = {}

    def _read(self) -> dict[str, dict[int, int]]:
        seen: dict[str, dict[int, int]] = {}
        for name, root in self.parts.items():
            pid = root()
            seen[name] = {}
            for member in family(pid) if pid else []:
                if (value := ticks(member)) is not None:
                    seen[name][member] = value
        return seen

    def start(self) -> None:
        self.base = self._read()
        self.last = {name: dict(pids) for name, pids in self.base.items()}

    def snapshot(self) -> None:
        for name, pids in self._read().items():
            self.last.setdefault(name, {}).update(pids)

    def used(self) -> dict[str, float]:
        """CPU seconds per part; a process born during the phase counts from zero."""
        self.snapshot()
        return {
            name: sum(v - self.base.get(name, {}).get(pid, 0) for pid, v in pids.items()) / TICK
            for name, pids in self.last.items()
        }
