"""The site's own templates, rendered by the API: a page it answers with looks like the site.

The Flask app loads the theme package's templates (with the NHS.UK macros, as the build does), then
its own pages' templates beside their views (`public/templates`, `staff/templates`), and fills the
templates' site variables from the manifest, never from the build's settings files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from feedback_api.manifest import language_tag
from theme import environment, i18n

# The API's own pages, beside the views that render them: the public forms' pages (a no-JS form
# again with its errors, the thank-you pages) and the staff workspace.
PAGES = (
    Path(__file__).resolve().parent / "public" / "templates",
    Path(__file__).resolve().parent / "staff" / "templates",
)


def configure(app: Flask) -> None:
    """Point Flask's Jinja at the theme and the API's own pages, with compiled templates in the
    instance folder."""
    environment.standalone(app.jinja_env, str(Path(app.instance_path) / "cache"), {}, PAGES)


def site_context() -> dict[str, Any]:
    """The variables the theme's base template reads, from the manifest's `site`, and the
    build's fingerprinted CSS and scripts, so the API's pages link the files the site's do."""
    manifest = current_app.extensions["engage_manifest"].get()
    site = manifest.site
    return {
        "SITENAME": site["name"],
        "SITEURL": "",
        "ENGAGE_SITE_URL": site["url"],
        "ENGAGE_API_URL": site.get("api", "/api"),
        "DEFAULT_LANG": language_tag(site.get("language")) or "en-GB",
        "SITE_DESCRIPTION": site.get("description", ""),
        "ENGAGE_NAVIGATION": [tuple(item) for item in site.get("navigation", [])],
        "ENGAGE_FOOTER_LINKS": [tuple(item) for item in site.get("footer_links", [])],
        "GROUND_RULES": site.get("ground_rules", []),
        "ENGAGE_ASSETS": manifest.assets,
        "ENGAGE_HOME_URL": "",
        "ENGAGE_LANGUAGE_CONTEXT": _language_context(site),
    }


def _language_context(site: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per language, what its pages say differently (the build's overlay, from the manifest)."""
    found = {}
    for language in site.get("languages") or []:
        found[language["code"]] = {
            "SITENAME": language.get("sitename") or site["name"],
            "SITE_DESCRIPTION": language.get("description", site.get("description", "")),
            "ENGAGE_NAVIGATION": [tuple(item) for item in language.get("navigation", [])]
            or [tuple(item) for item in site.get("navigation", [])],
            "ENGAGE_FOOTER_LINKS": [tuple(item) for item in language.get("footer_links", [])]
            or [tuple(item) for item in site.get("footer_links", [])],
            "ENGAGE_HOME_URL": language["prefix"][1:],
        }
    return found


def render_page(template: str, *, language: str | None = None, **values: Any) -> str:
    """Render a theme template as a page of the site, in `language` (a code of the manifest's
    languages: the page's a form belongs to; the site's own when None or not one of them)."""
    context = site_context()
    env = current_app.jinja_env
    # Fragments rendered once (header, footer) read the site variables from here.
    env.globals["render_once"].use(context)
    overlay = context["ENGAGE_LANGUAGE_CONTEXT"].get(language or "")
    if overlay is None:
        language = context["DEFAULT_LANG"]
    with i18n.rendering_in(language):
        return env.get_template(template).render(
            {**context, **(overlay or {})}, user=g.get("user"), **values
        )
