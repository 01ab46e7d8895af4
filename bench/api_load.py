"""Feedback API benchmark: load with `wrk`, its output read, and a server settled between runs.

A measure is a 1 s warm-up run (discarded), then the measured run; a post measure also counts
the comments the run stored.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.api_servers import Server, expect, http
from bench.api_settings import CONNECTIONS, LABELS, THREADS, BenchError


@dataclass(frozen=True)
class Call:
    """One request that wrk repeats."""

    method: str
    path: str
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Load:
    """What one wrk run measured; `stored` is the rows a post run added to the database."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    stored: int | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def lua_script(call: Call) -> str:
    lines = [f'wrk.method = "{call.method}"']
    if call.body is not None:
        if "]==]" in call.body:
            raise BenchError("request body cannot be quoted for Lua")
        lines.append(f"wrk.body = [==[{call.body}]==]")
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in call.headers]
    return "\n".join(lines) + "\n"


def run_wrk(base: str, name: str, call: Call, duration: int, folder: Path) -> Load:
    script = folder / f"wrk-{name}.lua"
    script.write_text(lua_script(call), encoding="utf-8")
    argv = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        f"--timeout={max(duration, 2)}s",
        "--latency",
        "-s",
        str(script),
        base + call.path,
    ]
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return parse_wrk(result.stdout)


def parse_wrk(output: str) -> Load:
    """Requests/s, p50, p99 and the error counts from `wrk --latency` output."""

    def number(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match:
            return match.group(1)
        if default is None:
            raise BenchError(f"wrk output has no {pattern!r}:\n{output}")
        return default

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
        if not match:
            raise BenchError(f"wrk output has no {percent}% latency:\n{output}")
        return float(match.group(1)) * UNITS_MS[match.group(2)]

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Load(
        requests=int(number(r"(\d+) requests in")),
        seconds=_seconds(number(r"requests in ([\d.]+\w+),")),
        rps=float(number(r"Requests/sec:\s+([\d.]+)")),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        non_2xx=int(number(r"Non-2xx or 3xx responses: (\d+)", "0")),
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    return float(match.group(1)) * UNITS_MS[match.group(2)] / 1000 if match else 0.0


def show(load: Load) -> None:
    print(
        f"    {load.rps:,.0f} req/s, p50 {load.p50_ms:.2f} ms, p99 {load.p99_ms:.2f} ms, "
        f"non-2xx {load.non_2xx}, socket errors {load.socket_errors}",
        flush=True,
    )


def settle(server: Server) -> None:
    """Wait until requests a finished wrk run left queued (slow servers) have been served,
    so they do not eat into the next run: the probe is answered only after them."""
    started = time.monotonic()
    status, answer = http("GET", server.base + server.probe)
    expect(status, 200, f"{server.name} probe after a run", answer)
    waited = time.monotonic() - started
    if waited > 1:
        print(f"    ({server.name} took {waited:.1f} s to drain its queue)", flush=True)
    time.sleep(0.5)


def measure(server: Server, name: str, call: Call, duration: int, folder: Path) -> Load:
    """A 1 s warm-up run (discarded), then the measured run; the server settles after each."""
    print(f"  {server.name}: {LABELS[name]} for {duration} s ...", flush=True)
    run_wrk(server.base, f"{name}-warmup", call, 1, folder)
    settle(server)
    load = run_wrk(server.base, name, call, duration, folder)
    settle(server)
    show(load)
    return load


def measure_post(
    server: Server,
    call: Call,
    duration: int,
    folder: Path,
    stored: Callable[[], int],
    created: int,
) -> Load:
    """One post first (it also creates the page's thread), a warm-up run, then the measured
    run; the comments it added are counted in the database once the server has settled."""
    headers = dict(call.headers)
    status, answer = http("POST", server.base + call.path, json.loads(call.body or ""), headers)
    expect(status, created, f"{server.name} first post", answer)
    print(f"  {server.name}: {LABELS['post']} for {duration} s ...", flush=True)
    run_wrk(server.base, "post-warmup", call, 1, folder)
    settle(server)
    before = stored()
    load = run_wrk(server.base, "post", call, duration, folder)
    settle(server)  # posts in flight when wrk stopped are answered and committed
    load.stored = stored() - before
    show(load)
    print(f"    stored {load.stored:,} comments for {load.requests:,} answered", flush=True)
    if load.stored < load.requests - load.non_2xx - load.socket_errors:
        load.problems.append(
            f"only {load.stored} comments stored for {load.requests} answered requests"
        )
    return load
