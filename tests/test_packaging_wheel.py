"""What the wheel carries, and the extras each program needs, pinned as the lock pins them."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import zipfile
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from fixtures.packaging import (
    EXTRAS,
    FIRST_PARTY,
    PROGRAMS,
    installed_closure,
    locked_versions,
    names,
    needed_by,
    third_party_imports,
    wheel_metadata,
)
from fixtures.site import ROOT


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
    assert names(needed_by(requirements, None)) == {
        "babel",
        "jinja2",
        "markupsafe",
        "nhsuk-frontend-jinja",
    }
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
