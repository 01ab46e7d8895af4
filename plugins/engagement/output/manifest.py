"""The site manifest (`output/engagement.json`): the contract between the build and the services.

The feedback API learns from it which pages take comments and which questionnaires exist; the
cross-poster learns each post's social copy. Neither reads markdown or YAML. The format is
documented by `contract/manifest.schema.json`; the version and the atomic write are the shared
contract's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from markupsafe import Markup

from contract.manifest import VERSION, write
from engagement.commitments.definitions import manifest_form
from engagement.translations import versions

__all__ = ["build", "page_entry", "population_entries", "write"]


def page_entry(item: Any) -> dict[str, Any]:
    """One page, article or consultation as the services see it (attributes set by the plugin)."""
    date = getattr(item, "date", None) if item.kind != "page" else None
    return {
        "url": item.url_path,
        "title": Markup(item.title).striptags(),
        "kind": item.kind,
        "comments": "open" if item.comments_open else "closed",
        "questionnaire": item.questionnaire["id"] if item.questionnaire else None,
        "opens": item.opens.isoformat() if item.opens else None,
        "closes": item.closes.isoformat() if item.closes else None,
        "report": item.report,
        "summary": Markup(getattr(item, "summary", "") or "").striptags() or None,
        "published": date.isoformat() if date else None,
        "social": item.social,
        "lang": item.lang_code,
        "translations": versions.manifest_translations(item),
        "source": item.relative_source_path,
        "revision": revision(item.source_path),
        **({"commitments": manifest_form(item.commitments)} if item.kind == "consultation" else {}),
    }


def revision(path: str) -> str:
    """The first 12 hex digits of the source file's SHA-256: the workspace tells an edited page
    from an unchanged one by it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def build(
    settings: dict[str, Any],
    items: list[Any],
    questionnaires: dict[str, dict],
    ground_rules: list[dict[str, str]],
    assets: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The whole manifest, in a stable order so that unchanged content gives identical bytes.

    `assets`: the theme's fingerprinted files (plain name -> hashed name), for the API's pages."""
    return {
        "version": VERSION,
        "site": {
            "name": settings["SITENAME"],
            "url": settings["ENGAGE_SITE_URL"],
            "api": settings["ENGAGE_API_URL"],
            "language": settings["DEFAULT_LANG"],
            "description": settings.get("SITE_DESCRIPTION", ""),
            "navigation": [list(link) for link in settings["ENGAGE_NAVIGATION"]],
            "footer_links": [list(link) for link in settings["ENGAGE_FOOTER_LINKS"]],
            "ground_rules": ground_rules,
        },
        "pages": sorted((page_entry(item) for item in items), key=lambda entry: entry["url"]),
        "questionnaires": {key: questionnaires[key] for key in sorted(questionnaires)},
        "assets": {key: (assets or {})[key] for key in sorted(assets or {})},
    }


def population_entries(
    population: dict[str, dict[str, int]], sources: dict[str, str]
) -> dict[str, Any]:
    """The area's population by equality-monitoring group (`content/population.csv`) and the
    ONS tables the figures come from: empty when there is no file."""
    return {"population": population, "population_sources": sources}
