"""Tasks for building, serving, publishing, testing and benchmarking the site (`invoke --list`).

The Pelican-quickstart set (clean, build, rebuild, regenerate, serve, preview, publish) plus
crosspost, listen, test and bench. Pelican runs in-process through its own `main`, exactly as the
`pelican` command.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

from invoke import Context, task
from invoke.exceptions import Exit

ROOT = Path(__file__).resolve().parent
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0")  # where `make run` builds for
CONFIG = {
    "content": "content",
    "output": os.environ.get("ENGAGE_OUTPUT", "output"),
    "settings_dev": "pelicanconf.py",
    "settings_publish": "publishconf.py",
}


def pelican(arguments: str) -> None:
    """Run Pelican as its command line does; a failed build ends the task with its exit status."""
    from pelican import main

    try:
        main(shlex.split(arguments))
    except SystemExit as stop:
        if stop.code:
            raise Exit(code=stop.code if isinstance(stop.code, int) else 1) from None


@task
def clean(c: Context) -> None:
    """Remove the built site and the build caches."""
    for folder in (CONFIG["output"], ".cache"):
        shutil.rmtree(ROOT / folder, ignore_errors=True)


def comments_export() -> str:
    """Export approved comments for the build to bake into pages, when there is a database.

    Returns the `-e` argument for Pelican, or "" on a fresh machine (no site or comments yet).
    """
    output = ROOT / CONFIG["output"]
    has_database = os.environ.get("DATABASE_URL") or (ROOT / "instance" / "engage.db").exists()
    if not has_database or not (output / "engagement.json").exists():
        return ""
    from feedback_api import create_app

    api_environment()
    target = ROOT / ".cache" / "comments.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    result = create_app().test_cli_runner().invoke(args=["comments", "export-site", str(target)])
    if result.exit_code != 0:
        raise Exit(f"Exporting approved comments failed: {result.output}", code=1)
    return f"-e ENGAGE_COMMENTS_EXPORT='{json.dumps(str(target))}'"


@task
def build(c: Context) -> None:
    """Build the site with the development settings into output/, with approved comments."""
    pelican(
        f"{CONFIG['content']} -s {CONFIG['settings_dev']} -o {CONFIG['output']} {comments_export()}"
    )


@task(pre=[clean], post=[build])
def rebuild(c: Context) -> None:
    """Clean, then build from scratch."""


@task
def regenerate(c: Context) -> None:
    """Rebuild whenever content, theme or settings change (Ctrl+C to stop)."""
    pelican(f"-r {CONFIG['content']} -s {CONFIG['settings_dev']} -o {CONFIG['output']}")


def api_environment() -> None:
    """The API reads the site this project builds, wherever ENGAGE_OUTPUT puts it."""
    output = ROOT / CONFIG["output"]
    os.environ.setdefault("ENGAGE_SITE_DIR", str(output))
    os.environ.setdefault("ENGAGE_MANIFEST", str(output / "engagement.json"))


@task
def migrate(c: Context) -> None:
    """Create or upgrade the feedback database (as `flask --app feedback_api db upgrade`)."""
    from flask_migrate import upgrade

    from feedback_api import create_app

    api_environment()
    with create_app().app_context():
        upgrade()


def built_for_elsewhere(output: Path, port: int) -> str | None:
    """A warning when the built pages name another local port than the one about to be served:
    their canonical links and feeds would point there. None when they agree, when the site was
    built for a real host (a production preview), or when nothing is built yet."""
    try:
        manifest = json.loads((output / "engagement.json").read_text(encoding="utf-8"))
        built = urlsplit(manifest["site"]["url"])
        built_port = built.port or (443 if built.scheme == "https" else 80)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if built.hostname not in LOCAL_HOSTS or built_port == port:
        return None
    return (
        f"The site in {output} was built for {built.geturl()}, so its canonical links and feeds "
        f"name port {built_port}, not {port}. Build it for this port with "
        f"`make run PORT={port}` or `ENGAGE_SITE_URL=http://127.0.0.1:{port} invoke build`."
    )


@task(
    pre=[migrate],
    help={
        "host": "address to listen on",
        "port": "port to listen on",
        "worker": "also run the worker (publishing, cross-posting, notices) in this process",
    },
)
def serve(c: Context, host: str = "127.0.0.1", port: int = 8000, worker: bool = True) -> None:
    """Serve the built site at / and the feedback API at /api on http://HOST:PORT, with the
    worker: the workspace publishes to output/ with the development settings, and approved
    comments reach the pages readers without JavaScript see."""
    from werkzeug.serving import run_simple

    from feedback_api import create_app
    from feedback_api.outbox.worker import in_background

    api_environment()
    os.environ.setdefault("ENGAGE_BUILD_SETTINGS", CONFIG["settings_dev"])
    os.environ.setdefault("ENGAGE_REBUILD_PAGES", "1")
    if warning := built_for_elsewhere(ROOT / CONFIG["output"], port):
        print(warning, file=sys.stderr)
    app = create_app()
    if worker:
        in_background(app)
    run_simple(host, port, app, threaded=True, use_reloader=False)


def production_content() -> str:
    """What production builds read: the content as last published from the workspace when
    ENGAGE_PUBLISHED_CONTENT names it (the deploy kit does: the daily rebuild then refreshes
    consultations and comments without publishing edits nobody has checked), else content/."""
    published = os.environ.get("ENGAGE_PUBLISHED_CONTENT", "")
    if published and Path(published).is_dir():
        return shlex.quote(published)
    return CONFIG["content"]


@task
def preview(c: Context) -> None:
    """Build with the production settings (publishconf.py), to check before publishing."""
    pelican(
        f"{production_content()} -s {CONFIG['settings_publish']} -o {CONFIG['output']} "
        f"{comments_export()}"
    )


@task(
    help={
        "dry_run": "show what rsync would change, change nothing",
        "crosspost": "then post new entries to the social accounts (with --dry-run: a preview)",
    }
)
def publish(c: Context, dry_run: bool = False, crosspost: bool = False) -> None:
    """Build with the production settings and copy the site to ENGAGE_PUBLISH_TARGET with rsync,
    then e-mail commitment updates; with --crosspost, then post what is new from the feed."""
    from pelican.settings import read_settings

    target = read_settings(str(ROOT / CONFIG["settings_publish"])).get("ENGAGE_PUBLISH_TARGET")
    if not target:
        raise Exit(
            "Nowhere to publish: set ENGAGE_PUBLISH_TARGET (e.g. deploy@web1:/var/www/engage/) "
            "in the environment or in publishconf.py.",
            code=2,
        )
    if shutil.which("rsync") is None:
        raise Exit("invoke publish needs rsync: install it (apt-get install rsync).", code=2)
    preview(c)
    flags = "--dry-run --itemize-changes" if dry_run else ""
    c.run(
        # New files arrive first and old ones go last, so a page never links a missing file.
        f"rsync --archive --compress --delay-updates --delete-after --checksum {flags} "
        f"{shlex.quote(CONFIG['output'])}/ {shlex.quote(target)}",
        pty=False,
    )
    if not dry_run:
        notify_commitments()
    if crosspost:
        output = Path(CONFIG["output"])
        paths = [
            f"--feed={output / 'feeds' / 'all.atom.xml'}",
            f"--manifest={output / 'engagement.json'}",
        ]
        run_crosspost(paths if dry_run else [*paths, "--post"])


def notify_commitments() -> None:
    """After publishing: e-mail people who asked to hear back about each "You said, we did"
    change just published (as `flask --app feedback_api notify commitments`), when there is a
    database. The site is published whatever happens here: a failure is told, and the next
    publish (or the command) announces the changes then."""
    if not (os.environ.get("DATABASE_URL") or (ROOT / "instance" / "engage.db").exists()):
        return
    from feedback_api import create_app

    api_environment()
    result = create_app().test_cli_runner().invoke(args=["notify", "commitments"])
    if result.exit_code == 0:
        print(result.output, end="")
        return
    said = result.output.strip().splitlines()
    reason = said[-1] if said else ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        reason = str(result.exception).splitlines()[0]
    print(
        f"The site is published, but commitment e-mails were not queued ({reason.rstrip('.')}). "
        "Run `flask --app feedback_api notify commitments` once that is fixed (after an "
        "upgrade: `invoke migrate` first).",
        file=sys.stderr,
    )


@task(
    help={
        "post": "publish (default: preview only, nothing posted)",
        "platform": "only this platform: mastodon, bluesky, x, facebook or linkedin",
        "entry": "only the entry with this address",
        "feed": "Atom feed, a path or an address (default: the built output/feeds/all.atom.xml)",
        "manifest": "the site's engagement.json (default: the built one)",
        "json": "print the preview as JSON",
        "retry_failed": "try failed posts again, after fixing the cause",
        "backfill": "first run: also post the newest N entries",
        "max_per_run": "new entries per run (default 5)",
    },
    iterable=["platform"],
)
def crosspost(
    c: Context,
    post: bool = False,
    platform: list[str] | None = None,
    entry: str = "",
    feed: str = "",
    manifest: str = "",
    json: bool = False,
    retry_failed: bool = False,
    backfill: int = 0,
    max_per_run: int = 5,
) -> None:
    """Cross-post new entries to the social accounts (README: "Cross-posting"); preview first."""
    argv = [f"--backfill={backfill}", f"--max-per-run={max_per_run}"]
    argv += ["--post"] if post else []
    argv += ["--json"] if json else []
    argv += ["--retry-failed"] if retry_failed else []
    argv += [f"--platform={name}" for name in platform or []]
    argv += [
        f"--{name}={value}"
        for name, value in (("entry", entry), ("feed", feed), ("manifest", manifest))
        if value
    ]
    run_crosspost(argv)


def run_crosspost(argv: list[str]) -> None:
    """The cross-poster's command line, in this process; its exit status ends the task."""
    from crosspost.cli import main

    status = main(argv)
    if status:
        raise Exit(code=status)


