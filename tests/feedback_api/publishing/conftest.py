"""A copy of the sample content, a served site folder and a publish target per test, and an
app whose worker builds them with the real Pelican and copies with the real rsync."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fixtures.site import ROOT
from fixtures.staff import signed_in

SITE_URL = "https://www.example-icb.nhs.uk"
NEW_POST = """Title: Pharmacy opening hours over Christmas
Date: 2026-11-30 09:00
Category: News
Summary: Which pharmacies are open on bank holidays.

Most pharmacies close on Christmas Day. Here is which are open.
"""


@dataclass
class Desk:
    """Where one test's publishing happens."""

    app: Flask
    content: Path
    site: Path
    target: Path

    def sign_in(self, role: str = "publisher") -> FlaskClient:
        return signed_in(self.app, role, name=f"A {role}")


@pytest.fixture
def desk(
    tmp_path: Path,
    built_site: Path,
    make_app: Callable[..., Flask],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Desk]:
    """`desk(**settings)`: the sample content copied, the sample site as the published one."""
    monkeypatch.setenv("ENGAGE_SITE_URL", SITE_URL)

    def make(**settings: object) -> Desk:
        content, site, target = tmp_path / "content", tmp_path / "site", tmp_path / "public"
        shutil.copytree(ROOT / "content", content)
        shutil.copytree(built_site, site)
        app = make_app(
            ENGAGE_SECURE_COOKIES=False,
            ENGAGE_PROJECT_DIR=str(ROOT),
            ENGAGE_CONTENT_DIR=str(content),
            ENGAGE_SITE_DIR=str(site),
            ENGAGE_MANIFEST=str(site / "engagement.json"),
            ENGAGE_PUBLISH_TARGET=str(target),
            **settings,
        )
        return Desk(app, content, site, target)

    return make


@pytest.fixture
def new_post() -> str:
    """A post an editor adds: its title, and a sentence of its body, are looked for."""
    return NEW_POST
