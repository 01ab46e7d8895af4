"""The writer every build uses: feeds with absolute links (FEED_DOMAIN) even in development
builds, and, when ENGAGE_WRITE_ONLY names pages, only those pages written.

The second is the worker's rebuild after a comment is approved: Pelican reads the content (from
its cache) as always, but only the page with the new comment is written again, so the cost of a
rebuild does not grow with the number of posts. Pelican 4.12 removed its own WRITE_SELECTED.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from pelican.writers import Writer

from contract.manifest import output_file
from engagement.translations import site as site_languages
from engagement.translations import versions
from theme import i18n


class EngageWriter(Writer):
    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        only = (settings or {}).get("ENGAGE_WRITE_ONLY") or []
        self.only = {output_file(url) for url in only} if only else None

    def write_file(
        self, name: str, template: Any, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        """Write one file in its language: with that language's gettext and the overlay of its
        settings (`translations.overlay`)."""
        if self.only is not None and str(PurePosixPath(name)) not in self.only:
            return None
        language = self._language(name, kwargs)
        if "article" not in kwargs and "page" not in kwargs and self.settings:
            own = versions.own_page(self.settings, kwargs.get("template_name") or "", language)
            if own is not None:
                kwargs["page_item"] = own
        context = {**context, **(context.get("ENGAGE_LANGUAGE_CONTEXT") or {}).get(language, {})}
        with i18n.rendering_in(language):
            return super().write_file(name, template, context, *args, **kwargs)

    def _language(self, name: str, values: dict[str, Any]) -> str:
        """The language a file is rendered in: its page's, else its folder's (/cy/...)."""
        item = values.get("article") or values.get("page")
        code = getattr(item, "lang_code", None)
        if code:
            return code
        settings = self.settings or {}
        default = settings.get("DEFAULT_LANG") or i18n.DEFAULT
        folder = (PurePosixPath(name).parts or ("",))[0]
        if folder not in settings.get("ENGAGE_LANGUAGES", ()):
            return default
        return site_languages.code_of(folder, settings) or default

    def write_feed(self, elements: Any, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        if self.only is not None:
            return None
        domain = context.get("FEED_DOMAIN")
        if domain:
            context = {**context, "SITEURL": domain}
        return super().write_feed(elements, context, *args, **kwargs)
