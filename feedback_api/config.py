"""The feedback API's settings in force (each is declared once, in `settings.py`).

Values come from the environment (`DATABASE_URL`, `ENGAGE_*`) over the instance config file
(`instance/engage.cfg`, Python syntax) over the defaults here. Any setting NAME may instead be
given as a file, NAME_FILE (as container platforms hand out secrets). An unknown `ENGAGE_*` name
in the environment, or a value that does not parse, stops start-up with a sentence saying what to
fix; so does a missing or short `ENGAGE_SECRET_KEY` in production (`feedback_api.wsgi`, what
gunicorn runs, unless `ENGAGE_ENVIRONMENT=development`).
"""

from __future__ import annotations

import difflib
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from contract.database import database_uri
from contract.vocabulary import PLATFORMS
from feedback_api.settings import (
    BY_NAME,
    MAKE_SECRET,
    SECRET_KEY_MIN_LENGTH,
    SETTINGS,
    parse_environment,
)


class StartupError(click.ClickException):
    """The API cannot start: the message says what to fix. The command line shows it as one
    line with a non-zero exit; a WSGI server logs it."""


class SettingsError(StartupError):
    """A setting is missing or wrong: the message says which and how to fix it."""


def load(instance_path: Path, environ: Mapping[str, str], overrides: Mapping[str, Any]) -> dict:
    """Settings in force: overrides (tests), then environment, instance file, defaults."""
    for name in environ:
        if (
            name.startswith("ENGAGE_")
            and name not in BY_NAME
            and name.removesuffix(FILE_SUFFIX) not in BY_NAME
            and not name.startswith("ENGAGE_TEST_")
        ):
            if name in IGNORED_ENVIRONMENT or name.startswith(CROSSPOSTER_PREFIXES):
                continue
            close = difflib.get_close_matches(name, BY_NAME, n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise SettingsError(f"{name} is not a feedback API setting.{hint}")
    from_file = _read_instance_file(instance_path / "engage.cfg")
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            values[setting.name] = overrides[setting.name]
            continue
        raw = _from_environment(setting.name, environ)
        if raw is None:
            raw = from_file.get(setting.name)
        if raw is None:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(str(raw)) if isinstance(raw, str) else raw
        except ValueError as error:
            raise SettingsError(
                f"{setting.name}={raw!r} is not valid ({error}). {setting.help}"
            ) from None
    values["SQLALCHEMY_DATABASE_URI"] = database_uri(values["DATABASE_URL"], instance_path)
    values["SECRET_KEY"] = _secret_key(values, instance_path)
    values["MAX_CONTENT_LENGTH"] = values["ENGAGE_MAX_REQUEST_BYTES"]
    return values


# Variables of the site build (publishconf.py, tasks.py) that share the ENGAGE_ prefix.
IGNORED_ENVIRONMENT = {"ENGAGE_SITE_URL", "ENGAGE_TODAY", "ENGAGE_PUBLISHED_CONTENT"}
# gunicorn's, read by deploy/gunicorn.conf.py from the same environment file as the API's.
IGNORED_ENVIRONMENT |= {"ENGAGE_BIND", "ENGAGE_WORKERS"}
# The cross-poster's settings (crosspost/platforms/*.py), often set in the same environment.
CROSSPOSTER_PREFIXES = ("ENGAGE_CROSSPOST_", *(f"ENGAGE_{p.upper()}_" for p in PLATFORMS))


FILE_SUFFIX = "_FILE"


def _from_environment(name: str, environ: Mapping[str, str]) -> str | None:
    """NAME from the environment, or the contents of the file NAME_FILE names (its trailing
    newline dropped), as Docker and Kubernetes secrets are mounted."""
    file_name = name + FILE_SUFFIX
    path = environ.get(file_name)
    if not path:
        return environ.get(name)
    if environ.get(name):
        raise SettingsError(f"{name} and {file_name} are both set: keep one of them.")
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise SettingsError(f"{file_name}={path} cannot be read ({reason}).") from None


def _secret_key(values: Mapping[str, Any], instance_path: Path) -> str:
    """The signing secret: required and long enough in production; in development an empty one
    means a key made once and kept in the instance folder."""
    key = str(values["ENGAGE_SECRET_KEY"] or "")
    environment = parse_environment(str(values["ENGAGE_ENVIRONMENT"]))
    if environment == "production" and len(key.strip()) < SECRET_KEY_MIN_LENGTH:
        problem = (
            "is empty"
            if not key.strip()
            else f"has {len(key.strip())} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
        )
        raise SettingsError(
            f"ENGAGE_SECRET_KEY {problem}, and production needs one secret shared by every host: "
            f"make one with `{MAKE_SECRET}` and set it as ENGAGE_SECRET_KEY (or put it in a file "
            "named by ENGAGE_SECRET_KEY_FILE), or set ENGAGE_ENVIRONMENT=development on a "
            "machine of your own."
        )
    return key or _instance_secret(instance_path)


def _read_instance_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return {name: value for name, value in namespace.items() if name.isupper()}


def _instance_secret(instance_path: Path) -> str:
    """A development secret, made once and kept, so restarts keep edit tokens and hashes valid."""
    path = instance_path / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key
