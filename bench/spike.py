"""Spike benchmark: ten times a normal load through nginx for 60 s, one API host killed half-way.

One run sets up the deployed shape on loopback from scratch (see `spike_stack.py`): the built
sample site, PostgreSQL, Redis for the rate limits, two API processes under
`deploy/gunicorn.conf.py` standing for two hosts, and Debian's nginx with the shipped
`deploy/nginx/engage.conf` in front. Readers arrive on a fixed schedule (see `spike_load.py`):

* warm-up: normal load for a few seconds, not reported;
* anchor: normal load (2 visits and 0.5 posts a second) for `--anchor` seconds (20);
* spike: ten times that for `--duration` seconds (60), and half-way through one API process
  (master and workers) is killed with SIGKILL; nginx must carry on with the other.

It prints, per phase (and the spike before and after the kill) and kind of request (page view,
counts, comment list, post): requests sent, 2xx answers, p50/p99 latency, the ratios to the
anchor, and the errors; then the posts acknowledged (202 with an id) against the comments stored
in the database. An acknowledged post that is not stored, or a post stored twice, is a failure:
the exit status is then 1.

Run: `python bench/spike.py` (or `invoke bench --only spike`); `--duration 4 --anchor 2` smokes.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and the tests' `fixtures` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench.api_data import comment_texts
from bench.api_servers import server_errors
from bench.api_settings import HOST, SEED, WORK, BenchError
from bench.spike_load import (
    NORMAL_POSTS,
    NORMAL_VISITS,
    SPIKE_FACTOR,
    Phase,
    Target,
    plan,
    run_phase,
    tls_context,
)
from bench.spike_report import (
    Ledger,
    cpu_line,
    ledger,
    posts_report,
    rows,
    split,
    table,
    throughput,
)
from bench.spike_stack import Stack, missing_tools, nginx_errors, stack, stored_bodies

WARMUP_SECONDS = 3.0
POST_WORDS = 60


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of spike (60)")
    parser.add_argument("--anchor", type=float, default=20, help="seconds of normal load (20)")
    parser.add_argument(
        "--rate", type=float, default=NORMAL_VISITS, help=f"normal visits/s ({NORMAL_VISITS:g})"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per host (4)")
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database of your own (postgresql+psycopg://...) instead of a "
        "throwaway cluster; the run's comments are left in it",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    if args.duration < 2 or args.anchor < 1:
        parser.error("--duration must be at least 2 seconds and --anchor at least 1")
    return args


def phases(target: Target, site: Stack, args: argparse.Namespace) -> list[Phase]:
    """Warm-up, anchor, spike (with the kill half-way), one after the other."""
    posts = NORMAL_POSTS * args.rate / NORMAL_VISITS
    listings, articles = list(site.listings), site.articles
    done: list[Phase] = []
    first = 0
    for name, seconds, factor in (
        ("warm-up", WARMUP_SECONDS, 1),
        ("anchor", args.anchor, 1),
        ("spike", args.duration, SPIKE_FACTOR),
    ):
        arrivals = plan(
            seconds, args.rate * factor, posts * factor, first, listings, articles, SEED + first
        )
        first += len(arrivals)
        phase = Phase(name, seconds, args.rate * factor, posts * factor)
        events = {seconds / 2: ("kill", site.hosts[0].kill)} if name == "spike" else None
        print(f"  {name}: {len(arrivals):,} arrivals over {seconds:g} s ...", flush=True)
        done.append(run_phase(phase, target, arrivals, events, site.meter()))
    return done


def report(done: list[Phase], book: Ledger, site: Stack) -> bool:
    """Print the report; whether the run failed (a post lost or doubled, or no kill)."""
    anchor, spike = done[1], done[2]
    killed_at = spike.events.get("kill", spike.seconds / 2)
    before, after = split(spike, killed_at)
    parts = [
        ("anchor", anchor.samples),
        ("spike", spike.samples),
        ("spike, before kill", before),
        ("spike, after kill", after),
    ]
    print()
    print(table(parts, rows(anchor.samples)))
    print()
    cpus = os.cpu_count() or 1
    for phase in (anchor, spike):
        print(throughput(phase))
        print(cpu_line(phase, cpus))
    alive = ["alive" if host.alive else "dead" for host in site.hosts]
    print(
        f"Kill: {site.hosts[0].server.name} (SIGKILL to its process group) at "
        f"{killed_at:.1f} s of {spike.seconds:g}; hosts now {', '.join(alive)}"
    )
    logged = nginx_errors(site.nginx)
    print("nginx error log: " + (", ".join(f"{n} {k}" for k, n in logged.items()) or "nothing"))
    print()
    print("\n".join(posts_report(book)))
    found = []
    for name, samples in parts[:2]:
        for kind, got in rows(samples).items():
            if got.errors and kind != "post":
                found.append(f"{name} {kind}: {sum(got.errors.values())} errors {got.errors}")
    failures = []
    if book.lost:
        failures.append(f"{len(book.lost)} acknowledged posts not in the database")
    if book.duplicated:
        failures.append(f"{len(book.duplicated)} posts stored more than once")
    if "kill" not in spike.events or site.hosts[0].alive:
        failures.append("the API host was not killed")
    for host in site.hosts:
        found += [f"{host.server.name} log: {line}" for line in server_errors(host.server.log)][:10]
    print("\nProblems: " + ("none" if not found + failures else ""))
    print("\n".join(f"  {line}" for line in found + [f"FAILURE: {f}" for f in failures]))
    return bool(failures)


def write_json(path: Path, done: list[Phase], book: Ledger, args: argparse.Namespace) -> None:
    anchor, spike = done[1], done[2]
    before, after = split(spike, spike.events.get("kill", spike.seconds / 2))
    document = {
        "settings": {
            "anchor_s": args.anchor,
            "spike_s": args.duration,
            "normal_visits_per_s": args.rate,
            "spike_factor": SPIKE_FACTOR,
            "workers_per_host": args.workers,
            "cpus": os.cpu_count(),
        },
        "phases": {
            name: {kind: asdict(got) for kind, got in rows(samples).items()}
            for name, samples in (
                ("anchor", anchor.samples),
                ("spike", spike.samples),
                ("spike_before_kill", before),
                ("spike_after_kill", after),
            )
        },
        "killed_at_s": spike.events.get("kill"),
        "posts": {
            "sent": book.sent,
            "acknowledged": len(book.acknowledged),
            "stored": len(book.stored),
            "lost": sorted(book.lost),
            "duplicated": sorted(book.duplicated),
            "stored_unacknowledged": len(book.stored_unacknowledged),
        },
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def run(args: argparse.Namespace, folder: Path) -> int:
    marker = secrets.token_hex(4)
    with stack(folder, args.database_url, args.workers) as site:
        print(
            f"nginx {site.nginx.url} -> {', '.join(h.upstream for h in site.hosts)} "
            f"({args.workers} workers each"
            + (", each host on a core of its own)" if site.hosts[0].cpu is not None else ")"),
            flush=True,
        )
        target = Target(
            HOST,
            site.nginx.port,
            tls_context(str(site.nginx.ca)),
            marker,
            site.listings,
            tuple(comment_texts(50, POST_WORDS, seed=SEED + 2)),
        )
        done = phases(target, site, args)
        book = ledger(done, stored_bodies(site.psycopg_url, marker))
        failed = report(done, book, site)
        if args.json:
            write_json(args.json, done, book, args)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    missing = missing_tools()
    if missing:
        print(f"missing: apt-get install {' '.join(missing)}", file=sys.stderr)
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="spike-", dir=WORK))
    print(
        f"Spike: {args.anchor:g} s of normal load ({args.rate:g} visits/s), then "
        f"{SPIKE_FACTOR}x for {args.duration:g} s, one of two API hosts killed half-way; "
        f"{os.cpu_count()} CPUs, all on {HOST}",
        flush=True,
    )
    try:
        status = run(args, folder)
    except (BenchError, subprocess.CalledProcessError, RuntimeError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        if isinstance(error, subprocess.CalledProcessError) and error.stderr:
            print(error.stderr.decode(errors="replace")[-2000:], file=sys.stderr)
        print(f"work folder kept: {folder}", file=sys.stderr)
        return 2
    if not args.keep and status == 0:
        shutil.rmtree(folder, ignore_errors=True)
    elif status:
        print(f"work folder kept: {folder}")
    return status


if __name__ == "__main__":
    sys.exit(main())
