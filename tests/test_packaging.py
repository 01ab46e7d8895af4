"""An installed package works: the wheel `pip install .` builds carries the templates, scripts,
migrations and schema the programs read; its extras let an API host leave out Pelican and the
social SDKs; and installed into a fresh virtual environment outside the checkout, the API migrates
its database and renders its pages through the theme, with the site builder and cross-poster
blocked from being imported at all.

The fresh environment gets the project from the wheel only (`--no-deps`); its dependencies are
made importable, without a network, by a `.pth` line naming this interpreter's site-packages (a
bare path: the editable install's finder there is not run, so the checkout is not importable)."""

from __future__ import annotations

import ast
import email.parser
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from fixtures.site import ROOT

FIRST_PARTY = {"contract", "theme", "engagement", "feedback_api", "crosspost", "platforms"}
# Neither the site builder, nor the other programs, nor the social SDKs: an API host has none.
NOT_FOR_THE_API = (
    "pelican",
    "engagement",
    "crosspost",
    "mastodon",
    "atproto",
    "tweepy",
    "feedparser",
)
EXTRAS = {"site", "api", "crosspost", "test"}
# Each program's imports must be met by the base dependencies plus its own extra.
PROGRAMS = {
    "contract": None,
    "theme": None,
    "plugins/engagement": "site",
    "feedback_api": "api",
    "crosspost": "crosspost",
    "platforms": "crosspost",
}
PAGE = "/blog/packaging/"
MANIFEST = {
    "version": 1,
    "site": {
        "name": "Packaging Test ICB",
        "url": "https://engage.example.nhs.uk",
        "api": "/api",
        "navigation": [["News", "/blog/"]],
    },
    "pages": [
        {
            "url": PAGE,
            "title": "Installed from a wheel",
            "kind": "article",
            "comments": "open",
            "questionnaire": None,
            "opens": None,
            "closes": None,
            "report": None,
            "summary": "A page for the packaging test.",
            "published": "2026-11-02T09:00:00+00:00",
            "social": {"hashtags": [], "text": {}},
        }
    ],
    "questionnaires": {},
}

# A module the fresh environment imports at start-up (from a .pth line) when PACKAGING_TEST_BLOCK
# is set: importing any of the named top-level packages then fails as if it were not installed.
BLOCKER = """\
import importlib.abc
import os
import sys

BLOCKED = frozenset(os.environ["PACKAGING_TEST_BLOCK"].split(","))


class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
        return None


sys.meta_path.insert(0, Refuse())
"""

# Run by the fresh environment's Python, from a folder outside the checkout.
API_CHECK = """\
import json
import sys
from pathlib import Path

import contract
import feedback_api
import theme

venv, root = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
for module in (feedback_api, theme, contract):
    assert Path(module.__file__).resolve().is_relative_to(venv), module.__file__
for entry in sys.path:
    assert Path(entry or ".").resolve() not in (root, root / "plugins"), sys.path

app = feedback_api.create_app()
client = app.test_client()
sign_in = client.get("/admin/sign-in")
form_again = client.post("/api/comments", data={"page": sys.argv[3], "body": ""})
posted = client.post("/api/comments", data={"page": sys.argv[3], "body": "From a **wheel**"})
not_found = client.get("/admin/no-such-page", headers={"Accept": "text/html"})
health = client.get("/api/health")
openapi = client.get("/api/openapi.json")
print(json.dumps({
    "instance": app.instance_path,
    "sign_in": [sign_in.status_code, sign_in.get_data(as_text=True)],
    "form_again": [form_again.status_code, form_again.get_data(as_text=True)],
    "posted": [posted.status_code, posted.headers.get("Location", "")],
    "not_found": [not_found.status_code, not_found.get_data(as_text=True)],
    "health": [health.status_code, health.get_json()],
    "openapi": [openapi.status_code, sorted((openapi.get_json() or {}).get("paths", {}))],
    "loaded": sorted({name.partition(".")[0] for name in sys.modules}),
}))
"""


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, (
        f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without anything that would point at the checkout or set the
    API up differently."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ENGAGE_", "FLASK_", "PYTHON", "VIRTUAL_ENV"))
        and name != "DATABASE_URL"
    }
    return {**env, "COLUMNS": "200", **extra}


