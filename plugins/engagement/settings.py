"""Every `ENGAGE_*` site setting, declared once with its default and the help shown to operators.

Unknown or mistyped `ENGAGE_*` names stop the build at start-up with a suggestion, so a typo in
`pelicanconf.py` is never silently ignored.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass
from typing import Any

from engagement.translations import overlay
from engagement.translations import site as site_languages

from .problems import ContentError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: type | tuple[type, ...]


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ENGAGE_SITE_URL",
        "http://127.0.0.1:8000",
        "The site's absolute address (no trailing slash), used for canonical links, Open Graph "
        "tags, the sitemap and the manifest.",
        str,
    ),
    Setting(
        "ENGAGE_API_URL",
        "/api",
        "Where the site's forms post: the feedback API's base URL.",
        str,
    ),
    Setting(
        "ENGAGE_CROSSPOST_VIA",
        "via",
        "The link parameter that names the channel a reader came through (?via=mastodon); "
        "the forms copy it into their hidden via field. The same as the API's and the "
        "cross-poster's (the environment variable of the same name).",
        str,
    ),
    Setting(
        "ENGAGE_CATEGORIES",
        ["News", "Health advice", "Have your say"],
        "The categories a post may use; any other Category stops the build with a suggestion.",
        list,
    ),
    Setting(
        "ENGAGE_NAVIGATION",
        [],
        "Header navigation: a list of (label, site-relative URL) pairs.",
        list,
    ),
    Setting(
        "ENGAGE_FOOTER_LINKS",
        [],
        "Footer links: a list of (label, site-relative URL) pairs.",
        list,
    ),
    Setting(
        "ENGAGE_TODAY",
        None,
        "The date (YYYY-MM-DD) the build treats as today when it works out whether a "
        "consultation is open; empty means the real date in TIMEZONE.",
        (str, type(None)),
    ),
    Setting(
        "ENGAGE_CLOSING_SOON_DAYS",
        14,
        "A consultation is shown as 'closing soon' this many days before it closes.",
        int,
    ),
    Setting(
        "ENGAGE_QUESTIONNAIRES_PATH",
        "questionnaires",
        "Folder inside the content folder that holds questionnaire definitions (<id>.yaml).",
        str,
    ),
    Setting(
        "ENGAGE_GROUND_RULES_FILE",
        "ground_rules.yaml",
        "File inside the content folder listing the ground rules for taking part.",
        str,
    ),
    Setting(
        "ENGAGE_POPULATION_FILE",
        "population.csv",
        "File inside the content folder giving the area's population by equality-monitoring "
        "group (ONS Census 2021), which reports compare respondents with; no file, no comparison.",
        str,
    ),
    Setting(
        "ENGAGE_COMMITMENTS_PATH",
        "commitments",
        'Folder inside the content folder that holds each consultation\'s "You said, we did" '
        "commitments (<consultation>.yaml).",
        str,
    ),
    Setting(
        "ENGAGE_INVOLVEMENT_PATH",
        "involvement",
        "Folder inside the content folder that holds the words of the involvement report: its "
        "sections (<name>.md) and case studies (case-studies/<name>.md); never pages of the site.",
        str,
    ),
    Setting(
        "ENGAGE_MANIFEST",
        "engagement.json",
        "Where the site manifest is written, relative to the output folder.",
        str,
    ),
    Setting(
        "ENGAGE_NODE_MODULES",
        "node_modules",
        "The npm packages folder holding nhsuk-frontend and sass (installed by `make setup`).",
        str,
    ),
    Setting(
        "ENGAGE_SCSS",
        "theme/scss/main.scss",
        "The theme's Sass entry point, compiled to theme/css/main.css in the output.",
        str,
    ),
    Setting(
        "ENGAGE_NHS_FONT",
        False,
        "Load the NHS Frutiger web font from assets.nhs.uk. Only for organisations licensed to "
        "use it; off by default because it is a request to another host.",
        bool,
    ),
    Setting(
        "ENGAGE_COMMENTS_EXPORT",
        "",
        "A file of approved comments written by `flask --app feedback_api comments export-site "
        "FILE`, baked into the pages (`invoke build` makes it when there is a database).",
        str,
    ),
    Setting(
        "ENGAGE_PUBLISH_TARGET",
        "",
        "Where `invoke publish` copies the built site with rsync (e.g. user@host:/var/www/engage).",
        str,
    ),
    Setting(
        "ENGAGE_PROBLEMS_REPORT",
        "",
        "A file the build writes its content problems to, as JSON (the workspace's Publish page "
        "lists them); empty: the problems are only printed.",
        str,
    ),
    Setting(
        "ENGAGE_LANGUAGES",
        [],
        "The languages pages may be written in besides the site's own (DEFAULT_LANG), as tags "
        "such as 'cy' (Welsh) or 'ur' (Urdu): each gets its folder (/cy/), feed and a place in "
        "the language switcher. A page's language is its Lang: field, or the name before .md "
        "(about.cy.md is the Welsh version of about.md).",
        list,
    ),
    Setting(
        "ENGAGE_LANGUAGE_SETTINGS",
        {},
        "Per language of ENGAGE_LANGUAGES, what its pages say differently: SITENAME, "
        "SITE_DESCRIPTION, ENGAGE_NAVIGATION, ENGAGE_FOOTER_LINKS and ENGAGE_CATEGORIES (each "
        "category's name, in the same order) in that language (links written as in the site's "
        "language go to the page's version in the language).",
        dict,
    ),
    Setting(
        "ENGAGE_WRITE_ONLY",
        [],
        "Write only these pages (site-relative addresses, e.g. /blog/winter/), leaving the rest "
        "of the output as it is: the worker's rebuild after a comment is approved.",
        list,
    ),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}


def apply_defaults(settings: dict[str, Any]) -> None:
    """Fill in defaults and stop with a clear sentence on an unknown or mistyped setting."""
    for name in sorted(settings):
        if name.startswith("ENGAGE_") and name not in BY_NAME:
            close = difflib.get_close_matches(name, BY_NAME, n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise ContentError(f"settings: {name} is not an Engage setting.{hint}")
    for setting in SETTINGS:
        value = settings.setdefault(setting.name, setting.default)
        if not isinstance(value, setting.kind):
            raise ContentError(
                f"settings: {setting.name} should be {_kind_name(setting.kind)}, "
                f"not {value!r}. {setting.help}"
            )
    if settings["ENGAGE_TODAY"]:
        try:
            datetime.date.fromisoformat(settings["ENGAGE_TODAY"])
        except ValueError:
            raise ContentError(
                f"settings: ENGAGE_TODAY {settings['ENGAGE_TODAY']!r} is not a date: "
                "write it as YYYY-MM-DD."
            ) from None
    settings["ENGAGE_SITE_URL"] = settings["ENGAGE_SITE_URL"].rstrip("/")
    faults = site_languages.check(settings) + overlay.check(settings)
    if faults:
        raise ContentError(" ".join(faults))


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        str: "text in quotes",
        list: "a list",
        dict: "a dict",
        int: "a whole number",
        bool: "True or False",
    }
    return " or ".join(names.get(k, "empty (None)") for k in kinds)
