"""Where the workspace's builds read and write, from the settings: the checkout with the Pelican
settings and content, the folder the API serves (and publishes from), where check builds are
kept, and the rsync target."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

from contract.database import project_home


@dataclasses.dataclass(frozen=True)
class Places:
    project: Path
    content: Path
    settings: Path
    site: Path
    builds: Path
    target: str
    timeout: float

    @property
    def published_content(self) -> Path:
        """The content as it was last published from the workspace (the check's copy): what page
        rebuilds read, so an approval never publishes an editor's unpublished changes."""
        return self.builds / "published-content"

    @property
    def python(self) -> str:
        """The interpreter the API runs on, which has Pelican and the plugin installed beside
        it (the `site` extra), run as its own process: the API never imports the build."""
        return sys.executable


def from_config(config: dict[str, Any], instance_path: str) -> Places:
    package = Path(__file__).resolve().parent.parent / "__init__.py"
    project = Path(config["ENGAGE_PROJECT_DIR"] or project_home(str(package)))
    site = Path(config["ENGAGE_OUTPUT"] or config["ENGAGE_SITE_DIR"] or project / "output")
    return Places(
        project=project.resolve(),
        content=(project / config["ENGAGE_CONTENT_DIR"]).resolve(),
        settings=(project / config["ENGAGE_BUILD_SETTINGS"]).resolve(),
        site=(site if site.is_absolute() else project / site).resolve(),
        builds=Path(instance_path) / "builds",
        target=config["ENGAGE_PUBLISH_TARGET"],
        timeout=config["ENGAGE_BUILD_TIMEOUT_SECONDS"],
    )
