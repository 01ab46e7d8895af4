"""Site build benchmark: our Pelican configuration against a vanilla Pelican build.

Engage promises that its theme and plugin cost little on top of Pelican itself, so this measures
both on the same synthetic corpus (see `corpus.py`) in one run and prints the ratios:

* cold build: empty output and cache directories;
* cached rebuild: the same build again with the cache it left, nothing changed;
* rebuild after a one-post edit: one post's body (and mtime) changed, cache kept;
* rebuild after a comment is approved: ours writes only that post's page again
  (ENGAGE_WRITE_ONLY, as the worker does), against vanilla's cached rebuild of every page, which
  is what the comment would cost without it;
* peak memory: max RSS of a build process (and of any child it waited for, e.g. a Sass compiler).

Each build is a `python -m pelican` subprocess so the timings include start-up, as a user sees.
Run: `python bench/site_build.py --posts 1000` (or `invoke bench`); `--posts 20 --runs 1` smokes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import generate, post_slug

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
ENGAGE_TODAY = "2026-11-25"  # fixed, so date-dependent output is the same on every run
PHASES = ("cold", "cached", "edit", "comment")
LABELS = {
    "cold": "cold build",
    "cached": "cached rebuild",
    "edit": "rebuild after one-post edit",
    "comment": "rebuild after a comment is approved",
    "peak_rss_mb": "peak memory, largest process",
    "rebuild_rss_mb": "peak memory, cached rebuild",
}
MEMORY = ("peak_rss_mb", "rebuild_rss_mb")
# Wide logs: rich wraps Pelican's messages at 80 columns when not on a terminal.
BUILD_ENV = {**os.environ, "COLUMNS": "160"}
# The issue sets time targets only; memory is printed for information.
TARGETS = {"cold": 1.20, "cached": 1.00, "edit": 1.00, "comment": 1.00}

VANILLA_CONF = """\
SITENAME = "Engage benchmark (vanilla Pelican)"
SITEURL = ""
TIMEZONE = "Europe/London"
PATH = {path!r}
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = {cache!r}
"""


class BuildFailed(RuntimeError):
    """A Pelican build exited non-zero or did not produce what the benchmark expects."""


@dataclass
class Build:
    """One build's cost: wall time, CPU time (user + system) and max RSS."""

    wall_s: float
    cpu_s: float
    max_rss_mb: float


@dataclass
class Config:
    """A way of building the corpus, and where it writes the page of a given post source."""

    name: str
    # (corpus, output, cache, comment): `comment` (the approved comment's page and body) for the
    # rebuild that follows an approval.
    command: Callable[[Path, Path, Path, tuple[str, str] | None], list[str]]
    post_html: Callable[[Path, Path], Path]


@dataclass
class Results:
    """Every build of one configuration, by phase, in run order."""

    builds: dict[str, list[Build]] = field(default_factory=lambda: {p: [] for p in PHASES})

    def median(self, phase: str) -> float:
        """Median wall time: robust to one disturbed run."""
        return statistics.median(b.wall_s for b in self.builds[phase])

    def peak_rss_mb(self) -> float:
        """Median over runs of each run's highest RSS (the cold build, in practice)."""
        runs = zip(*(self.builds[p] for p in PHASES), strict=True)
        return statistics.median(max(b.max_rss_mb for b in run) for run in runs)

    def summary(self) -> dict[str, float]:
        """The numbers the table compares."""
        out = {phase: self.median(phase) for phase in PHASES}
        out["peak_rss_mb"] = self.peak_rss_mb()
        # A cached rebuild has no Sass compile to run, so this is Pelican's own process.
        out["rebuild_rss_mb"] = statistics.median(b.max_rss_mb for b in self.builds["cached"])
        return out


def vanilla(work: Path) -> Config:
    """Pelican's defaults (default theme and feeds, no plugins) with the content cache on."""

    def command(corpus: Path, out: Path, cache: Path, comment: tuple[str, str] | None) -> list[str]:
        conf = work / "vanilla_conf.py"
        conf.write_text(VANILLA_CONF.format(path=str(corpus), cache=str(cache)), encoding="utf-8")
        return [sys.executable, "-m", "pelican", str(corpus), "-o", str(out), "-s", str(conf)]

    return Config("vanilla", command, lambda out, source: out / f"{title_slug(source)}.html")


