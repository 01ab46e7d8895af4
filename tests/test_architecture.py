"""The layer rule, checked: the three programs stand on the shared layers and never import each
other. The contracts are import-linter's, declared in pyproject.toml; here they are run on the
code, and on a copy of the code with one import across a layer, which must fail by name."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = {
    "contract": ROOT / "contract",
    "theme": ROOT / "theme",
    "platforms": ROOT / "platforms",
    "feedback_api": ROOT / "feedback_api",
    "crosspost": ROOT / "crosspost",
    "plugins/engagement": ROOT / "plugins" / "engagement",
}


def ini_config(config: dict) -> str:
    """The pyproject.toml contracts as an INI file, for a run over another copy of the code."""
    lines = ["[importlinter]"]
    lines += ["root_packages =", *(f"    {name}" for name in config["root_packages"])]
    lines.append(f"include_external_packages = {config['include_external_packages']}")
    for number, contract in enumerate(config["contracts"], 1):
        lines.append(f"[importlinter:contract:{number}]")
        for key, value in contract.items():
            if isinstance(value, list):
                lines += [f"{key} =", *(f"    {item}" for item in value)]
            else:
                lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    (tree / ".importlinter").write_text(ini_config(CONFIG), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{tree / 'plugins'}"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", ".importlinter", "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def code_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packages copied as they are (sources only) into a tree of their own."""
    tree = tmp_path_factory.mktemp("layers")
    for name, source in PACKAGES.items():
        shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def test_the_code_keeps_every_layer_contract() -> None:
    run = subprocess.run([str(LINT_IMPORTS)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    for contract in CONFIG["contracts"]:
        assert f"{contract['name']} KEPT" in run.stdout


def test_the_copy_keeps_them_too(code_copy: Path) -> None:
    """The copy is the code (so the next test's failure is the one import it adds)."""
    run = lint(code_copy)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("module", "crossing", "contract"),
    [
        (
            "crosspost/feed.py",
            "from feedback_api import manifest",
            "The three programs never import each other",
        ),
        (
            "feedback_api/public/answers.py",
            "from engagement import wordings",
            "The three programs never import each other",
        ),
        (
            "contract/manifest.py",
            "import feedback_api",
            "Programs stand on the shared layers, never the other way",
        ),
        (
            "contract/social.py",
            "import jinja2",
            "The contract needs nothing but the standard library",
        ),
        (
            "crosspost/cli.py",
            "import flask",
            "The cross-poster runs without the site builder or the web framework",
        ),
        (
            "plugins/engagement/output/social.py",
            "import sqlalchemy",
            "The plugin never talks to the database or the web framework",
        ),
        (
            "platforms/base.py",
            "import crosspost",
            "Programs stand on the shared layers, never the other way",
        ),
        (
            "platforms/settings.py",
            "from feedback_api import config",
            "Programs stand on the shared layers, never the other way",
        ),
        (
            "platforms/answers.py",
            "import flask",
            "Platform clients need neither the site builder nor the web framework",
        ),
        (
            "platforms/values.py",
            "import sqlalchemy",
            "Platform clients need neither the site builder nor the web framework",
        ),
    ],
)
def test_an_import_across_a_layer_fails_with_the_contracts_name(
    code_copy: Path, tmp_path: Path, module: str, crossing: str, contract: str
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(code_copy, tree)
    target = tree / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{crossing}  # noqa\n")
    run = lint(tree)
    assert run.returncode != 0, run.stdout
    assert f"{contract} BROKEN" in run.stdout, run.stdout


def imported_by(statement: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after `statement`."""
    listing = "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    code = f"import sys\n{statement}\n{listing}"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())


def test_the_cross_posters_command_loads_neither_pelican_nor_flask_nor_markdown() -> None:
    loaded = imported_by("import crosspost.cli")
    assert "contract" in loaded
    assert not loaded & {"pelican", "flask", "markdown", "jinja2", "feedback_api", "engagement"}


SOCIAL_SDKS = {"mastodon", "atproto", "atproto_client", "atproto_core", "tweepy", "requests"}


def test_the_cross_posters_command_loads_no_platform_sdk() -> None:
    """Each platform's client (and its SDK) is loaded by name when a run needs it, not by
    importing the command: `--help` and a failed feed read stay quick."""
    loaded = imported_by("import crosspost.cli")
    assert "platforms" in loaded
    assert not loaded & SOCIAL_SDKS
    assert not loaded & {"pydantic", "httpx"}, "atproto's models come in with its client only"


def test_the_platform_clients_load_by_name_with_only_their_own_sdk() -> None:
    assert imported_by("import platforms") - set(sys.stdlib_module_names) <= {
        "contract",
        "platforms",
        "__main__",
        "_distutils_hack",  # setuptools' own .pth, in any virtualenv
        "__editable___engage_0_1_0_finder",  # an editable install's
    }
    loaded = imported_by("import platforms; platforms.load('mastodon')")
    assert "mastodon" in loaded
    assert not loaded & {"atproto", "tweepy", "crosspost", "feedback_api", "engagement"}


def test_the_api_loads_neither_pelican_nor_the_plugin_nor_the_cross_poster() -> None:
    loaded = imported_by("import feedback_api")
    assert {"contract", "theme", "flask"} <= loaded
    assert not loaded & {"pelican", "engagement", "crosspost"}


def test_the_plugin_loads_no_database_or_web_framework() -> None:
    loaded = imported_by("import engagement")
    assert {"contract", "theme", "pelican"} <= loaded
    assert not loaded & {"flask", "sqlalchemy", "feedback_api", "crosspost"}


def test_test_folders_follow_the_packages_and_share_fixtures_through_pytest_plugins() -> None:
    """A test folder is named after the package it tests (or tests/deploy/ after the deploy
    kit, deploy/, files that are not Python); fixtures and helpers are in tests/fixtures/,
    loaded by pytest_plugins, never imported from conftest."""
    tests = ROOT / "tests"
    packages = {name.split("/")[-1]: path for name, path in PACKAGES.items()}
    for folder in sorted(path for path in tests.rglob("*") if path.is_dir()):
        relative = folder.relative_to(tests)
        if relative.parts[0] in ("fixtures", "data") or "__pycache__" in relative.parts:
            continue
        if relative.parts == ("deploy",):
            assert (ROOT / "deploy").is_dir() and not (ROOT / "deploy" / "__init__.py").exists()
            continue
        package = packages[relative.parts[0]].joinpath(*relative.parts[1:])
        assert (package / "__init__.py").is_file(), f"tests/{relative} names no package"
    importing = re.compile(r"^\s*(from conftest import|import conftest)", re.MULTILINE)
    for module in tests.rglob("*.py"):
        assert not importing.search(module.read_text(encoding="utf-8")), module