@task(
    help={
        "platform": "only this platform: mastodon, bluesky, x, facebook or linkedin",
        "json": "print what was done as JSON",
    },
    iterable=["platform"],
)
def listen(c: Context, platform: list[str] | None = None, json: bool = False) -> None:
    """Bring replies, mentions and quotes on the social accounts into the moderation inbox, once
    (as `flask --app feedback_api listen`, which the deploy kit's timer runs every 5 minutes)."""
    import click

    from feedback_api import create_app
    from feedback_api.listening.cli import listen_command
    from feedback_api.manifest import ManifestError

    api_environment()
    argv = [f"--platform={name}" for name in platform or []]
    argv += ["--json"] if json else []
    try:
        app = create_app()
    except ManifestError as error:
        raise Exit(f"{error}", code=1) from None
    with app.app_context():
        try:
            listen_command.main(argv, "flask --app feedback_api listen", standalone_mode=False)
        except click.ClickException as error:
            error.show()
            raise Exit(code=error.exit_code) from None
        except SystemExit as stop:
            if stop.code:
                raise Exit(code=stop.code if isinstance(stop.code, int) else 1) from None


LOCALE = ROOT / "theme" / "locale"
EXTRACT = (
    "--mapping-file=babel.cfg --add-location=file --sort-output --no-wrap "
    "--add-comments=Translators: --project=Engage --copyright-holder='the Engage authors' "
    # A message with a count for a script's Intl.PluralRules (theme/i18n.py plural_texts).
    "--keywords=plural_texts:1,2"
)


