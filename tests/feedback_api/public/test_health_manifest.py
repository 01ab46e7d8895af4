"""/api/health says how old the build's manifest is, and whether that is too old; a stale or
missing manifest is reported without making the service unhealthy (still 200)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from feedback_api import config

HOUR = 3600


@pytest.fixture
def manifest(tmp_path: Path, built_site: Path) -> Path:
    """A copy of the sample manifest whose time the test may change."""
    copy = tmp_path / "site" / "engagement.json"
    copy.parent.mkdir()
    shutil.copy(built_site / "engagement.json", copy)
    return copy


def aged(path: Path, hours: float) -> None:
    moment = time.time() - hours * HOUR
    os.utime(path, (moment, moment))


def health(app) -> tuple[int, dict]:
    answer = app.test_client().get("/api/health")
    return answer.status_code, answer.json


def test_a_fresh_manifest_is_ok(make_app, manifest: Path) -> None:
    aged(manifest, 1)
    status, body = health(make_app(ENGAGE_MANIFEST=str(manifest)))
    assert status == 200
    assert body["manifest"]["ok"] is True
    assert HOUR - 60 <= body["manifest"]["age_seconds"] <= HOUR + 60


def test_a_manifest_older_than_the_limit_is_stale_but_healthy(make_app, manifest: Path) -> None:
    app = make_app(ENGAGE_MANIFEST=str(manifest))
    aged(manifest, 27)  # a nightly build that did not run
    status, body = health(app)
    assert (status, body["status"]) == (200, "ok")
    assert body["manifest"]["ok"] is False
    assert body["manifest"]["age_seconds"] >= 27 * HOUR - 60


def test_the_limit_is_a_setting_and_zero_turns_it_off(make_app, manifest: Path) -> None:
    aged(manifest, 5)
    strict = make_app(ENGAGE_MANIFEST=str(manifest), ENGAGE_MANIFEST_MAX_AGE_HOURS=4)
    assert health(strict)[1]["manifest"]["ok"] is False
    aged(manifest, 24 * 400)
    never = make_app(ENGAGE_MANIFEST=str(manifest), ENGAGE_MANIFEST_MAX_AGE_HOURS=0)
    assert health(never)[1]["manifest"]["ok"] is True


def test_a_manifest_gone_after_start_up_is_reported(make_app, manifest: Path) -> None:
    app = make_app(ENGAGE_MANIFEST=str(manifest))
    manifest.unlink()  # the API goes on with the manifest it read
    status, body = health(app)
    assert status == 200
    assert body["manifest"] == {"age_seconds": None, "ok": False}
    page = app.test_client().get("/api/comments?page=/blog/winter-vaccines/")
    assert page.status_code == 200


def test_a_manifest_from_the_future_is_age_zero(make_app, manifest: Path) -> None:
    app = make_app(ENGAGE_MANIFEST=str(manifest))
    aged(manifest, -2)  # a clock ahead on the build host
    assert health(app)[1]["manifest"] == {"age_seconds": 0, "ok": True}


@pytest.mark.parametrize("value", ["-1", "soon", "nan"])
def test_a_bad_limit_stops_start_up(tmp_path: Path, value: str) -> None:
    with pytest.raises(config.SettingsError, match="ENGAGE_MANIFEST_MAX_AGE_HOURS"):
        config.load(tmp_path, {"ENGAGE_MANIFEST_MAX_AGE_HOURS": value}, {})
