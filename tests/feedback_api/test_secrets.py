"""Secrets in production: served through feedback_api.wsgi (what gunicorn runs) an empty or short
ENGAGE_SECRET_KEY stops start-up with a sentence saying how to make one, rather than each host
quietly making its own; any setting may be given as a file, NAME_FILE, as container platforms do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from feedback_api import config, create_app
from feedback_api.config import SettingsError
from fixtures.api import api_config
from fixtures.servers import free_port
from fixtures.site import ROOT

GOOD_KEY = "k" * 32
HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def clean_environment(settings: dict) -> dict[str, str]:
    """The test process's environment without any ENGAGE_ setting of its own, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENGAGE_", "DATABASE_URL"))}
    return {**env, **{k: str(v) for k, v in settings.items() if v is not None}}


def import_wsgi(settings: dict) -> subprocess.CompletedProcess[str]:
    """Import feedback_api.wsgi in a fresh interpreter, as a gunicorn worker does."""
    return subprocess.run(
        [sys.executable, "-c", "import feedback_api.wsgi as w; print(w.app.config['SECRET_KEY'])"],
        cwd=ROOT,
        env=clean_environment(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gunicorn_without_a_secret_refuses_to_start_and_says_how_to_make_one(
    tmp_path: Path, built_site: Path
) -> None:
    settings = api_config(tmp_path, built_site, "sqlite", ENGAGE_SECRET_KEY=None)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{free_port()}"),
            *("--no-control-socket", "feedback_api.wsgi:app"),
        ],
        cwd=ROOT,
        env=clean_environment(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ENGAGE_SECRET_KEY is empty" in result.stderr
    assert HOW_TO_MAKE_ONE in result.stderr
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize(
    ("key", "problem"),
    [("", "is empty"), ("short", "has 5 characters, fewer than 32"), ("k" * 31, "has 31")],
)
def test_wsgi_refuses_an_empty_or_short_key(
    tmp_path: Path, built_site: Path, key: str, problem: str
) -> None:
    result = import_wsgi(api_config(tmp_path, built_site, "sqlite", ENGAGE_SECRET_KEY=key))
    assert result.returncode != 0
    assert f"SettingsError: ENGAGE_SECRET_KEY {problem}" in result.stderr
    assert HOW_TO_MAKE_ONE in result.stderr


def test_wsgi_accepts_a_key_of_32_characters(tmp_path: Path, built_site: Path) -> None:
    result = import_wsgi(api_config(tmp_path, built_site, "sqlite", ENGAGE_SECRET_KEY=GOOD_KEY))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == GOOD_KEY


def test_development_on_wsgi_keeps_the_instance_secret(tmp_path: Path, built_site: Path) -> None:
    settings = api_config(
        tmp_path, built_site, "sqlite", ENGAGE_SECRET_KEY=None, ENGAGE_ENVIRONMENT="development"
    )
    result = import_wsgi(settings)
    assert result.returncode == 0, result.stderr
    kept = (tmp_path / "instance" / "secret_key").read_text(encoding="utf-8")
    assert result.stdout.strip() == kept and len(kept) >= 32


def test_the_checkouts_own_ways_of_running_are_development(tmp_path: Path) -> None:
    """create_app() from `invoke serve`, `flask --app feedback_api` and the tests."""
    values = config.load(tmp_path, {}, {})
    assert values["ENGAGE_ENVIRONMENT"] == "development"
    assert values["SECRET_KEY"] == (tmp_path / "secret_key").read_text(encoding="utf-8")


def test_production_set_explicitly_is_checked_too(tmp_path: Path, built_site: Path) -> None:
    """ENGAGE_ENVIRONMENT=production makes `flask --app feedback_api` commands check the key."""
    with pytest.raises(SettingsError, match="has 11 characters"):
        config.load(tmp_path, {"ENGAGE_ENVIRONMENT": "production"}, {"ENGAGE_SECRET_KEY": "x" * 11})
    settings = api_config(
        tmp_path, built_site, "sqlite", ENGAGE_ENVIRONMENT="production", ENGAGE_SECRET_KEY=GOOD_KEY
    )
    assert create_app(settings).config["SECRET_KEY"] == GOOD_KEY
    with pytest.raises(SettingsError, match="ENGAGE_ENVIRONMENT='staging' is not valid"):
        config.load(tmp_path, {"ENGAGE_ENVIRONMENT": "staging"}, {})


def test_secrets_can_be_read_from_files(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key.txt"
    key_file.write_text(GOOD_KEY + "\n", encoding="utf-8")
    url_file = tmp_path / "database_url"
    url_file.write_text("postgres://u:p@db/engage\n", encoding="utf-8")
    environ = {
        "ENGAGE_ENVIRONMENT": "production",
        "ENGAGE_SECRET_KEY_FILE": str(key_file),
        "DATABASE_URL_FILE": str(url_file),
    }
    values = config.load(tmp_path / "instance", environ, {})
    assert values["SECRET_KEY"] == GOOD_KEY
    assert values["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/engage"


def test_a_file_setting_is_parsed_like_the_variable(tmp_path: Path) -> None:
    (tmp_path / "minutes").write_text("20\n", encoding="utf-8")
    environ = {"ENGAGE_EDIT_MINUTES_FILE": str(tmp_path / "minutes")}
    assert config.load(tmp_path, environ, {})["ENGAGE_EDIT_MINUTES"] == 20


def test_a_variable_and_its_file_together_are_refused(tmp_path: Path) -> None:
    (tmp_path / "key").write_text(GOOD_KEY, encoding="utf-8")
    environ = {"ENGAGE_SECRET_KEY": GOOD_KEY, "ENGAGE_SECRET_KEY_FILE": str(tmp_path / "key")}
    with pytest.raises(SettingsError, match="SECRET_KEY and ENGAGE_SECRET_KEY_FILE are both set"):
        config.load(tmp_path, environ, {})


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-secret"
    with pytest.raises(SettingsError) as error:
        config.load(tmp_path, {"ENGAGE_SECRET_KEY_FILE": str(missing)}, {})
    assert str(error.value.message).startswith(f"ENGAGE_SECRET_KEY_FILE={missing} cannot be read")


def test_a_file_for_an_unknown_setting_is_still_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="ENGAGE_SECRET_KY_FILE is not a feedback API setting"):
        config.load(tmp_path, {"ENGAGE_SECRET_KY_FILE": "/run/secrets/key"}, {})
