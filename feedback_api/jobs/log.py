"""A job's log: lines kept as they come, each committed on its own so the workspace page shows
a build's progress while it runs; and commands run with their output streamed into it."""

from __future__ import annotations

import collections
import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from feedback_api.storage import jobs as rows
from feedback_api.storage import transaction

# Lines are written together at most this often: a chatty build is not a commit a line.
FLUSH_SECONDS = 0.5
TAIL_LINES = 20


class JobLog:
    """`job_id` None: a log kept in memory only (the worker's page rebuilds), for its tail."""

    def __init__(self, job_id: int | None) -> None:
        self.job_id = job_id
        self._pending: list[str] = []
        self._flushed = 0.0
        self.last: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)

    def line(self, text: str) -> None:
        """Add a line now."""
        self._keep(text)
        self.flush()

    def _keep(self, text: str) -> None:
        line = text.rstrip("\n")
        self._pending.append(line + "\n")
        if line.strip():
            self.last.append(line.strip())

    def tail(self, lines: int = 3) -> str:
        """The last lines printed, as one sentence's worth (why a build stopped)."""
        return " ".join(list(self.last)[-lines:])

    def flush(self) -> None:
        if not self._pending:
            return
        chunk, self._pending = "".join(self._pending), []
        if self.job_id is None:
            return
        with transaction():
            rows.append(self.job_id, chunk)
        self._flushed = time.monotonic()

    def run(
        self,
        command: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        timeout: float,
    ) -> int:
        """Run a command with its output (stdout and stderr, in order) in the log; its exit
        status, or -9 when it was stopped for taking longer than `timeout` seconds."""
        self.line("$ " + " ".join(command))
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            process.kill()

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            assert process.stdout is not None
            for text in process.stdout:
                self._keep(text)
                if time.monotonic() - self._flushed >= FLUSH_SECONDS:
                    self.flush()
            status = process.wait()
        finally:
            timer.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self.flush()
        if stopped.is_set():
            self.line(f"Stopped: it took longer than {timeout:.0f} seconds.")
            return -9
        return status
