"""Feedback API benchmark: our comments API against Isso 0.14, under the same load on loopback.

One run sets up both servers from scratch (fresh work folders under `bench/.work/api-*`, each
behind gunicorn with 4 workers on 127.0.0.1), seeds each with the same page of 200 approved
comments of ~200 words, and drives three reader actions with `wrk` (50 connections, 2 threads,
a fixed duration each):

* list: one page's comments, as the comment widget loads them;
* counts: the comment counts of 10 pages, as a list page asks for them;
* post: a new comment, stored before the answer.

Then our database is filled up to 100,000 comments over 1,000 pages and counts (and list, for
information) are measured again. Targets: list >= 50x Isso with our p99 < 100 ms; counts >=
3,000 req/s and no slower at 100,000 comments; post >= 1.5x Isso. Every run must answer 2xx
only, and every acknowledged post must be in the database afterwards.

Run: `python bench/api.py` (or `--duration 3` to smoke, `--only ours|isso`, `--json PATH`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_data import (
    approved_counts,
    check_isso_counts,
    check_ours,
    comment_texts,
    isso_stored,
    manifest,
    ours_inconsistent_pages,
    ours_stored,
    seed_isso,
    seed_ours,
    seed_ours_bulk,
)
from bench.api_load import Call, Load, measure, measure_post
from bench.api_report import details, problems, table, verdicts
from bench.api_servers import (
    ISSO_CFG,
    Server,
    ensure_isso,
    free_port,
    gunicorn_args,
    ours_env,
    running,
    server_errors,
)
from bench.api_settings import (
    BIG_PAGES,
    BIG_TOTAL,
    COMMENT_WORDS,
    CONNECTIONS,
    COUNT_PAGES,
    HOST,
    ISSO_VERSION,
    LIST_PAGE,
    POST_PAGE,
    ROOT,
    SEED,
    SEED_COMMENTS,
    THREADS,
    WORK,
    WORKERS,
    BenchError,
)


def isso_calls(base: str, post_text: str) -> dict[str, Call]:
    headers = (("Content-Type", "application/json"), ("Origin", base))
    return {
        "list": Call("GET", f"/?uri={LIST_PAGE}"),
        "counts": Call("POST", "/count", json.dumps(list(COUNT_PAGES)), headers),
        "post": Call(
            "POST",
            f"/new?uri={POST_PAGE}",
            json.dumps({"text": post_text, "author": "Bench", "title": "Bench page 1"}),
            headers,
        ),
    }


def bench_isso(
    texts: Sequence[str], post_text: str, duration: int, folder: Path
) -> tuple[dict[str, Load], list[str]]:
    gunicorn = ensure_isso()
    server = Server("isso", free_port(), folder / "gunicorn.log", "/config")
    db = folder / "comments.db"
    config = folder / "isso.cfg"
    config.write_text(ISSO_CFG.format(db=db, host=server.base), encoding="utf-8")
    env = {**os.environ, "ISSO_SETTINGS": str(config)}
    argv = [str(gunicorn), *gunicorn_args(server.port, "isso.run", preload=True)]
    calls = isso_calls(server.base, post_text)
    results: dict[str, Load] = {}
    with running(server, argv, env):
        print(f"Isso {ISSO_VERSION} on {server.base}: seeding {len(texts)} comments", flush=True)
        seed_isso(server, texts)
        check_isso_counts(server)
        for name in ("list", "counts"):
            results[name] = measure(server, name, calls[name], duration, folder)
        results["post"] = measure_post(
            server, calls["post"], duration, folder, lambda: isso_stored(db, POST_PAGE), 201
        )
    return results, server_errors(server.log)


def ours_calls(post_text: str) -> dict[str, Call]:
    query = "&".join(f"page={page}" for page in COUNT_PAGES)
    body = json.dumps({"page": POST_PAGE, "body": post_text, "author": "Bench"})
    return {
        "list": Call("GET", f"/api/comments?page={LIST_PAGE}"),
        "counts": Call("GET", f"/api/comments/counts?{query}"),
        "post": Call("POST", "/api/comments", body, (("Content-Type", "application/json"),)),
    }


def bench_ours(
    texts: Sequence[str], post_text: str, duration: int, folder: Path
) -> tuple[dict[str, Load], list[str]]:
    env = ours_env(folder)
    (folder / "engagement.json").write_text(json.dumps(manifest(BIG_PAGES)), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "feedback_api", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    print(f"Ours: seeding {len(texts)} comments through storage", flush=True)
    htmls = seed_ours(env, texts)
    server = Server("ours", free_port(), folder / "gunicorn.log", "/api/comments/counts?page=/")
    argv = [sys.executable, "-m", "gunicorn", *gunicorn_args(server.port, "feedback_api.wsgi:app")]
    calls = ours_calls(post_text)
    results: dict[str, Load] = {}
    with running(server, argv, env):
        print(f"Ours on {server.base}", flush=True)
        check_ours(server, calls["counts"], approved_counts(folder))
        for name in ("list", "counts"):
            results[name] = measure(server, name, calls[name], duration, folder)
        results["post"] = measure_post(
            server, calls["post"], duration, folder, lambda: ours_stored(folder, POST_PAGE), 202
        )
        print(f"Ours: filling the database up to {BIG_TOTAL:,} comments", flush=True)
        total = seed_ours_bulk(env, texts, htmls, BIG_TOTAL, BIG_PAGES)
        bad = ours_inconsistent_pages(folder)
        if bad:
            raise BenchError(f"{bad} page rows disagree with their approved comments")
        print(f"  {total:,} comments in the database, counts consistent", flush=True)
        check_ours(server, calls["counts"], approved_counts(folder))
        results["counts_100k"] = measure(server, "counts_100k", calls["counts"], duration, folder)
        results["list_100k"] = measure(server, "list_100k", calls["list"], duration, folder)
        results["counts_100k"].notes.append(f"{total:,} comments in the database")
    return results, server_errors(server.log)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measure (10)")
    parser.add_argument("--only", choices=("ours", "isso"), help="run one server only")
    parser.add_argument("--json", type=Path, help="also write every number to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work folders")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.duration < 1:
        parser.error("--duration must be at least 1 second")
    return args


def work_folder(name: str) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"api-{name}-", dir=WORK))


Results = dict[str, tuple[dict[str, Load], list[str]]]


def run(args: argparse.Namespace) -> Results:
    """Each selected server in turn (never both at once): its loads and its log's errors."""
    texts = comment_texts(SEED_COMMENTS, COMMENT_WORDS)
    post_text = comment_texts(1, 60, seed=SEED + 1)[0]
    results: Results = {}
    folders = []
    for name, bench in (("isso", bench_isso), ("ours", bench_ours)):
        if args.only and args.only != name:
            continue
        folder = work_folder(name)
        folders.append(folder)
        results[name] = bench(texts, post_text, args.duration, folder)
    if not args.keep:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    print(
        f"{WORKERS} gunicorn workers each; wrk {THREADS} threads, {CONNECTIONS} connections, "
        f"{args.duration} s per measure; {os.cpu_count()} CPUs; all on {HOST}",
        flush=True,
    )
    try:
        results = run(args)
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        if isinstance(error, subprocess.CalledProcessError) and error.stderr:
            print(error.stderr.decode(errors="replace")[-2000:], file=sys.stderr)
        print(f"work folders kept under {WORK}", file=sys.stderr)
        return 2
    isso, isso_log = results.get("isso", ({}, []))
    ours, ours_log = results.get("ours", ({}, []))
    print()
    print(table(isso, ours))
    print()
    print("\n".join(details("isso", isso) + details("ours", ours)))
    found = problems("isso", isso) + problems("ours", ours)
    found += [f"isso server log: {line}" for line in isso_log[:10]]
    found += [f"ours server log: {line}" for line in ours_log[:20]]
    print("\nProblems: " + ("none" if not found else ""))
    print("\n".join(f"  {line}" for line in found))
    judged = verdicts(isso, ours)
    if args.json:
        document = {
            "settings": {
                "workers": WORKERS,
                "connections": CONNECTIONS,
                "threads": THREADS,
                "duration_s": args.duration,
                "cpus": os.cpu_count(),
            },
            "isso": {name: asdict(load) for name, load in isso.items()},
            "ours": {name: asdict(load) for name, load in ours.items()},
            "targets": [asdict(verdict) for verdict in judged],
            "problems": found,
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    if args.check and any(verdict.met is False for verdict in judged):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
