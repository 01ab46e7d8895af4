"""deploy/engage.env.example, the one settings file of a host: every name in it is read by
something (the API refuses names it does not know, unless they are gunicorn's, the build's or the
cross-poster's), every value parses, and as shipped the API will not start on it: the secret
must be made first. The units' tests run every command with it (test_deploy_systemd.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback_api import config
from fixtures.units import ENV_EXAMPLE, read_env_file

EXAMPLE = read_env_file(ENV_EXAMPLE)


def test_every_setting_in_it_is_known_and_parses(tmp_path: Path) -> None:
    values = config.load(tmp_path, {**EXAMPLE, "ENGAGE_SECRET_KEY": "x" * 48}, {})
    assert values["ENGAGE_ENVIRONMENT"] == "production"
    assert values["ENGAGE_TRUSTED_PROXIES"] == 1  # nginx, and nothing in front of it
    assert values["ENGAGE_SITE_DIR"] == ""  # nginx serves the site
    assert values["ENGAGE_RATELIMIT_STORAGE"].startswith("redis://")
    assert values["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_as_shipped_the_api_refuses_to_start_until_a_secret_is_made(tmp_path: Path) -> None:
    with pytest.raises(config.SettingsError, match="ENGAGE_SECRET_KEY is empty"):
        config.load(tmp_path, EXAMPLE, {})


def test_systemd_and_compose_read_it_alike() -> None:
    """No quotes, `export` or variables: what systemd's EnvironmentFile and compose's env_file
    would read differently."""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            assert key == key.strip() and value == value.strip(), line
            assert not set(value) & set("\"'$`\\"), line
    assert set(EXAMPLE) >= {"ENGAGE_BIND", "ENGAGE_WORKERS", "ENGAGE_REBUILD_COMMAND"}
