"""The site's theme: templates (Jinja, NHS.UK macros, shared partials), static files, and the one
Jinja environment both the Pelican build and the feedback API render them with.

Pelican reads this folder as its THEME; the API imports `theme.environment`. The templates and
static files travel with the package, so an installed API renders the site's pages.
"""
