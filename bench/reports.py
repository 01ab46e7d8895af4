"""Reports benchmark: each staff report page with a big consultation behind it.

The sample site's urgent-care questionnaire gets `--responses` answers (every question, a free
text answer in two of three, equality answers, channels) and its consultation page `--comments`
comments (a tenth of them questions, half of those answered, some social items), all inserted
straight into a fresh SQLite database made by the migrations, then indexed for the reports as
the migration indexes responses stored before it. Each page (the theme coding queue beside the
reports) is fetched by a signed-in moderator through the real app (Flask's test client: no
network in the figure).

Rows (medians of --runs): for each page, the time with a tenth of the data (the anchor: 5,000
responses and 2,000 comments by default) and with all of it, and their ratio. The target is
every page under TARGET_SECONDS with all the data; `--check` exits 1 otherwise.

Run: `python bench/reports.py` (or `invoke bench --only reports`); a smoke test is
`--responses 500 --comments 200 --runs 1`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and the tests' `fixtures` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

QUESTIONNAIRE = "urgent-care-vale-cross"
PAGE = "/consultations/urgent-care-vale-cross/"
TARGET_SECONDS = 1.0
PAGES = {
    "reports index": "/admin/reports/",
    "questionnaire report": f"/admin/reports/{QUESTIONNAIRE}",
    "involvement report": "/admin/reports/involvement",
    "theme coding queue": f"/admin/themes/code?page={PAGE}",
}
CHANNELS = ["site"] * 5 + ["mastodon", "bluesky", "facebook", "newsletter", "poster-library"]
WORDS = (  # noqa: SIM905
    "wait long staff kind parking bus appointment phone nurse doctor x-ray hours night "
    "child mother care clinic travel car minor injuries pharmacy booked time late early"
).split()


def _manifest(folder: Path) -> Path:
    """The sample site's manifest, built once, with the questionnaire open around today."""
    from fixtures.site import ROOT, run_pelican

    build = run_pelican(ROOT / "content", folder / "output", folder / "cache")
    if build.returncode != 0:
        raise SystemExit(build.log)
    manifest = json.loads((folder / "output" / "engagement.json").read_text(encoding="utf-8"))
    today = datetime.date.today()
    window = {
        "opens": (today - datetime.timedelta(days=300)).isoformat(),
        "closes": (today + datetime.timedelta(days=30)).isoformat(),
    }
    manifest["questionnaires"][QUESTIONNAIRE].update(window)
    path = folder / "engagement.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


def _answers(rng: random.Random, definition: dict) -> dict:
    answers: dict = {}
    for question in definition["questions"]:
        options = [o["value"] for o in question.get("options") or []]
        kind = question["type"]
        if kind == "multiple":
            answers[question["id"]] = rng.sample(options, rng.randint(1, 3))
        elif options:
            answers[question["id"]] = rng.choice(options)
        elif kind in ("long_text", "text") and rng.random() < 0.66:
            answers[question["id"]] = " ".join(rng.choices(WORDS, k=rng.randint(5, 30)))
    return answers


def _seed(app, responses: int, comments: int) -> None:
    from sqlalchemy import insert

    from feedback_api.storage import pages
    from feedback_api.storage.answers.index import reindex
    from feedback_api.storage.models import Comment, QuestionnaireResponse, db

    rng = random.Random(15)
    now = datetime.datetime.now(datetime.UTC)
    with app.app_context():
        definition = app.extensions["engage_manifest"].get().questionnaires[QUESTIONNAIRE]
        rows = [
            {
                "questionnaire": QUESTIONNAIRE,
                "reference": f"B{n:07d}",
                "answers": _answers(rng, definition),
                "held_reasons": {},
                "spam": n % 100 == 0,
                "created": now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 200)),
                "channel": rng.choice(CHANNELS),
            }
            for n in range(responses)
        ]
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(QuestionnaireResponse), rows[start : start + 5000])
        pages.ensure_page(PAGE)
        said = []
        for n in range(comments):
            created = now - datetime.timedelta(minutes=rng.randint(60, 60 * 24 * 200))
            social = n % 7 == 0
            said.append(
                {
                    "page": PAGE,
                    "body": " ".join(rng.choices(WORDS, k=12)),
                    "html": "<p>…</p>",
                    "status": "reviewed" if social else rng.choice(["approved"] * 8 + ["pending"]),
                    "held_reasons": [],
                    "edit_token_hash": "",
                    "needs_response": n % 10 == 0,
                    "created": created,
                    "updated": created,
                    "moderated": created + datetime.timedelta(hours=3),
                    "source": "mastodon" if social else "site",
                    "remote_id": f"bench-{n}" if social else None,
                    "channel": "mastodon" if social else rng.choice(CHANNELS),
                }
            )
        for start in range(0, len(said), 5000):
            db.session.execute(insert(Comment), said[start : start + 5000])
        reindex(db.session.connection())  # the answer index, as the migration fills it
        db.session.commit()


def measure(manifest: Path, responses: int, comments: int, runs: int) -> dict[str, float]:
    """Median seconds per page with this much data behind it."""
    from feedback_api import create_app
    from fixtures.staff import signed_in

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "ENGAGE_INSTANCE_PATH": str(Path(folder) / "instance"),
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'engage.db'}",
                "ENGAGE_SECRET_KEY": "bench-secret-for-the-reports-only-0123456789",
                "ENGAGE_MANIFEST": str(manifest),
                "ENGAGE_SECURE_COOKIES": False,
            }
        )
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
        _seed(app, responses, comments)
        client = signed_in(app, "moderator")
        found = {}
        for name, address in PAGES.items():
            times = []
            for _ in range(runs + 1):  # the first fills caches and is not counted
                start = time.perf_counter()
                answer = client.get(address)
                times.append(time.perf_counter() - start)
                assert answer.status_code == 200, (address, answer.status_code)
            found[name] = statistics.median(times[1:])
        from feedback_api.storage.models import db

        with app.app_context():
            db.engine.dispose()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        manifest = _manifest(Path(folder))
        small = measure(manifest, args.responses // 10, args.comments // 10, args.runs)
        big = measure(manifest, args.responses, args.comments, args.runs)
    print(
        f"Reports with {args.responses:,} responses and {args.comments:,} comments "
        f"(anchor: {args.responses // 10:,} and {args.comments // 10:,}), medians of {args.runs}"
    )
    missed = False
    for name in PAGES:
        ratio = big[name] / small[name] if small[name] else float("inf")
        flag = "" if big[name] < TARGET_SECONDS else f"  over the {TARGET_SECONDS:g} s target"
        missed |= bool(flag)
        print(f"  {name:22} {small[name]:7.3f} s -> {big[name]:7.3f} s  ({ratio:5.2f}x){flag}")
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
