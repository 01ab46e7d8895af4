"""Listening benchmark: what one poll costs with a thousand of our posts and ten thousand replies.

`flask --app feedback_api listen` runs from a timer every five minutes. Its first poll reads
every thread of every post it follows; after that, a poll should cost a handful of requests
per platform, whatever the account's history. The benchmark serves the five platforms' loopback
fakes (the test suite's, tests/fixtures/fake_platforms), makes `--posts` posts of ours spread
over them through each platform's own client, seeds `--replies` replies spread over the posts
(one in four answers an earlier reply in the same thread) and follows our posts in the
social_posts table directly (storage.social.track), as the cross-poster's ledger would list
them. It calls `feedback_api.listening.poll.poll_all(env)` inside the app, the whole poll the
`listen` command makes after asking the ledger (`posts.refresh`, a subprocess, is left out).
The app is `create_app` on a fresh SQLite database per run, the schema made by the migrations.

Rows (medians of --runs; requests per platform from the fakes' request logs):

* listener calls only (anchor): `thread()` of every post straight from the listeners, nothing
  stored or screened: the ratio says what the inbox (storing, screening, threading) adds;
* first poll: an empty inbox: counts of every post, every thread read, every reply brought in;
* idle poll: right after, nothing new (counts are not due for ENGAGE_LISTEN_COUNTS_MINUTES):
  the cursors' requests only, the everyday poll;
* 10 new replies: ten people answer our posts, the next poll brings them in (but Facebook's,
  which only a post's comment count tells of);
* counts due, nothing new: the poll 16 minutes later asks every post's counts (in batches)
  and reads again only the threads that grew (there, Facebook's new replies).

Targets: the first poll under TARGET_SECONDS, the idle poll at most TARGET_IDLE_REQUESTS
requests a platform; every reply brought in exactly once. `--check` exits 1 otherwise.

Run: `python bench/listen.py` (or `invoke bench --only listen`); a smoke test is
`--posts 50 --replies 200 --runs 1`. No term is watched (ENGAGE_LISTEN_TERMS empty).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and the tests' `fixtures` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from flask import Flask

from bench import api_data
from fixtures.fake_platforms import FakePlatform
from fixtures.fake_platforms.rig import SETUP
from platforms.listening import listeners
from platforms.values import Composed, Entry

SITE = "https://engage.example.nhs.uk"
SECRET = "bench-secret-for-the-listening-benchmark-0123456789"
# The first poll over 1,000 posts and 10,000 replies: about 30 s on a shared 2-core machine;
# twice that leaves room for a busier machine, not for a poll that reads every thread twice.
TARGET_SECONDS = 60.0
TARGET_IDLE_REQUESTS = 3  # per platform, no terms watched
NEW_REPLIES = 10
NESTED_EVERY = 4  # one reply in four answers an earlier reply in its thread
PLATFORMS = list(SETUP)
SHORT = {"mastodon": "mast", "bluesky": "bsky", "x": "x", "facebook": "fb", "linkedin": "li"}


def manifest(pages: int) -> dict:
    """A site of `pages` open pages, one per post of ours (its entry's page)."""
    return api_data.manifest(pages, SITE, "/blog/post-{n}/")


def composed(platform: str, number: int) -> Composed:
    """Post `number` of ours, as the composer would hand it to `platform`'s client."""
    url = f"{SITE}/blog/post-{number}/"
    entry = Entry(
        id=f"tag:engage.example.nhs.uk,2026:/blog/post-{number}/",
        url=url,
        title=f"Post {number}: have your say",
        summary="What local people told us about urgent care.",
        # A moment of its own: Bluesky's record key is made from it.
        published=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
        + datetime.timedelta(minutes=number),
    )
    text = f"Post {number}: have your say on urgent care {url}"
    card = {"uri": url, "title": entry.title, "description": entry.summary}
    return Composed(entry, platform, text, len(text), 500, url, (), card)


@dataclass
class Platform:
    """One fake on loopback, with our posts there and the replies seeded under them."""

    name: str
    fake: FakePlatform
    posts: list[tuple[int, str]] = field(default_factory=list)  # (number, remote id)
    replies: list[str] = field(default_factory=list)

    def requests(self) -> int:
        with self.fake.lock:
            return len(self.fake.requests)


@contextlib.contextmanager
def platforms(names: list[str]) -> Iterator[dict[str, Platform]]:
    """Each platform's fake served on its own loopback port for the block."""
    with contextlib.ExitStack() as stack:
        found = {}
        for name in names:
            fake = SETUP[name][1]()
            stack.enter_context(fake.serve())
            found[name] = Platform(name, fake)
        yield found


def env_of(found: dict[str, Platform]) -> dict[str, str]:
    env: dict[str, str] = {}
    for platform in found.values():
        env.update(platform.fake.settings())
    return env


def seed(found: dict[str, Platform], posts: int, replies: int) -> None:
    """Our posts, made through each platform's own client (round robin), then the replies."""
    names = list(found)
    clients = {name: SETUP[name][0].from_environment(found[name].fake.settings()) for name in names}
    for number in range(posts):
        name = names[number % len(names)]
        ref = clients[name].publish(composed(name, number), f"bench-{number}")
        found[name].posts.append((number, ref.id))
    everywhere = [(p, remote) for p in found.values() for _, remote in p.posts]
    for n in range(replies):
        platform, post = everywhere[n % len(everywhere)]
        earlier = (
            platform.replies[-len(platform.posts)]
            if len(platform.replies) >= len(platform.posts)
            else None
        )
        to = earlier if earlier and n % NESTED_EVERY == NESTED_EVERY - 1 else post
        said = f"Reply {n}: thank you, what about the waiting times at the new centre?"
        remote = platform.fake.someone_replies(to, said, handle=f"reader{n % 97}", name="A Reader")
        platform.replies.append(remote)


def make_app(folder: Path, pages: int) -> Flask:
    """The API on a fresh SQLite database in `folder`, the schema made by the migrations."""
    from flask_migrate import upgrade

    from feedback_api import create_app

    folder.mkdir(parents=True)
    (folder / "engagement.json").write_text(json.dumps(manifest(pages)), encoding="utf-8")
    app = create_app(
        {
            "ENGAGE_INSTANCE_PATH": str(folder / "instance"),
            "DATABASE_URL": f"sqlite:///{folder / 'engage.db'}",
            "ENGAGE_SECRET_KEY": SECRET,
            "ENGAGE_MANIFEST": str(folder / "engagement.json"),
            "ENGAGE_SITE_DIR": "",
            "ENGAGE_LISTEN_TERMS": (),
            "ENGAGE_LISTEN_COUNTS_MINUTES": 15,
        }
    )
    logging.disable(logging.INFO)  # the migrations' progress, once per run
    try:
        with app.app_context():
            upgrade()
    finally:
        logging.disable(logging.NOTSET)
    return app


def track(app: Flask, found: dict[str, Platform]) -> None:
    """Our posts in social_posts, as `posts.refresh` would put them from the ledger."""
    from feedback_api.storage import social, transaction

    posted = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    rows = [
        {
            "platform": name,
            "remote_id": remote,
            "url": f"https://{name}.example/{number}",
            "entry_url": f"{SITE}/blog/post-{number}/",
            "page": f"/blog/post-{number}/",
            "title": f"Post {number}: have your say",
            "posted": posted,
        }
        for name, platform in found.items()
        for number, remote in platform.posts
    ]
    with app.app_context(), transaction():
        social.track(rows)


@dataclass
class Measure:
    seconds: float
    brought: dict[str, int]  # items brought in (or heard, for the anchor) per platform
    requests: dict[str, int]

    @property
    def items(self) -> int:
        return sum(self.brought.values())


def measured(found: dict[str, Platform], action: Callable[[], dict[str, int]]) -> Measure:
    """Time `action` (which returns the items each platform brought in) and count each fake's
    requests."""
    before = {name: platform.requests() for name, platform in found.items()}
    began = time.perf_counter()
    brought = action()
    seconds = time.perf_counter() - began
    after = {name: platform.requests() - before[name] for name, platform in found.items()}
    return Measure(seconds, brought, after)


def poll(app: Flask, env: dict[str, str], now: datetime.datetime | None = None) -> dict[str, int]:
    """One `poll_all`, as `listen` makes it: the items each platform brought in."""
    from feedback_api.listening.poll import poll_all

    with app.app_context():
        reports = poll_all(env, now=now)
    stopped = [f"{r.platform}: {r.stopped}" for r in reports if r.stopped]
    skipped = [f"{r.platform}: {line}" for r in reports for line in r.skipped]
    if stopped or skipped:
        raise SystemExit(f"a platform refused the poll: {stopped + skipped}")
    return {report.platform: report.taken.new for report in reports}


def threads_only(found: dict[str, Platform], env: dict[str, str]) -> dict[str, int]:
    """The anchor: every post's thread() through fresh listeners, nothing stored."""
    heard = {}
    for name, listener in listeners(env).items():
        heard[name] = sum(len(listener.thread(remote).items) for _, remote in found[name].posts)
    return heard


def one_run(found: dict[str, Platform], env: dict[str, str], folder: Path) -> dict[str, Measure]:
    """Every row once, on a fresh database; the ten new replies are deleted afterwards."""
    app = make_app(folder, sum(len(p.posts) for p in found.values()))
    track(app, found)
    rows = {"anchor": measured(found, lambda: threads_only(found, env))}
    rows["first"] = measured(found, lambda: poll(app, env))
    rows["idle"] = measured(found, lambda: poll(app, env))
    fresh = []
    everywhere = [(p, remote) for p in found.values() for _, remote in p.posts]
    for n in range(NEW_REPLIES):
        platform, post = everywhere[(n * 7919) % len(everywhere)]
        said = f"New reply {n}: is the centre open at weekends?"
        fresh.append((platform, platform.fake.someone_replies(post, said, handle="newcomer")))
    rows["new"] = measured(found, lambda: poll(app, env))
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)
    rows["counts"] = measured(found, lambda: poll(app, env, later))
    for platform, remote in fresh:
        platform.fake.delete(remote)
    from feedback_api.storage.models import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows


