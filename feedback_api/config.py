"""Every setting of the feedback API, declared once with its default and help.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from limits import parse_many

from contract.database import database_uri
from contract.vocabulary import PLATFORMS


class StartupError(click.ClickException):
    """The API cannot start: the message says what to fix. The command line shows it as one
    line with a non-zero exit; a WSGI server logs it."""


class SettingsError(StartupError):
    """A setting is missing or wrong: the message says which and how to fix it."""


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must not be negative")
    return number


def _rate_limit(value: str) -> str:
    parse_many(value)  # raises ValueError on anything Flask-Limiter would not understand
    return value


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _digest(value: str) -> str:
    if value not in ("immediate", "hourly", "daily", "off"):
        raise ValueError("use immediate, hourly, daily or off")
    return value


# The UK nations whose bank holidays the responsiveness target can skip.
BANK_HOLIDAY_NATIONS = ("england", "wales", "scotland", "northern_ireland")


def _bank_holidays(value: str) -> str:
    nation = value.strip().lower()
    if nation not in BANK_HOLIDAY_NATIONS:
        raise ValueError("use england, wales, scotland or northern_ireland")
    return nation


ENVIRONMENTS = ("development", "production")


def _environment(value: str) -> str:
    environment = value.strip().lower() or "development"
    if environment not in ENVIRONMENTS:
        raise ValueError("use development or production")
    return environment


# In production the secret must be set, the same on every host, and at least this long.
SECRET_KEY_MIN_LENGTH = 32
MAKE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def _word_list(value: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in value.split(",") if word.strip())


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ENGAGE_ENVIRONMENT",
        "development",
        "development or production. feedback_api.wsgi (what gunicorn runs) makes it production "
        "unless set; production refuses an empty or short ENGAGE_SECRET_KEY.",
        _environment,
    ),
    Setting(
        "ENGAGE_INSTANCE_PATH",
        "",
        "Folder for the SQLite database, the development secret and caches; empty means "
        "instance/ in the project folder (in a checkout) or in the current folder (installed).",
    ),
    Setting(
        "DATABASE_URL",
        "",
        "SQLAlchemy database URL. Empty: SQLite at instance/engage.db (WAL mode). For "
        "PostgreSQL: postgresql+psycopg://user:password@host/dbname (postgres:// is accepted).",
    ),
    Setting(
        "ENGAGE_SECRET_KEY",
        "",
        "Secret for signing and for hashing client addresses, the same on every host. Required "
        f"in production, at least {SECRET_KEY_MIN_LENGTH} characters; in development, when empty, "
        "a random key is made and kept in instance/secret_key.",
    ),
    Setting(
        "ENGAGE_MANIFEST",
        "output/engagement.json",
        "The site manifest written by the build: which pages take comments.",
    ),
    Setting(
        "ENGAGE_SITE_DIR",
        "output",
        "The built site, served at / by the same process (for `make run`); empty to serve the "
        "API only, as behind a static host or CDN.",
    ),
    Setting(
        "ENGAGE_RATELIMIT_COMMENTS",
        "5/minute;30/hour",
        "New comments allowed per client, in Flask-Limiter's syntax.",
        _rate_limit,
    ),
    Setting(
        "ENGAGE_RATELIMIT_RESPONSES",
        "10/hour",
        "Questionnaire responses allowed per client, in Flask-Limiter's syntax.",
        _rate_limit,
    ),
    Setting(
        "ENGAGE_RATELIMIT_STORAGE",
        "memory://",
        "Where rate-limit counters live: memory:// (one process) or redis://host:6379 (shared "
        "by every worker and host).",
    ),
    Setting(
        "ENGAGE_TRUSTED_PROXIES",
        0,
        "How many reverse proxies in front of the API set X-Forwarded-For; 0 trusts none.",
        _positive_int,
    ),
    Setting(
        "ENGAGE_MAX_REQUEST_BYTES",
        65536,
        "Largest request body accepted (413 above it).",
        _positive_int,
    ),
    Setting(
        "ENGAGE_READ_CACHE_SECONDS",
        1.0,
        "How long a worker reuses a page's comment count and version before asking the database "
        "again (public reads are already cacheable for 10 seconds); 0 to always ask.",
        float,
    ),
    Setting(
        "ENGAGE_EDIT_MINUTES",
        15,
        "How long after posting a writer may edit or delete a comment once it is approved (a "
        "pending comment can be changed until a moderator acts).",
        _positive_int,
    ),
    Setting(
        "ENGAGE_RETAIN_REJECTED_DAYS",
        90,
        "`purge` deletes rejected and spam comments this many days after the decision.",
        _positive_int,
    ),
    Setting(
        "ENGAGE_RETAIN_IP_DAYS",
        30,
        "`purge` clears the hashed client address of comments older than this.",
        _positive_int,
    ),
    Setting(
        "ENGAGE_RETAIN_EMAIL_DAYS",
        365,
        "`purge` clears email addresses (and reply notices) of comments older than this.",
        _positive_int,
    ),
    Setting(
        "ENGAGE_RESPONSE_TARGET_DAYS",
        2.0,
        "Working days (Monday to Friday in UK time, bank holidays excepted) within which "
        "comments should be moderated and questions answered; the dashboard counts those "
        "waiting longer.",
        float,
    ),
    Setting(
        "ENGAGE_BANK_HOLIDAYS",
        "england",
        "Whose bank holidays are not working days for the response target: england, wales, "
        "scotland or northern_ireland.",
        _bank_holidays,
    ),
    Setting(
        "ENGAGE_REPORT_SMALL_GROUP",
        5,
        "In reports broken down by an equality-monitoring answer, groups of fewer people than "
        "this show their size only, so nobody can be picked out; 1 shows every group.",
        _positive_int,
    ),
    Setting(
        "ENGAGE_DIGEST",
        "immediate",
        "When moderators are emailed about new comments: immediate, hourly or daily (sent by "
        "`flask --app feedback_api notify digest` from cron), or off.",
        _digest,
    ),
    Setting("ENGAGE_SMTP_HOST", "", "SMTP server for notices; empty sends no email."),
    Setting("ENGAGE_SMTP_PORT", 25, "SMTP port (587 with STARTTLS is usual).", _positive_int),
    Setting("ENGAGE_SMTP_USER", "", "SMTP user name, if the server needs one."),
    Setting("ENGAGE_SMTP_PASSWORD", "", "SMTP password, from the environment only."),
    Setting("ENGAGE_SMTP_STARTTLS", False, "Upgrade the SMTP connection with STARTTLS.", _flag),
    Setting(
        "ENGAGE_MAIL_FROM",
        "engage@localhost",
        "The From address of notices, e.g. 'Riverside ICB <engage@example.nhs.uk>'.",
    ),
    Setting(
        "ENGAGE_SECURE_COOKIES",
        True,
        "Send the staff session cookie only over HTTPS. Browsers treat http://127.0.0.1 as "
        "secure, so this stays on for local use too; turn off only for plain-HTTP test setups.",
        _flag,
    ),
    Setting(
        "ENGAGE_ADMIN_TOTP",
        False,
        "Administrators must use an authenticator app (`flask --app feedback_api users totp "
        "EMAIL`) to sign in; an administrator without one is refused with that instruction.",
        _flag,
    ),
    Setting(
        "ENGAGE_IDLE_MINUTES",
        30,
        "A staff session ends after this many minutes without a request.",
        _positive_int,
    ),
    Setting(
        "ENGAGE_RATELIMIT_SIGN_IN",
        "10/minute;50/hour",
        "Sign-in attempts allowed per client address (accounts also lock for 15 minutes after 5 "
        "wrong passwords or authenticator codes in a row).",
        _rate_limit,
    ),
    Setting(
        "ENGAGE_SCREEN_WORDS",
        (),
        "Comma-separated words or phrases that hold a comment for a moderator's attention.",
        _word_list,
    ),
    Setting(
        "ENGAGE_MAX_LINKS",
        2,
        "A comment with more links than this is held and flagged.",
        _positive_int,
    ),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}


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


# Variables of the site build (publishconf.py) that share the ENGAGE_ prefix.
IGNORED_ENVIRONMENT = {"ENGAGE_SITE_URL", "ENGAGE_PUBLISH_TARGET", "ENGAGE_OUTPUT", "ENGAGE_TODAY"}
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
    environment = _environment(str(values["ENGAGE_ENVIRONMENT"]))
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
