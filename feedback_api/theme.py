"""The site's own templates, rendered by the API: a page it answers with looks like the site.

The Flask app loads the theme package's templates (with the NHS.UK macros, as the build does) and
fills the templates' site variables from the manifest, never from the build's settings files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from theme import environment


def configure(app: Flask) -> None:
    """Point Flask's Jinja at the theme, with its compiled templates in the instance folder."""
    environment.standalone(app.jinja_env, str(Path(app.instance_path) / "cache"), {})


def site_context() -> dict[str, Any]:
    """The variables the theme's base template reads, from the manifest's `site`."""
    site = current_app.extensions["engage_manifest"].get().site
    return {
        "SITENAME": site["name"],
        "SITEURL": "",
        "ENGAGE_SITE_URL": site["url"],
        "ENGAGE_API_URL": site.get("api", "/api"),
        "DEFAULT_LANG": site.get("language", "en-GB"),
        "SITE_DESCRIPTION": site.get("description", ""),
        "ENGAGE_NAVIGATION": [tuple(item) for item in site.get("navigation", [])],
        "ENGAGE_FOOTER_LINKS": [tuple(item) for item in site.get("footer_links", [])],
        "GROUND_RULES": site.get("ground_rules", []),
    }


def render_page(template: str, **values: Any) -> str:
    """Render a theme template as a page of the site."""
    context = site_context()
    env = current_app.jinja_env
    # Fragments rendered once (header, footer) read the site variables from here.
    env.globals["render_once"].use(context)
    return env.get_template(template).render(**context, user=g.get("user"), **values)
