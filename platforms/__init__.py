"""The social platforms' clients, one module per platform: each module holds everything about
its platform (its client, how it counts a post, its settings, how a retry is made safe there),
on the base in `base`. The cross-poster posts through them; the feedback API may too.

This package stands above the contract and below the programs: it imports `contract` and the
platforms' SDKs, never a program. A platform's module is loaded by name, on demand, since each
brings in its platform's SDK; importing this package loads none of them."""

from __future__ import annotations

import importlib

from contract.vocabulary import PLATFORMS

from .base import PlatformClient

__all__ = ["PLATFORMS", "PlatformClient", "load"]


def load(name: str) -> type[PlatformClient]:
    """The client class of a platform named in contract.vocabulary.PLATFORMS."""
    if name not in PLATFORMS:
        raise KeyError(f"no such platform: {name!r} (known: {', '.join(PLATFORMS)})")
    client: type[PlatformClient] = importlib.import_module(f"{__name__}.{name}").CLIENT
    return client