def title_slug(source: Path) -> str:
    """Pelican's default slug (SLUGIFY_SOURCE = "title"), which names vanilla's post pages."""
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify

    title = next(
        line.removeprefix("Title:").strip()
        for line in source.read_text(encoding="utf-8").splitlines()
        if line.startswith("Title:")
    )
    return slugify(title, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


def ours() -> Config:
    """The project's pelicanconf.py: our theme, the engagement plugin and the Sass build."""

    def command(corpus: Path, out: Path, cache: Path, comment: tuple[str, str] | None) -> list[str]:
        overrides: dict[str, object] = {"CACHE_PATH": str(cache), "ENGAGE_TODAY": ENGAGE_TODAY}
        if comment is not None:
            page, body = comment
            export = cache.parent / "comments.json"
            export.write_text(json.dumps(comments_export(page, body)), encoding="utf-8")
            overrides |= {
                "ENGAGE_COMMENTS_EXPORT": str(export),
                "ENGAGE_WRITE_ONLY": [page],
                "DELETE_OUTPUT_DIRECTORY": False,
            }
        settings = str(ROOT / "pelicanconf.py")
        pelican = [sys.executable, "-m", "pelican", str(corpus), "-o", str(out), "-s", settings]
        return [*pelican, "-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]

    # SLUGIFY_SOURCE = "basename": the file name is the slug.
    return Config("ours", command, lambda out, source: out / "blog" / source.stem / "index.html")


def comments_export(page: str, body: str) -> dict:
    """The API's export (`comments export-site`) with one approved comment on `page`."""
    comment = {
        "id": 1,
        "author": "A reader",
        "created": "2026-11-25T10:00:00Z",
        "html": f"<p>{body}</p>",
        "official": False,
        "tag": None,
        "replies": [],
    }
    return {"version": 1, "pages": {page: {"page": page, "count": 1, "comments": [comment]}}}


def run_build(cmd: Sequence[str], logs: Path) -> Build:
    """Run one build as a child process; wall time and the child's rusage from `os.wait4`.

    Output goes to files, not pipes, so a chatty build can never block on a full pipe while we
    sit in `wait4` (which `Popen.communicate` would not let us call).
    """
    out_path, err_path = logs.with_suffix(".stdout"), logs.with_suffix(".stderr")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=BUILD_ENV, stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it has been reaped
    if proc.returncode != 0:
        # Pelican logs through rich to stdout, so its errors are there; show both streams.
        logs = "".join(
            p.read_text(encoding="utf-8", errors="replace") for p in (out_path, err_path)
        )
        raise BuildFailed(f"exit {proc.returncode}: {shlex.join(cmd)}\n{logs}")
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return Build(wall, usage.ru_utime + usage.ru_stime, kib / 1024)


def edit_post(path: Path, marker: str) -> None:
    """Change one post's body and push its mtime forward, as an editor saving it would."""
    text = path.read_text(encoding="utf-8")
    path.write_text(f"{text.rstrip()}\n\nEdited for the benchmark: {marker}.\n", encoding="utf-8")
    later = time.time() + 2  # clearly newer than the cache, whatever the mtime granularity
    os.utime(path, (later, later))


def check_output(config: Config, out: Path, source: Path, marker: str | None = None) -> None:
    """Fail loudly if a build did not write the post's page (or the edit did not reach it)."""
    page = config.post_html(out, source)
    if not page.is_file():
        raise BuildFailed(f"{config.name}: expected {page} after the build")
    if marker is not None and marker not in page.read_text(encoding="utf-8"):
        raise BuildFailed(f"{config.name}: the edit ({marker}) is missing from {page}")


def check_article_count(config: Config, stdout: Path, n_posts: int) -> None:
    """Fail if Pelican's "Done: Processed N articles" line says some posts were dropped."""
    found = re.search(r"Processed (\d+) articles?", stdout.read_text(encoding="utf-8"))
    if found and int(found.group(1)) != n_posts:
        raise BuildFailed(f"{config.name}: processed {found.group(1)} of {n_posts} posts")


def measure_run(config: Config, corpus: Path, work: Path, run: int, n_posts: int) -> list[Build]:
    """Cold build, cached rebuild and one-post-edit rebuild, sharing one output and cache."""
    base = work / f"{config.name}-{run}"
    out, cache = base / "output", base / "cache"
    shutil.rmtree(base, ignore_errors=True)
    cache.mkdir(parents=True)
    cmd = config.command(corpus, out, cache, None)
    source = corpus / "posts" / f"{post_slug((n_posts + 1) // 2, max(4, len(str(n_posts))))}.md"
    builds = [run_build(cmd, base / "cold")]
    check_article_count(config, base / "cold.stdout", n_posts)
    builds.append(run_build(cmd, base / "cached"))
    check_output(config, out, source)
    marker = f"{config.name} run {run} {time.time_ns()}"
    edit_post(source, marker)
    builds.append(run_build(cmd, base / "edit"))
    check_output(config, out, source, marker)
    body = f"Approved for the benchmark, run {run} {time.time_ns()}"
    other = config.post_html(
        out, next(p for p in sorted(source.parent.glob("*.md")) if p != source)
    )
    untouched = other.stat().st_mtime_ns
    comment = config.command(corpus, out, cache, (f"/blog/{source.stem}/", body))
    builds.append(run_build(comment, base / "comment"))
    if config.name == "ours":
        check_output(config, out, source, body)
        if other.stat().st_mtime_ns != untouched:
            raise BuildFailed(f"ours: {other} was written again for a comment on another page")
    return builds


def benchmark(
    configs: Sequence[Config], corpus: Path, work: Path, runs: int, n_posts: int
) -> dict[str, Results]:
    """All runs; configurations interleaved so drift (thermal, other load) hits both alike."""
    results = {config.name: Results() for config in configs}
    for run in range(1, runs + 1):
        for config in configs:
            builds = measure_run(config, corpus, work, run, n_posts)
            for phase, build in zip(PHASES, builds, strict=True):
                results[config.name].builds[phase].append(build)
            walls = "  ".join(f"{p} {b.wall_s:.2f}s" for p, b in zip(PHASES, builds, strict=True))
            print(f"run {run}/{runs} {config.name:8} {walls}", file=sys.stderr)
    return results


def ratio(ours_value: float, vanilla_value: float) -> float:
    """ours/vanilla; NaN rather than a crash if vanilla measured zero."""
    return ours_value / vanilla_value if vanilla_value else float("nan")


def format_table(summaries: dict[str, dict[str, float]], n_posts: int, runs: int) -> str:
    """The human-readable table; a ratio over its target is flagged `over`."""
    van, our = summaries.get("vanilla"), summaries.get("ours")
    title = f"site build, {n_posts} posts (medians of {runs})"
    lines = [f"{title:<42}{'vanilla':>9}{'ours':>11}   ours/vanilla"]
    for key, label in LABELS.items():
        unit, fmt = (" MB", "{:.0f}") if key in MEMORY else (" s", "{:.2f}")
        cell = [fmt.format(side[key]) + unit if side else "-" for side in (van, our)]
        row = f"{label:<42}{cell[0]:>9}{cell[1]:>11}   "
        if van and our:
            r = ratio(our[key], van[key])
            row += f"{r:.2f}x" + ("  over" if r > TARGETS.get(key, float("inf")) else "")
        else:
            row += "-"
        lines.append(row)
    lines.append(
        "targets: cold <= 1.20x, cached, edit and comment <= 1.00x (memory: for information); "
        "comment: ours writes the one page, vanilla rebuilds all"
    )
    return "\n".join(lines)


def over_target(summaries: dict[str, dict[str, float]]) -> list[str]:
    """The measures whose ours/vanilla ratio exceeds its target (for --check)."""
    if not {"vanilla", "ours"} <= summaries.keys():
        return []
    van, our = summaries["vanilla"], summaries["ours"]
    return [key for key, limit in TARGETS.items() if ratio(our[key], van[key]) > limit]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000, help="posts in the corpus (1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure; medians (3)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers here")
    parser.add_argument(
        "--only", choices=("vanilla", "ours"), help="build one configuration (no ratios)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a ratio is over target")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (bench/.work/)")
    args = parser.parse_args(argv)
    if args.posts < 1 or args.runs < 1:
        parser.error("--posts and --runs must be at least 1")
    return args


def to_json(results: dict[str, Results], args: argparse.Namespace) -> dict:
    """Medians plus every build, so a regression can be traced to a single run."""
    return {
        "posts": args.posts,
        "runs": args.runs,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "targets": TARGETS,
        "configs": {
            name: {
                "median": res.summary(),
                "builds": {p: [asdict(b) for b in res.builds[p]] for p in PHASES},
            }
            for name, res in results.items()
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the corpus, build it every way, print the table; non-zero if a build fails."""
    args = parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="site_build-", dir=WORK))
    try:
        corpus = work / "content"
        generate(corpus, args.posts, args.seed)
        configs = [vanilla(work), ours()]
        if args.only:
            configs = [c for c in configs if c.name == args.only]
        try:
            results = benchmark(configs, corpus, work, args.runs, args.posts)
        except BuildFailed as error:
            print(f"build failed: {error}", file=sys.stderr)
            return 2
        summaries = {name: res.summary() for name, res in results.items()}
        print(format_table(summaries, args.posts, args.runs))
        if args.json:
            args.json.write_text(json.dumps(to_json(results, args), indent=2) + "\n")
        return 1 if args.check and over_target(summaries) else 0
    finally:
        if args.keep:
            print(f"work dir kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
