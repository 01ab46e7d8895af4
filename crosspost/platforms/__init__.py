"""The platform clients, one module per platform, each with SETTINGS, missing(env) and
from_environment(env). Loaded by name on demand, since each brings in its platform's SDK."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..model import PLATFORMS


def load(name: str) -> ModuleType:
    """The client module of a platform named in model.PLATFORMS."""
    if name not in PLATFORMS:
        raise KeyError(f"no such platform: {name!r} (known: {', '.join(PLATFORMS)})")
    return importlib.import_module(f"{__name__}.{name}")
