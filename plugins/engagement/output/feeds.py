"""Feeds with absolute links in every build, including development builds with SITEURL = "".

Feed readers and the cross-poster need absolute entry links and stable ids; Pelican builds them
from SITEURL, which is empty while previewing. This writer uses FEED_DOMAIN for feeds instead.
"""

from __future__ import annotations

from typing import Any

from pelican.writers import Writer


class AbsoluteFeedWriter(Writer):
    """Pelican's writer, with feed links made from FEED_DOMAIN when it is set."""

    def write_feed(self, elements: Any, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        domain = context.get("FEED_DOMAIN")
        if domain:
            context = {**context, "SITEURL": domain}
        return super().write_feed(elements, context, *args, **kwargs)