ROWS = [
    ("anchor", "listener calls only (anchor)"),
    ("first", "first poll"),
    ("idle", "idle poll"),
    ("new", f"{NEW_REPLIES} new replies"),
    ("counts", "counts due, nothing new"),
]


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--posts", type=int, default=1000)
    options.add_argument("--replies", type=int, default=10_000)
    options.add_argument("--runs", type=int, default=3)
    options.add_argument(
        "--platforms", default=",".join(PLATFORMS), help="comma-separated (default: all five)"
    )
    options.add_argument("--check", action="store_true", help="exit 1 over a target")
    args = options.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the fakes' access logs
    names = [name.strip() for name in args.platforms.split(",") if name.strip()]
    if unknown := [name for name in names if name not in SETUP]:
        options.error(f"unknown platform {unknown[0]!r} (known: {', '.join(PLATFORMS)})")
    with platforms(names) as found, tempfile.TemporaryDirectory() as work:
        env = env_of(found)
        began = time.perf_counter()
        seed(found, args.posts, args.replies)
        seeded = time.perf_counter() - began
        runs = [one_run(found, env, Path(work) / f"run-{n}") for n in range(args.runs)]
    return report(args, names, runs, seeded)


def report(args: argparse.Namespace, names: list[str], runs: list[dict], seeded: float) -> int:
    """The table; 1 with --check when a target is missed or a row brought in the wrong count."""
    problems = []
    for number, run in enumerate(runs, start=1):
        expected = {"anchor": args.replies, "first": args.replies, "idle": 0}
        for key, count in expected.items():
            if run[key].items != count:
                problems.append(f"run {number}, {key}: {run[key].items} items, not {count}")
        late = run["new"].items + run["counts"].items
        if late != NEW_REPLIES:
            problems.append(f"run {number}: {late} of the {NEW_REPLIES} new replies brought in")
    median = {key: statistics.median(run[key].seconds for run in runs) for key, _ in ROWS}
    requests = {
        key: {n: round(statistics.median(run[key].requests[n] for run in runs)) for n in names}
        for key, _ in ROWS
    }
    anchor = median["anchor"]
    print(
        f"Listening: {args.posts} posts, {args.replies} replies over {', '.join(names)}; "
        f"medians of {args.runs} runs (seeding took {seeded:.1f} s)"
    )
    heads = " ".join(f"{SHORT.get(n, n):>5}" for n in names)
    print(f"{'row':<29} {'seconds':>8} {'ratio':>7} {'items':>6}  requests {heads}  target")
    width = len(heads) + len("requests ")
    for key, label in ROWS:
        seconds = median[key]
        counts = " ".join(f"{requests[key][n]:>5}" for n in names)
        mark = ""
        if key == "first":
            over = seconds > TARGET_SECONDS
            per = seconds / max(args.replies, 1) * 1000
            mark = f"< {TARGET_SECONDS:g} s {'over' if over else 'ok'}, {per:.2f} ms a reply"
            if over:
                problems.append(f"the first poll took {seconds:.1f} s")
        elif key == "idle":
            over = max(requests[key].values()) > TARGET_IDLE_REQUESTS
            mark = f"<= {TARGET_IDLE_REQUESTS} a platform {'over' if over else 'ok'}"
            if over:
                problems.append(f"the idle poll made {requests[key]} requests")
        items = runs[-1][key].items
        ratio = f"{seconds / anchor:.2f}x"
        print(f"{label:<29} {seconds:>8.3f} {ratio:>7} {items:>6}  {counts:>{width}}  {mark}")
    waited = sorted({n for run in runs for n, count in run["counts"].brought.items() if count})
    if waited:
        print(
            f"New replies on {', '.join(waited)} arrived with the counts (its notifications do "
            "not tell of replies to our posts)."
        )
    for problem in problems:
        print(f"problem: {problem}")
    return 1 if problems and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