def project_files() -> list[str]:
    """What `pip install .` sees of the checkout: its files, less what git ignores."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "node_modules", "output", "instance", ".cache", "build", "bench"}
        return [
            path.relative_to(ROOT).as_posix()
            for path in ROOT.rglob("*")
            if path.is_file()
            and not skip & set(path.relative_to(ROOT).parts)
            and "__pycache__" not in path.parts
            and not any(part.endswith(".egg-info") for part in path.parts)
        ]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel .` builds, from a copy of the checkout (so nothing stale in the
    checkout's build/ gets in, and the build writes nothing into the checkout)."""
    if importlib.util.find_spec("setuptools") is None:
        pytest.fail("setuptools is not installed here; `pip install setuptools` builds the wheel")
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    for name in project_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    run(
        [*build, "-w", str(dist), str(source)],
        cwd=dist,
        env=clean_environment(),
    )
    (built,) = dist.glob("engage-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed and nothing from the checkout."""
    home = tmp_path_factory.mktemp("installed")
    venv = home / "venv"
    run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        cwd=home,
        env=clean_environment(),
    )
    python = venv / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
    run(
        [*install, "-q", str(wheel)],
        cwd=home,
        env=clean_environment(),
    )
    site_packages = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=home,
            env=clean_environment(),
        ).stdout.strip()
    )
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    assert not any(Path(path).resolve() == ROOT for path in ours)
    (site_packages / "zz_engage_dependencies.pth").write_text(
        "".join(f"{path}\n" for path in sorted(ours)), encoding="utf-8"
    )
    (site_packages / "_engage_block.py").write_text(BLOCKER, encoding="utf-8")
    (site_packages / "_engage_block.pth").write_text(
        'import os; os.environ.get("PACKAGING_TEST_BLOCK") and __import__("_engage_block")\n',
        encoding="utf-8",
    )
    return venv


@pytest.fixture
def api_env(tmp_path: Path) -> dict[str, str]:
    """Settings for an API host: its manifest and instance folder, no site to serve."""
    manifest = tmp_path / "engagement.json"
    manifest.write_text(json.dumps(MANIFEST), encoding="utf-8")
    return clean_environment(
        ENGAGE_MANIFEST=str(manifest),
        ENGAGE_INSTANCE_PATH=str(tmp_path / "instance"),
        ENGAGE_SITE_DIR="",
    )


def wheel_metadata(wheel: Path) -> tuple[list[str], list[Requirement]]:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(archive.read(name).decode())
    extras = metadata.get_all("Provides-Extra") or []
    return extras, [Requirement(line) for line in metadata.get_all("Requires-Dist") or []]


def needed_by(requirements: list[Requirement], extra: str | None) -> list[Requirement]:
    """The requirements that installing the base (extra None) or the extra brings in directly."""
    environment = {"extra": extra or ""}
    return [
        requirement
        for requirement in requirements
        if (requirement.marker is None) == (extra is None)
        and (requirement.marker is None or requirement.marker.evaluate(environment))
    ]


def names(requirements: list[Requirement]) -> set[str]:
    return {canonicalize_name(requirement.name) for requirement in requirements}


def locked_versions() -> dict[str, str]:
    lines = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    pins = [line.split("==") for line in lines if "==" in line and not line.startswith("#")]
    return {canonicalize_name(name): version.strip() for name, version in pins}


