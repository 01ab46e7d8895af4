"""The cross-poster's command line, on click like the project's other commands: the same options,
help texts and exit statuses as ever (0, 1 when a post failed, 2 for a usage error), whether run
as `python -m crosspost`, `invoke crosspost` or through crosspost.cli.main."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crosspost.cli import PROG, command, main
from fixtures.site import ROOT

HELP = {
    "--post": "publish (default: preview only)",
    "--platform": "only this platform",
    "--entry URL": "only the entry with this address",
    "--feed PATH|URL": "Atom feed: a path or an address",
    "--manifest PATH": "the site's engagement.json",
    "--json": "print the preview as JSON",
    "--report": "print the preview as one JSON object, with the run's notes",
    "--history": "list the ledger's posts, newest first (--json: as JSON)",
    "--retry-failed": "try failed posts again (after fixing what the summary said was wrong)",
    "--backfill N": "first run: also post the newest N",
    "--max-per-run N": "new entries per run (default 5)",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv), {"ENGAGE_INSTANCE_PATH": "/nonexistent"})
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_names_every_option_with_its_help(capsys, flag: str) -> None:
    status, out, _ = run(capsys, flag)
    assert status == 0
    assert out.startswith(f"Usage: {PROG} [OPTIONS]")
    assert "Without --post, shows what would be posted." in out
    flat = " ".join(out.split())
    for option, text in HELP.items():
        assert option in flat and text in flat, option
    assert "[mastodon|bluesky|x|facebook|linkedin]" in flat, "the platforms by their own names"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--platform", "myspace"], "'myspace' is not one of 'mastodon', 'bluesky'"),
        (["--platform", "MASTODON"], "is not one of"),
        (["--backfill", "many"], "'many' is not a valid integer"),
        (["--max-per-run"], "requires an argument"),
        (["--bogus"], "No such option"),
        (["feed.xml"], "Got unexpected extra argument"),
    ],
)
def test_a_usage_error_exits_2_with_the_usage(capsys, argv: list[str], said: str) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.startswith(f"Usage: {PROG} [OPTIONS]") and said in err, err


def test_a_missing_feed_exits_2(capsys, tmp_path: Path) -> None:
    status, _, err = run(capsys, "--feed", str(tmp_path / "none.xml"))
    assert status == 2 and err.startswith("crosspost: cannot read")


def test_python_m_crosspost_answers_help_without_loading_any_platform() -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['crosspost', '--help']\n"
        "try:\n"
        "    runpy.run_module('crosspost', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    loaded = {m.split('.')[0] for m in sys.modules}\n"
        "    print('EXIT', done.code, sorted(loaded & {'mastodon', 'atproto', 'tweepy'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "--retry-failed" in done.stdout
    assert done.stdout.rstrip().endswith("EXIT 0 []")


def test_the_readme_lists_every_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for param in command.params:
        for option in param.opts:
            assert f"| `{option}" in readme, f"{option} is not in README's table of options"
