"""The README stays true: every setting, task and front-matter field is documented there."""

from __future__ import annotations

import re

import pytest
from invoke import Collection

import tasks
from contract.vocabulary import PLATFORMS
from engagement.frontmatter.fields import ALLOWED, display_name
from engagement.questionnaires.definitions import TYPES
from engagement.settings import SETTINGS
from feedback_api.settings import SETTINGS as API_SETTINGS
from fixtures.site import ROOT
from platforms import load

CROSSPOST_SETTINGS = [s.name for p in PLATFORMS for s in load(p).settings]

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "setting",
    [s.name for s in (*SETTINGS, *API_SETTINGS)] + [*CROSSPOST_SETTINGS, "ENGAGE_CROSSPOST_FEED"],
)
def test_every_setting_is_documented(setting: str) -> None:
    assert re.search(rf"^\| `{setting}` \|", README, re.MULTILINE), f"{setting} not in README"


@pytest.mark.parametrize("task", sorted(Collection.from_module(tasks).task_names))
def test_every_task_is_documented(task: str) -> None:
    assert f"`invoke {task}`" in README


@pytest.mark.parametrize("field", sorted(set().union(*ALLOWED.values())))
def test_every_front_matter_field_is_documented(field: str) -> None:
    assert f"`{display_name(field)}`" in README or f"{display_name(field)}:" in README


@pytest.mark.parametrize("kind", TYPES)
def test_every_question_type_is_documented(kind: str) -> None:
    assert f"| `{kind}` |" in README


def test_readme_starts_with_the_two_commands() -> None:
    start = README.index("## Start here")
    assert README.index("make run") > start
    assert README.index("make test") > start
    assert README.index("make run") < README.index("## Editor guide")
