"""API settings are declared once; mistakes stop start-up with a sentence saying what to fix."""

from __future__ import annotations

import pytest

from feedback_api import config, create_app
from feedback_api.config import SettingsError
from fixtures.api import api_config


def test_a_mistyped_environment_variable_is_named(monkeypatch, tmp_path, built_site) -> None:
    monkeypatch.setenv("ENGAGE_RATELIMIT_COMENTS", "5/minute")
    with pytest.raises(SettingsError, match="Did you mean ENGAGE_RATELIMIT_COMMENTS"):
        create_app(api_config(tmp_path, built_site, "sqlite"))


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ENGAGE_RATELIMIT_COMMENTS", "lots", "ENGAGE_RATELIMIT_COMMENTS='lots' is not valid"),
        ("ENGAGE_MAX_REQUEST_BYTES", "big", "ENGAGE_MAX_REQUEST_BYTES='big' is not valid"),
        ("ENGAGE_TRUSTED_PROXIES", "-1", "ENGAGE_TRUSTED_PROXIES='-1' is not valid"),
    ],
)
def test_bad_values_are_refused(tmp_path, name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError, match=expected):
        config.load(tmp_path, {name: value}, {})


def test_environment_wins_over_the_instance_file(tmp_path) -> None:
    (tmp_path / "engage.cfg").write_text("ENGAGE_EDIT_MINUTES = 30\nENGAGE_MAX_LINKS = 5\n")
    values = config.load(tmp_path, {"ENGAGE_EDIT_MINUTES": "20"}, {})
    assert values["ENGAGE_EDIT_MINUTES"] == 20 and values["ENGAGE_MAX_LINKS"] == 5
    assert values["ENGAGE_SCREEN_WORDS"] == ()


def test_the_cross_posters_settings_are_left_to_it(tmp_path) -> None:
    """Both run from one environment: the API ignores the cross-poster's variables."""
    shared = {"ENGAGE_MASTODON_TOKEN": "t", "ENGAGE_X_API_KEY": "k", "ENGAGE_CROSSPOST_FEED": "f"}
    assert config.load(tmp_path, shared, {})["ENGAGE_EDIT_MINUTES"] == 15
    with pytest.raises(config.SettingsError, match="ENGAGE_MASTODN_TOKEN is not a feedback"):
        config.load(tmp_path, {"ENGAGE_MASTODN_TOKEN": "t"}, {})


def test_database_urls() -> None:
    from pathlib import Path

    assert config.database_uri("", Path("/srv/i")) == "sqlite:////srv/i/engage.db"
    assert config.database_uri("postgres://u:p@h/d", Path(".")) == "postgresql+psycopg://u:p@h/d"
    assert config.database_uri("postgresql://u@h/d", Path(".")) == "postgresql+psycopg://u@h/d"


def test_a_missing_manifest_says_to_build_first(tmp_path, built_site) -> None:
    from feedback_api.manifest import ManifestError

    settings = api_config(tmp_path, built_site, "sqlite", ENGAGE_MANIFEST=str(tmp_path / "no.json"))
    with pytest.raises(ManifestError, match="build the site first"):
        create_app(settings)


def test_development_secret_is_made_once_and_kept(tmp_path) -> None:
    first = config.load(tmp_path, {}, {})["SECRET_KEY"]
    assert len(first) == 64
    assert config.load(tmp_path, {}, {})["SECRET_KEY"] == first


def test_the_command_line_reports_a_mistake_in_one_sentence(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from fixtures.site import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "feedback_api", "comments", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "ENGAGE_INSTANCE_PATH": str(tmp_path), "ENGAGE_MAX_LINK": "3"},
    )
    assert done.returncode == 1
    assert (
        "ENGAGE_MAX_LINK is not a feedback API setting. Did you mean ENGAGE_MAX_LINKS?"
        in done.stderr
    )
    assert "Traceback" not in done.stderr
