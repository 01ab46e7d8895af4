"""Cross-poster benchmark: how long a run takes to find what is new in a big feed.

A run reads the Atom feed, joins the manifest and diffs every entry against the ledger before it
composes anything. With 1,000 entries (a site that keeps its whole history in the feed) that
must stay under a second. The anchor, measured in the same run, is feedparser reading the same
feed on its own: the ratio says what our part (joining, the ledger query, the diff) adds.

Rows (medians of --runs):

* parse only (anchor): `feedparser.parse` of the feed;
* diff, first run: read + join + diff against an empty ledger (all entries new);
* diff, nothing new: against a ledger that has seen every entry (the everyday case);
* diff, 10 new: the ledger has seen all but the newest ten.

Run: `python bench/crosspost_diff.py --entries 1000` (or `invoke bench --only crosspost`).
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and `crosspost` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

import feedparser
from feedgen.feed import FeedGenerator

from crosspost.feed import read
from crosspost.ledger import Ledger
from crosspost.run import Runner

SITE = "https://engage.example.nhs.uk"
TARGET_SECONDS = 1.0


def write_feed(path: Path, entries: int) -> None:
    """An Atom feed of `entries` posts with ~60-word summaries and two tags each."""
    feed = FeedGenerator()
    feed.id(f"{SITE}/")
    feed.title("Benchmark feed")
    feed.link(href=f"{SITE}/", rel="alternate")
    start = datetime.datetime(2020, 1, 1, 9, tzinfo=datetime.UTC)
    feed.updated(start)
    words = ["local", "people", "told", "us", "about", "waiting", "times", "urgent", "care"]
    for number in range(entries):
        added = feed.add_entry()
        added.id(f"tag:engage.example.nhs.uk,2020:/blog/post-{number}/")
        added.title(f"Post {number}: what we heard about local services")
        added.link(href=f"{SITE}/blog/post-{number}/")
        added.summary(" ".join(words[(number + i) % len(words)] for i in range(60)))
        when = start + datetime.timedelta(hours=number)
        added.published(when)
        added.updated(when)
        added.category(term="urgent care")
        added.category(term="vale cross")
    feed.atom_file(str(path))


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--entries", type=int, default=1000)
    options.add_argument("--runs", type=int, default=5)
    options.add_argument("--check", action="store_true", help="exit 1 over the target")
    args = options.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        feed = Path(work) / "all.atom.xml"
        write_feed(feed, args.entries)
        body = feed.read_bytes()
        ledgers = {}
        for name, seen in (("empty", 0), ("all", args.entries), ("ten", args.entries - 10)):
            ledger = Ledger(f"sqlite:///{Path(work) / f'{name}.db'}")
            entries = read(str(feed), None)
            oldest_first = entries[::-1][:seen]
            ledger.record_seen((entry.id, entry.url) for entry in oldest_first)
            ledgers[name] = ledger

        def diff(ledger: Ledger) -> Callable[[], object]:
            runner = Runner(ledger, {})
            return lambda: runner.plan(read(str(feed), None), max_per_run=10_000)

        anchor = median_seconds(lambda: feedparser.parse(body), args.runs)
        rows = [
            ("parse only (anchor)", anchor),
            ("diff, first run", median_seconds(diff(ledgers["empty"]), args.runs)),
            ("diff, nothing new", median_seconds(diff(ledgers["all"]), args.runs)),
            ("diff, 10 new", median_seconds(diff(ledgers["ten"]), args.runs)),
        ]
        plan = Runner(ledgers["ten"], {}).plan(read(str(feed), None), max_per_run=10_000)
        assert len(plan.new) == 10, f"expected 10 new entries, found {len(plan.new)}"
        for ledger in ledgers.values():
            ledger.close()
    print(f"Cross-poster: {args.entries} entries, medians of {args.runs} runs")
    print(f"{'row':<22} {'seconds':>8} {'ratio':>7}  target")
    over = False
    for name, seconds in rows:
        mark = ""
        if name.startswith("diff"):
            over = over or seconds > TARGET_SECONDS
            mark = f"< {TARGET_SECONDS:g} s " + ("over" if seconds > TARGET_SECONDS else "ok")
        print(f"{name:<22} {seconds:>8.3f} {seconds / anchor:>6.2f}x  {mark}")
    return 1 if over and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
