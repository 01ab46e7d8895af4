"""How the feedback API's settings are read from text: each parser takes what the environment
or instance/engage.cfg says and returns the value, or raises ValueError with what to write."""

from __future__ import annotations

import re

from limits import parse_many

from contract import channels


def positive_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must not be negative")
    return number


def rate_limit(value: str) -> str:
    parse_many(value)  # raises ValueError on anything Flask-Limiter would not understand
    return value


def flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def non_negative_float(value: str) -> float:
    number = float(value)
    if not number >= 0:  # also refuses nan
        raise ValueError("must be a number, 0 or more")
    return number


def log_format(value: str) -> str:
    chosen = value.strip().lower() or "text"
    if chosen not in ("text", "json"):
        raise ValueError("use text or json")
    return chosen


def digest(value: str) -> str:
    if value not in ("immediate", "hourly", "daily", "off"):
        raise ValueError("use immediate, hourly, daily or off")
    return value


# The UK nations whose bank holidays the responsiveness target can skip.
BANK_HOLIDAY_NATIONS = ("england", "wales", "scotland", "northern_ireland")


def bank_holidays(value: str) -> str:
    nation = value.strip().lower()
    if nation not in BANK_HOLIDAY_NATIONS:
        raise ValueError("use england, wales, scotland or northern_ireland")
    return nation


ENVIRONMENTS = ("development", "production")


def parse_environment(value: str) -> str:
    environment = value.strip().lower() or "development"
    if environment not in ENVIRONMENTS:
        raise ValueError("use development or production")
    return environment


# In production the secret must be set, the same on every host, and at least this long.
SECRET_KEY_MIN_LENGTH = 32
MAKE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def word_list(value: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in value.split(",") if word.strip())


def terms(value: str) -> tuple[str, ...]:
    """Watched terms: comma-separated, a phrase may be in double quotes."""
    return tuple(term.strip().strip('"').strip() for term in value.split(",") if term.strip(' "'))


def via_parameter(value: str) -> str | None:
    """ENGAGE_CROSSPOST_VIA: a query parameter's name (letters, digits, - and _), or off."""
    name = channels.parameter(value)
    if name is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name):
        raise ValueError("use a parameter name like via (letters, digits, - or _), or off")
    return name
