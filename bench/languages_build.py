"""Build benchmark for a site in four languages: the cost per page written of the same corpus
in English only (the anchor, ENGAGE_LANGUAGES empty) and with every post and page also in Welsh,
Urdu and Polish (`<name>.cy.md`, `.ur.md`, `.pl.md`), measured in one run.

Translations add pages (four times the posts, and each language's own home, lists and tag
pages); the promise is that each costs about what an English page costs: at most 1.3 times as
much per HTML page written, cold and cached. Each build is a `python -m pelican` subprocess,
as `site_build.py` measures.

Run: `python bench/languages_build.py --posts 1000` (or `invoke bench --only languages`);
`--posts 20 --runs 1` smokes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import generate
from bench.site_build import ENGAGE_TODAY, ROOT, WORK, BuildFailed, run_build

LANGUAGES = ("cy", "ur", "pl")
TARGET = 1.30  # per page written, four languages against English only
PHASES = ("cold", "cached")


def translate(corpus: Path) -> int:
    """Give every post and page a version in each language (same words: the build's cost is
    what is measured, not the language's); the number of files added."""
    added = 0
    for source in sorted(corpus.rglob("*.md")):
        if source.stem.count(".") or ("posts" not in source.parts and "pages" not in source.parts):
            continue
        text = source.read_text(encoding="utf-8")
        for code in LANGUAGES:
            source.with_name(f"{source.stem}.{code}.md").write_text(text, encoding="utf-8")
            added += 1
    return added


def command(corpus: Path, out: Path, cache: Path, languages: bool) -> list[str]:
    overrides: dict[str, object] = {"CACHE_PATH": str(cache), "ENGAGE_TODAY": ENGAGE_TODAY}
    if not languages:
        overrides |= {"ENGAGE_LANGUAGES": [], "ENGAGE_LANGUAGE_SETTINGS": {}}
    settings = str(ROOT / "pelicanconf.py")
    pelican = [sys.executable, "-m", "pelican", str(corpus), "-o", str(out), "-s", settings]
    return [*pelican, "-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]


def pages_written(out: Path) -> int:
    return sum(1 for _ in out.rglob("*.html"))


def measure(corpus: Path, work: Path, name: str, languages: bool, run: int) -> dict[str, float]:
    """Cold build then cached rebuild: seconds per HTML page written, and the pages."""
    base = work / f"{name}-{run}"
    out, cache = base / "output", base / "cache"
    shutil.rmtree(base, ignore_errors=True)
    cache.mkdir(parents=True)
    cmd = command(corpus, out, cache, languages)
    cold = run_build(cmd, base / "cold")
    pages = pages_written(out)
    cached = run_build(cmd, base / "cached")
    if languages and not (out / "cy" / "index.html").is_file():
        raise BuildFailed(f"{name}: no Welsh home page in {out}")
    return {"pages": pages, "cold": cold.wall_s / pages, "cached": cached.wall_s / pages}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000, help="posts in the corpus (1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure; medians (3)")
    parser.add_argument("--check", action="store_true", help="exit 1 if over the target")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="languages_build-", dir=WORK))
    try:
        english, four = work / "english", work / "four"
        generate(english, args.posts, 1)
        shutil.copytree(english, four)
        translate(four)
        found: dict[str, list[dict[str, float]]] = {"english": [], "four": []}
        for run in range(1, args.runs + 1):  # interleaved, so drift hits both alike
            for name, corpus in (("english", english), ("four", four)):
                try:
                    found[name].append(measure(corpus, work, name, name == "four", run))
                except BuildFailed as error:
                    print(f"build failed: {error}", file=sys.stderr)
                    return 2
                print(f"run {run}/{args.runs} {name:8} {found[name][-1]}", file=sys.stderr)
        over = False
        title = f"site build in four languages, {args.posts} posts (medians of {args.runs})"
        print(f"{title:<64}{'English':>10}{'four':>10}   four/English")
        pages = [int(statistics.median(r["pages"] for r in found[n])) for n in found]
        print(f"{'HTML pages written':<64}{pages[0]:>10}{pages[1]:>10}")
        for phase in PHASES:
            one, all_four = (statistics.median(r[phase] for r in found[n]) for n in found)
            ratio = all_four / one if one else float("nan")
            over |= ratio > TARGET
            label = f"{phase} build, ms per page written"
            flag = "  over" if ratio > TARGET else ""
            print(f"{label:<64}{one * 1000:>10.2f}{all_four * 1000:>10.2f}   {ratio:.2f}x{flag}")
        print(f"target: four languages <= {TARGET:.2f}x English only, per page written")
        return 1 if args.check and over else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