def installed_closure(requirements: list[Requirement]) -> set[str]:
    """Every distribution these requirements pull in, as installed in this environment."""
    found: set[str] = set()
    todo = [(requirement.name, set(requirement.extras)) for requirement in requirements]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        key = (canonicalize_name(name), frozenset(extras))
        if key in seen:
            continue
        seen.add(key)
        found.add(key[0])
        for line in importlib.metadata.distribution(name).requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or any(
                requirement.marker.evaluate({"extra": extra}) for extra in extras | {""}
            ):
                todo.append((requirement.name, set(requirement.extras)))
    return found


def third_party_imports(folder: Path) -> set[str]:
    modules: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.partition(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in FIRST_PARTY}


def test_the_wheel_carries_templates_scripts_migrations_and_the_schema(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        carried = set(archive.namelist())
    wanted = {"feedback_api/public/openapi.json", "contract/manifest.schema.json"}
    for folder in (
        "theme/templates",
        "theme/static",
        "theme/scss",
        "feedback_api/public/templates",
        "feedback_api/staff/templates",
    ):
        wanted |= {
            p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()
        }
    for program in ("feedback_api", "crosspost"):
        migrations = ROOT / program / "migrations"
        wanted |= {
            p.relative_to(ROOT).as_posix()
            for p in migrations.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
    assert {
        "theme/templates/base.html",
        "feedback_api/staff/templates/admin/sign_in.html",
        "feedback_api/public/templates/feedback/comment_form.html",
        "theme/templates/partials/comment_fields.html",
        "theme/static/js/comments.js",
        "theme/static/js/engage.js",
        "feedback_api/migrations/alembic.ini",
        "feedback_api/migrations/script.py.mako",
        "feedback_api/migrations/env.py",
        "crosspost/migrations/env.py",
    } <= wanted
    assert sorted(wanted - carried) == []
    assert any(name.startswith("feedback_api/migrations/versions/") for name in carried)
    assert any(name.startswith("crosspost/migrations/versions/") for name in carried)
    # Every top-level package, the plugin (from plugins/) among them.
    packages = {name.partition("/")[0] for name in carried if name.endswith("/__init__.py")}
    assert sorted(FIRST_PARTY - packages) == []
    assert not [name for name in carried if "__pycache__" in name or name.endswith(".pyc")]
    assert not [name for name in carried if name.startswith(("tests/", "content/", "bench/"))]
    # Every module of every package, sub-packages too: a folder whose __init__.py is missing
    # (or ignored by git, so a clean clone lacks it) would be left out of the wheel.
    sources = {
        path.relative_to(base).as_posix()
        for base, top in [
            (ROOT, "contract"),
            (ROOT, "theme"),
            (ROOT, "platforms"),
            (ROOT, "feedback_api"),
            (ROOT, "crosspost"),
            (ROOT / "plugins", "engagement"),
        ]
        for path in (base / top).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert sorted(sources - carried) == []


def test_each_program_has_an_extra_pinned_as_in_the_lock(wheel: Path) -> None:
    extras, requirements = wheel_metadata(wheel)
    assert set(extras) == EXTRAS
    assert names(needed_by(requirements, None)) == {"jinja2", "markupsafe", "nhsuk-frontend-jinja"}
    locked = locked_versions()
    for requirement in requirements:
        (pin,) = requirement.specifier
        assert pin.operator == "==", requirement
        assert locked.get(canonicalize_name(requirement.name)) == pin.version, requirement
    site, api, crosspost = (names(needed_by(requirements, x)) for x in ("site", "api", "crosspost"))
    assert {"pelican", "markdown", "pyyaml"} <= site
    assert {"flask", "markdown", "bleach", "feedgen", "gunicorn", "psycopg"} <= api
    assert {"feedparser", "mastodon-py", "atproto", "tweepy", "sqlalchemy", "alembic"} <= crosspost
    assert not {"pelican", "flask", "markdown"} & crosspost


def test_the_api_extra_needs_no_site_builder_or_social_sdks(wheel: Path) -> None:
    _, requirements = wheel_metadata(wheel)
    api = needed_by(requirements, "api")
    forbidden = {"pelican", "mastodon-py", "atproto", "tweepy", "feedparser", "invoke"}
    assert not names(api) & forbidden
    # Nor through what they depend on, as installed here.
    assert not installed_closure(api + needed_by(requirements, None)) & forbidden


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_each_programs_imports_are_met_by_its_extra(wheel: Path, program: str) -> None:
    _, requirements = wheel_metadata(wheel)
    extra = PROGRAMS[program]
    wanted = needed_by(requirements, None) + (needed_by(requirements, extra) if extra else [])
    available = installed_closure(wanted)
    providers = importlib.metadata.packages_distributions()
    missing = {
        module: providers.get(module)
        for module in third_party_imports(ROOT / program)
        if not {canonicalize_name(d) for d in providers.get(module, [])} & available
    }
    assert missing == {}, f"{program} imports these, not installed by [{extra}]: {missing}"


def test_the_installed_commands_work(venv: Path, api_env: dict[str, str], tmp_path: Path) -> None:
    bin_folder = venv / "bin"
    api = run([str(bin_folder / "engage-api"), "--help"], cwd=tmp_path, env=api_env)
    assert "Usage: engage-api" in api.stdout
    for command in ("db", "routes", "comments", "users"):
        assert f"  {command} " in api.stdout, api.stdout
    crosspost = run([str(bin_folder / "engage-crosspost"), "--help"], cwd=tmp_path, env=api_env)
    assert "--post" in crosspost.stdout
    module = run(
        [str(bin_folder / "python"), "-m", "crosspost", "--help"], cwd=tmp_path, env=api_env
    )
    assert "--post" in module.stdout


def test_an_installed_api_migrates_and_renders_its_pages_without_pelican(
    venv: Path, api_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**api_env, "PACKAGING_TEST_BLOCK": ",".join(NOT_FOR_THE_API)}
    refused = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import pelican"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 1 and "blocked" in refused.stderr  # the block itself works
    run([str(venv / "bin" / "engage-api"), "db", "upgrade"], cwd=tmp_path, env=env)
    script = tmp_path / "api_check.py"
    script.write_text(API_CHECK, encoding="utf-8")
    done = run(
        [str(venv / "bin" / "python"), str(script), str(venv), str(ROOT), PAGE],
        cwd=tmp_path,
        env=env,
    )
    seen = json.loads(done.stdout.splitlines()[-1])

    assert Path(seen["instance"]) == tmp_path / "instance"
    assert (tmp_path / "instance" / "engage.db").is_file()
    status, html = seen["sign_in"]
    assert status == 200
    assert 'class="nhsuk-header' in html and "Packaging Test ICB" in html
    assert "Sign in" in html
    status, html = seen["form_again"]  # the no-JavaScript form, again with the error summary
    assert status == 400
    assert "nhsuk-error-summary" in html and "Installed from a wheel" in html
    assert seen["posted"][0] == 303 and "/api/comments/received" in seen["posted"][1]
    status, html = seen["not_found"]
    assert status == 404 and 'class="nhsuk-header' in html
    assert seen["health"][0] == 200
    assert seen["openapi"][0] == 200 and "/api/comments" in seen["openapi"][1]
    assert not set(NOT_FOR_THE_API) & set(seen["loaded"])


def test_an_installed_api_keeps_its_instance_in_the_current_folder(
    venv: Path, api_env: dict[str, str], tmp_path: Path
) -> None:
    env = {name: value for name, value in api_env.items() if name != "ENGAGE_INSTANCE_PATH"}
    work = tmp_path / "work"
    work.mkdir()
    check = textwrap.dedent(
        """
        import feedback_api
        print(feedback_api.create_app().instance_path)
        """
    )
    done = run([str(venv / "bin" / "python"), "-c", check], cwd=work, env=env)
    assert Path(done.stdout.strip()) == work / "instance"
    assert (work / "instance" / "secret_key").is_file()
    assert not list(venv.rglob("instance"))