@task(
    help={
        "add": "start a catalogue for a new language, e.g. --add=pa (Punjabi)",
    }
)
def translations(c: Context, add: str = "") -> None:
    """Extract the reader's strings to theme/locale/messages.pot and merge them into every
    language's messages.po (new strings come in untranslated, for the translator)."""
    pybabel = f"{sys.executable} -m babel.messages.frontend"
    c.run(f"{pybabel} extract {EXTRACT} --output-file={LOCALE / 'messages.pot'} .")
    if add:
        c.run(
            f"{pybabel} init --input-file={LOCALE / 'messages.pot'} --output-dir={LOCALE} "
            f"--locale={shlex.quote(add)} --no-wrap"
        )
    c.run(
        f"{pybabel} update --input-file={LOCALE / 'messages.pot'} --output-dir={LOCALE} "
        "--no-wrap --ignore-obsolete --previous"
    )


@task(help={"args": "extra arguments for pytest, e.g. '-k manifest -x'"})
def test(c: Context, args: str = "") -> None:
    """Check style with ruff, then run the whole test suite."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")
    c.run(f"{sys.executable} -m pytest {args}", pty=False)


@task(
    help={
        "only": "site, languages, api, crosspost, listen, reports or spike (default: all)",
        "posts": "site build: posts in the synthetic corpus",
        "runs": "site build: runs per measurement",
        "duration": "API: seconds of load per measure",
        "spike_duration": "spike: seconds of ten times normal load, a host killed half-way",
    }
)
def bench(
    c: Context,
    only: str = "",
    posts: int = 1000,
    runs: int = 3,
    duration: int = 10,
    spike_duration: int = 60,
) -> None:
    """Benchmarks: build against vanilla Pelican, API against Isso, cross-poster's feed diff,
    a listening poll over 1,000 posts and 10,000 replies, the report pages over 50,000
    responses and 20,000 comments, a load spike through nginx with an
    API host killed."""
    if only not in ("", "site", "languages", "api", "crosspost", "listen", "reports", "spike"):
        raise Exit(
            "--only takes site, languages, api, crosspost, listen, reports or spike.", code=2
        )
    if only in ("", "site"):
        c.run(f"{sys.executable} bench/site_build.py --posts {posts} --runs {runs}", pty=False)
    if only in ("", "languages"):
        c.run(f"{sys.executable} bench/languages_build.py --posts {posts} --runs {runs}", pty=False)
    if only in ("", "api"):
        c.run(f"{sys.executable} bench/api.py --duration {duration}", pty=False)
    if only in ("", "crosspost"):
        c.run(f"{sys.executable} bench/crosspost_diff.py --entries 1000", pty=False)
    if only in ("", "listen"):
        c.run(f"{sys.executable} bench/listen.py --posts 1000 --replies 10000", pty=False)
    if only in ("", "reports"):
        c.run(f"{sys.executable} bench/reports.py --responses 50000 --comments 20000", pty=False)
    if only in ("", "spike"):
        c.run(f"{sys.executable} bench/spike.py --duration {spike_duration}", pty=False)
