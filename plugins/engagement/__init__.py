"""The Engage plugin for Pelican: front-matter checks, questionnaires, the manifest, theme assets.

`register()` connects handlers to Pelican's signals and does nothing else at import, as Pelican's
own plugins do. The work is in small modules: `reader` (front matter), `questionnaires`,
`ground_rules`, `consultations`, `social`, `manifest`, `assets`, `youtube`; `build` ties one run
together.
"""

from __future__ import annotations

import logging
from typing import Any

from pelican import signals
from pelican.readers import MarkdownReader

from engagement.commitments.feed import add_status_changes
from engagement.frontmatter.reader import EngageMarkdownReader
from engagement.frontmatter.youtube import YouTubeExtension
from engagement.output.writer import EngageWriter
from engagement.translations.direct import LanguagePages
from theme import environment

from .build import EngagementBuild
from .problems import PROBLEMS, HideContentErrorTraceback
from .settings import apply_defaults

_current: EngagementBuild | None = None


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(on_run_start)
    signals.get_generators.connect(language_pages)
    signals.readers_init.connect(on_readers_init)
    signals.generator_init.connect(on_generator_init)
    signals.get_writer.connect(feed_writer)
    signals.all_generators_finalized.connect(on_content_ready)
    signals.finalized.connect(on_finished)
    signals.feed_generated.connect(on_feed)


def on_initialized(pelican: Any) -> None:
    """Check the settings and teach Markdown the video block (once per Pelican instance)."""
    pelican_logger = logging.getLogger("pelican")
    if not any(isinstance(f, HideContentErrorTraceback) for f in pelican_logger.filters):
        pelican_logger.addFilter(HideContentErrorTraceback())
    apply_defaults(pelican.settings)
    # The involvement report's words are read by the plugin for the manifest, never as pages,
    # even on a site whose ARTICLE_PATHS is the whole content folder (Pelican's default).
    involvement = pelican.settings["ENGAGE_INVOLVEMENT_PATH"]
    for name in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        excludes = pelican.settings.setdefault(name, [])
        if involvement not in excludes:
            excludes.append(involvement)
    markdown = pelican.settings.setdefault("MARKDOWN", {})
    extensions = markdown.setdefault("extensions", [])
    if not any(isinstance(extension, YouTubeExtension) for extension in extensions):
        extensions.append(YouTubeExtension())


def on_run_start(pelican: Any) -> None:
    """Each run (again on every change with --autoreload) starts with no problems recorded."""
    global _current
    PROBLEMS.reset()
    _current = EngagementBuild(pelican.settings)
    _current.start()


def language_pages(pelican: Any) -> type:
    """The site's own pages (home, news, consultations...) again in each other language."""
    return LanguagePages


def on_readers_init(readers: Any) -> None:
    """Markdown files are read by the reader that explains content errors."""
    for extension in MarkdownReader.file_extensions:
        readers.reader_classes[extension] = EngageMarkdownReader


def on_generator_init(generator: Any) -> None:
    """Templates can use the NHS.UK frontend macros and `render_once` (see `theme.environment`)."""
    environment.configure(generator.env, generator.settings["CACHE_PATH"], generator.context)


def feed_writer(pelican: Any) -> type:
    """Feeds get absolute links even in development builds; ENGAGE_WRITE_ONLY writes only the
    pages it names (`output.writer`)."""
    return EngageWriter


def on_feed(context: dict[str, Any], feed: Any) -> None:
    """The consultations feed also tells each change in a commitment's status."""
    add_status_changes(context, feed)


def on_content_ready(generators: list[Any]) -> None:
    if _current is not None:
        _current.complete(generators)


def on_finished(pelican: Any) -> None:
    if _current is not None:
        _current.finish(pelican.output_path)
