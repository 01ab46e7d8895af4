"""The theme's Jinja environment, the same for the Pelican build and the API's pages: NHS.UK
frontend macros, fragments rendered once per build, and the fingerprinted names of the theme's
CSS and scripts (`asset()`).

The NHS.UK macros are generous, flexible and slow: a header or a comment form costs more to render
than the article around it. Fragments that are the same on many pages (the header for a section,
the footer, the comment form's fields, a post's card in lists) are rendered once per build and
reused, which keeps our build about as fast as Pelican's plain theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PackageLoader,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup

from contract.wordings import OTHER_TEXT_MAX_LENGTH

from . import i18n
from .pagination import Pagination

PLAIN = (str, int, float, bool, type(None))
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
# Where Pelican puts the theme's files in the output (THEME_STATIC_DIR).
STATIC_URL = "/theme/"


def standalone(
    env: Environment, cache_path: str, site: dict[str, Any], also: Sequence[Path] = ()
) -> None:
    """A Jinja environment outside Pelican (the API's, a test's) set up on the theme's templates
    with Pelican's own options, then configured as the build configures its generators.

    `also`: folders of templates of the program's own (the API's pages), found after the
    theme's, which they extend."""
    env.loader = FileSystemLoader([str(TEMPLATES), *(str(folder) for folder in also)])
    env.autoescape = True
    env.trim_blocks = True
    env.lstrip_blocks = True
    configure(env, cache_path, site)


def configure(env: Environment, cache_path: str, site: dict[str, Any]) -> None:
    """Set up one generator's environment as nhsuk-frontend-jinja asks, plus our globals.

    `site` is Pelican's shared context: the settings and what the plugin adds to them.
    """
    env.loader = ChoiceLoader([env.loader, PackageLoader("nhsuk_frontend_jinja")])
    env.undefined = ChainableUndefined
    # Templates do not change during a build (--autoreload makes new environments each run), so
    # skip the file-system check Jinja otherwise makes on every include of every macro.
    env.auto_reload = False
    # Compiled templates are kept between builds (and shared by Pelican's generators, which each
    # have an environment); Jinja recompiles a template whose source changed.
    folder = Path(cache_path) / "engage" / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    env.globals["render_once"] = RenderOnce(env, site)
    env.globals["pagination_for"] = Pagination(env, site)
    env.globals["OTHER_TEXT_MAX_LENGTH"] = OTHER_TEXT_MAX_LENGTH
    env.globals["asset"] = asset
    i18n.install(env)


@pass_context
def asset(context: Context, name: str) -> str:
    """`{{ asset("css/main.css") }}`: the address of a theme file by the name with its content's
    hash (`/theme/css/main.<hash>.css`), which a server may cache for a year.

    The names are `ENGAGE_ASSETS`: the build's own, or the manifest's in the API. Without one
    (a manifest from before fingerprinting, a test's environment) it is the plain name, which
    the build writes too."""
    names = context.get("ENGAGE_ASSETS") or {}
    return f"{context.get('SITEURL') or ''}{STATIC_URL}{names.get(name, name)}"


class RenderOnce:
    """`{{ render_once("partials/footer.html", key=..., **values) }}` in a template.

    Renders the fragment with the site's settings and `values`, and reuses the HTML wherever the
    same template, key and language come again in this build. Without `key`, the values
    themselves are the key and must be plain data. Only for fragments that depend on nothing but
    settings, values and the language; needing no template context, it works in macros imported
    without context too.
    """

    def __init__(self, env: Environment, site: dict[str, Any]) -> None:
        self.env = env
        self.site = site
        self.settings: dict[str, Any] | None = None
        self.cache: dict[tuple[str, str, Any], Markup] = {}

    def use(self, site: dict[str, Any]) -> None:
        """Render with these site variables from now on (the API, when its manifest changes)."""
        if site != self.site:
            self.site, self.settings, self.cache = site, None, {}

    def __call__(self, template: str, key: Any = None, **values: Any) -> Markup:
        cache_key = (template, i18n.current(), key if key is not None else _plain_key(values))
        html = self.cache.get(cache_key)
        if html is None:
            if self.settings is None:  # the content is complete once rendering starts
                self.settings = {name: value for name, value in self.site.items() if name.isupper()}
            language = (self.site.get("ENGAGE_LANGUAGE_CONTEXT") or {}).get(i18n.current(), {})
            settings = {**self.settings, **language} if language else self.settings
            rendered = self.env.get_template(template).render(settings, **values)
            html = self.cache[cache_key] = Markup(rendered)
        return html


def _plain_key(value: Any) -> Any:
    """A hashable key from plain data; anything else must be keyed explicitly."""
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, dict):
        return tuple(sorted((name, _plain_key(item)) for name, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_plain_key(item) for item in value)
    raise TypeError(f"render_once needs key= for a value of type {type(value).__name__}")
