"""The site's own pages in each language: home, news (paginated), consultations, "You said, we
did" and search under the language's folder (/cy/, /cy/blog/...), and its tag and category
pages, each listing the language's version of every post and consultation, or the original
where there is none yet (marked in its own language by the card).

Pelican writes these once, in the site's language; this generator writes them again for each
other language, with the same templates, after Pelican's own.
"""

from __future__ import annotations

import os
from typing import Any

from pelican.generators import Generator

from engagement.frontmatter import consultations
from engagement.translations import overlay, site
from engagement.translations import tags as language_tags


class LanguagePages(Generator):
    """Writes each other language's own pages (added to Pelican's generators by the plugin)."""

    def generate_context(self) -> None:
        """Nothing to read: the content is Pelican's."""

    def generate_output(self, writer: Any) -> None:
        articles = self.context.get("articles") or []
        self._empty_feeds(writer, articles)
        for code in self.settings["ENGAGE_LANGUAGES"]:
            chosen = [version_in(item, code) for item in articles]
            dates = sorted(chosen, key=lambda item: item.date)
            found = [item for item in chosen if item.kind == "consultation"]
            context = {
                **self.context,
                "CONSULTATIONS": consultations.group_by_status(found),
                "COMMITMENTS": [
                    (version, version.commitments or listed)
                    for item, listed in self.context.get("COMMITMENTS") or []
                    if (version := version_in(item, code))
                ],
                "articles": chosen,
                "dates": dates,
            }
            self._tag_pages(writer, context, chosen, code)
            own = overlay.own_pages(self.settings, code)
            for name in overlay.LOCALISED:
                save_as = self.settings.get(f"{name.upper()}_SAVE_AS")
                if not save_as:
                    continue
                url = own.get(f"{name.upper()}_URL", own["ENGAGE_HOME_URL"])
                writer.write_file(
                    f"{code}/{save_as}",
                    self.get_template(name),
                    context,
                    articles=chosen,
                    dates=dates,
                    blog=True,
                    template_name=name,
                    page_name=os.path.splitext(f"{code}/{save_as}")[0],
                    url=url,
                )

    def _tag_pages(self, writer: Any, context: dict, chosen: list[Any], code: str) -> None:
        """The language's tag and category pages (a category's paginated as Pelican's are)."""
        for kind, template in (("tags", "tag"), ("category", "category")):
            for tag, listed in language_tags.pages(chosen, code, kind).items():
                writer.write_file(
                    tag.save_as,
                    self.get_template(template),
                    context,
                    **{template: tag},
                    url=tag.url,
                    articles=listed,
                    dates=sorted(listed, key=lambda item: item.date),
                    template_name=template,
                    blog=True,
                    page_name=os.path.splitext(tag.save_as)[0],
                )

    def _empty_feeds(self, writer: Any, articles: list[Any]) -> None:
        """A language with no posts yet still has its feed, empty: the manifest and the pages
        name it, and a reader may subscribe before the first post."""
        pattern = self.settings.get("TRANSLATION_FEED_ATOM")
        if not pattern:
            return
        written = {item.lang_code for item in articles}
        written |= {other.lang_code for item in articles for other in item.translations}
        for code in site.codes(self.settings):
            if code not in written:
                writer.write_feed([], self.context, pattern.format(lang=code))


def version_in(item: Any, code: str) -> Any:
    """`item` in language `code` when it has that version, else `item` itself."""
    if item.lang_code == code:
        return item
    versions = getattr(item, "translations", [])
    return next((other for other in versions if other.lang_code == code), item)
