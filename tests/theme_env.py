"""The theme's templates rendered outside Pelican, in a Jinja environment set up as the API sets
up its own (`theme.environment.standalone`)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from theme import environment


def render_questionnaire(
    questionnaire: dict, cache_path: Path, answers: dict | None = None, errors: dict | None = None
) -> str:
    """The questionnaire partial with a reader's answers and errors, as a page of the site."""
    env = Environment()
    environment.standalone(env, str(cache_path), {"SITEURL": ""})
    return env.get_template("partials/questionnaire.html").render(
        questionnaire=questionnaire,
        answers=answers,
        errors=errors,
        ENGAGE_API_URL="/api",
        SITEURL="",
    )
