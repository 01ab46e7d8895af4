"""The one interface every platform client keeps, so the runner treats them all alike."""

from __future__ import annotations

from typing import Protocol

from ..model import Composed, PostedRef


class Platform(Protocol):
    name: str

    def publish(self, composed: Composed, key: str) -> PostedRef:
        """Post `composed`. `key` is stable per (entry, platform): clients whose platform
        supports idempotency (Mastodon's Idempotency-Key, Bluesky's record key) use it so a
        retry cannot create a second post. Raises PlatformError."""
        ...

    def find(self, composed: Composed) -> PostedRef | None:
        """Look for a post already made for this entry (recent posts containing its URL): used
        after a crash left the ledger in `posting`. Raises PlatformError."""
        ...
