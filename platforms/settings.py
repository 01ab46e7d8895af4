"""The settings table every platform client declares: the environment variables it reads, with
their defaults and help, as the feedback API declares its own (README, "Cross-posting")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

REQUIRED = None  # the default of a setting the operator must give


@dataclass(frozen=True)
class Setting:
    """One environment variable a client reads (name, default, help, as the API's settings)."""

    name: str
    default: str | None  # REQUIRED: no default, the client is skipped until it is set
    help: str


def unset(settings: Sequence[Setting], env: Mapping[str, str]) -> list[str]:
    """The required settings that are unset or blank, in declaration order."""
    return [s.name for s in settings if s.default is None and not env.get(s.name, "").strip()]


def read(settings: Sequence[Setting], env: Mapping[str, str]) -> dict[str, str] | None:
    """Every setting's value (defaults filled in), or None when a required one is missing."""
    if unset(settings, env):
        return None
    return {s.name: (env.get(s.name, "").strip() or s.default or "") for s in settings}
