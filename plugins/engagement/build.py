"""One Pelican run as the plugin sees it: data files loaded, content completed, manifest written.

Everything the theme and the manifest need is worked out once here, on the content objects, so
templates only display facts and the manifest and the pages can never disagree.
"""

from __future__ import annotations

import datetime
import difflib
import zoneinfo
from pathlib import Path
from typing import Any

from pelican.generators import ArticlesGenerator, PagesGenerator

from contract.questionnaires import in_language
from engagement.commitments import attach as commitments_site
from engagement.commitments import definitions as commitments
from engagement.frontmatter import consultations, ground_rules
from engagement.frontmatter.fields import parse_day
from engagement.frontmatter.reader import CONSULTATION_CATEGORY
from engagement.involvement import definitions as involvement
from engagement.output import baked_comments, manifest, responsiveness, search_index
from engagement.output.assets import ThemeAssets
from engagement.output.social import social_copy
from engagement.questionnaires import definitions as questionnaires
from engagement.questionnaires import population
from engagement.translations import overlay, versions
from engagement.translations import site as site_languages
from engagement.translations import tags as language_tags

from .problems import PROBLEMS, line_of_field, shown_path


class EngagementBuild:
    """State for one run of Pelican."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.content_root = Path(settings["PATH"]).resolve()
        self.display_root = self.content_root.parent
        self.assets = ThemeAssets(settings)
        self.questionnaires: dict[str, dict] = {}
        self.ground_rules: list[dict[str, str]] = []
        self.commitments: dict[str, list[dict]] = {}
        self.commitment_translations: dict[tuple[str, str], list[dict]] = {}
        self.population: dict[str, dict[str, int]] = {}
        self.population_sources: dict[str, str] = {}
        self.involvement: tuple[list[dict], list[dict]] = ([], [])
        self.manifest: dict[str, Any] | None = None
        self.search_index: list[dict[str, Any]] | None = None
        self.comments: dict[str, dict[str, Any]] = {}
        self.responsiveness: dict[str, Any] | None = None

    def start(self) -> None:
        """Read the data files and begin compiling the styles while Pelican reads content."""
        folder = self.content_root / self.settings["ENGAGE_QUESTIONNAIRES_PATH"]
        self.questionnaires, faults = questionnaires.load_all(
            folder, self.display_root, self.settings["ENGAGE_LANGUAGES"]
        )
        for source, (line, field, message) in faults:
            PROBLEMS.add(source, field or None, message, line)
        rules_path = self.content_root / self.settings["ENGAGE_GROUND_RULES_FILE"]
        self.ground_rules, faults = ground_rules.load(rules_path)
        for line, field, message in faults:
            PROBLEMS.add(self._shown(rules_path), field or None, message, line)
        population_path = self.content_root / self.settings["ENGAGE_POPULATION_FILE"]
        self.population, self.population_sources, faults = population.load(population_path)
        for line, field, message in faults:
            PROBLEMS.add(self._shown(population_path), field or None, message, line)
        folder = self.content_root / self.settings["ENGAGE_COMMITMENTS_PATH"]
        self.commitments, self.commitment_translations, faults = commitments.load_all(
            folder, self.display_root, self._today(), self.settings["ENGAGE_LANGUAGES"]
        )
        for source, (line, field, message) in faults:
            PROBLEMS.add(source, field or None, message, line)
        folder = self.content_root / self.settings["ENGAGE_INVOLVEMENT_PATH"]
        sections, cases, faults = involvement.load_all(folder, self.display_root)
        self.involvement = (sections, cases)
        for source, (line, field, message) in faults:
            PROBLEMS.add(source, field, message, line)
        export_path = self.settings["ENGAGE_COMMENTS_EXPORT"]
        export = baked_comments.read(export_path)
        self.comments = baked_comments.pages_of(export)
        self.responsiveness = responsiveness.load(export, export_path)
        self.assets.start()

    def complete(self, generators: list[Any]) -> None:
        """Give content objects the facts the theme and manifest use; check across files."""
        articles = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
        pages = next((g for g in generators if isinstance(g, PagesGenerator)), None)
        published: list[Any] = []  # in the site's language, or in no other (the lists show these)
        translated: list[Any] = []  # the other languages' versions of those
        today = self._today()
        used_by: dict[str, tuple[str, str]] = {}
        every: list[Any] = []  # drafts too
        if articles is not None:
            published += articles.articles + articles.hidden_articles
            translated += articles.translations + articles.hidden_translations
            for article in (
                *articles.articles,
                *articles.hidden_articles,
                *articles.drafts,
                *articles.translations,
                *articles.hidden_translations,
                *articles.drafts_translations,
            ):
                self._complete_article(article, today, used_by)
                every.append(article)
        if pages is not None:
            published += pages.pages + pages.hidden_pages
            translated += pages.translations + pages.hidden_translations
            for page in (
                *pages.pages,
                *pages.hidden_pages,
                *pages.draft_pages,
                *pages.translations,
                *pages.hidden_translations,
                *pages.draft_translations,
            ):
                _complete_common(page, kind="page")
                every.append(page)
        versions.complete(every, self.settings)
        order = {code: n for n, code in enumerate(site_languages.codes(self.settings))}
        for item in every:  # in the site's order of languages, so feeds are the same each build
            item.translations.sort(key=lambda other: order.get(other.lang_code, len(order)))
        language_tags.localise(
            every,
            self.settings,
            site_languages.codes(self.settings)[0],
            language_tags.category_names(self.settings),
        )
        self._check_unique_urls(published + translated)
        self._check_reports(published + translated)
        self._attach_commitments(articles, published)
        self._check_involvement(published)
        context = generators[0].context
        found = [a for a in published if a.kind == "consultation"]
        context["CONSULTATIONS"] = consultations.group_by_status(found)
        context["GROUND_RULES"] = self.ground_rules
        context["QUESTIONNAIRES"] = self.questionnaires
        context["CONSULTATION_STATUS_LABELS"] = consultations.STATUS_LABELS
        context["COMMITMENTS"] = groups = commitments_site.by_consultation(found)
        context["COMMITMENT_COUNTS"] = commitments.status_counts(
            [item for _, listed in groups for item in listed]
        )
        context["ENGAGE_BUILD_DAY"] = today
        context["RESPONSIVENESS"] = self.responsiveness
        PROBLEMS.raise_if_any(self.settings["ENGAGE_PROBLEMS_REPORT"])
        # The theme's `asset()` links these names; the API's pages learn them from the manifest.
        context["ENGAGE_ASSETS"] = assets = self.assets.compiled()
        context["ENGAGE_HOME_URL"] = ""
        context["ENGAGE_LANGUAGE_CONTEXT"] = overlays = overlay.overlays(
            self.settings, versions.addresses(published)
        )
        context["ENGAGE_SITE_LANGUAGES"] = site_languages.manifest_form(self.settings, overlays)
        self.manifest = manifest.build(
            self.settings, published + translated, self.questionnaires, self.ground_rules, assets
        )
        self.manifest["site"]["languages"] = context["ENGAGE_SITE_LANGUAGES"]  # with the overlays
        self.manifest |= manifest.population_entries(self.population, self.population_sources)
        self.manifest["involvement"] = involvement.manifest_form(*self.involvement)
        self.search_index = search_index.build(published + translated)

    def finish(self, output_path: str) -> None:
        """Put the compiled assets in place, then write the search index and the manifest that
        names them."""
        output = Path(output_path)
        self.assets.finish(output)
        if self.search_index is not None:
            search_index.write(output, self.search_index)
        if self.manifest is not None:
            manifest.write(output / self.settings["ENGAGE_MANIFEST"], self.manifest)

    def _complete_article(
        self, article: Any, today: datetime.date, used_by: dict[str, str]
    ) -> None:
        is_consultation = str(getattr(article, "category", "")) == CONSULTATION_CATEGORY
        _complete_common(article, kind="consultation" if is_consultation else "article")
        article.approved_comments = self.comments.get(article.url_path)
        figures = self.responsiveness
        article.responsiveness = figures["pages"].get(article.url_path) if figures else None
        article.comments_open = str(getattr(article, "comments", "open")).lower() != "closed"
        if not is_consultation:
            return
        article.opens = parse_day(article.metadata["opens"])
        article.closes = parse_day(article.metadata["closes"])
        article.consultation_status = consultations.status(
            article.opens, article.closes, today, self.settings["ENGAGE_CLOSING_SOON_DAYS"]
        )
        article.consultation_status_label = consultations.STATUS_LABELS[article.consultation_status]
        if article.consultation_status == "closed":
            article.comments_open = False
        article.body_html, article.outcome_html = consultations.split_outcome(article.content)
        article.report = str(article.metadata.get("report") or "").strip() or None
        wanted = article.metadata.get("questionnaire")
        if wanted:
            self._attach_questionnaire(article, str(wanted), used_by)

    def _attach_questionnaire(self, article: Any, wanted: str, used_by: dict[str, str]) -> None:
        source = self._shown(Path(article.source_path))
        definition = self.questionnaires.get(wanted)
        if definition is None:
            known = ", ".join(sorted(self.questionnaires)) or "none yet"
            PROBLEMS.add(
                source,
                "Questionnaire",
                f"there is no questionnaire '{wanted}': add content/questionnaires/{wanted}.yaml "
                f"or use one that exists ({known}).",
                line_of_field(Path(article.source_path), "questionnaire"),
            )
            return
        # A consultation's versions in other languages share its questionnaire.
        other, slug = used_by.get(wanted, (source, article.slug))
        if other != source and slug != article.slug:
            PROBLEMS.add(
                source,
                "Questionnaire",
                f"'{wanted}' is already used by {other}: each consultation needs its "
                "own questionnaire, because its opening and closing dates apply to the answers.",
                line_of_field(Path(article.source_path), "questionnaire"),
            )
            return
        if other != source and definition.get("opens") != article.opens.isoformat():
            PROBLEMS.add(
                source,
                "Opens",
                f"{article.opens} is not the day {other} opens ({definition['opens']}): the "
                "versions of a consultation in each language open and close on the same days, "
                "as they share a questionnaire.",
                line_of_field(Path(article.source_path), "opens"),
            )
            return
        if other != source and definition.get("closes") != article.closes.isoformat():
            PROBLEMS.add(
                source,
                "Closes",
                f"{article.closes} is not the day {other} closes ({definition['closes']}): the "
                "versions of a consultation in each language open and close on the same days, "
                "as they share a questionnaire.",
                line_of_field(Path(article.source_path), "closes"),
            )
            return
        used_by.setdefault(wanted, (source, article.slug))
        definition["opens"] = article.opens.isoformat()
        definition["closes"] = article.closes.isoformat()
        code = site_languages.code_of(article.lang, self.settings)
        translated = code in definition.get("translations", {})
        if code and code != site_languages.codes(self.settings)[0] and not translated:
            PROBLEMS.add(
                source,
                "Questionnaire",
                f"'{wanted}' has no version in this page's language ({code}): add "
                f"content/questionnaires/{wanted}.{code}.yaml, a copy of {wanted}.yaml with the "
                "words translated.",
                line_of_field(Path(article.source_path), "questionnaire"),
            )
            return
        article.questionnaire = in_language(definition, code)

    def _check_unique_urls(self, items: list[Any]) -> None:
        seen: dict[str, str] = {}
        for item in items:
            source = self._shown(Path(item.source_path))
            if item.url_path in seen:
                PROBLEMS.add(
                    source,
                    None,
                    f"it would be published at {item.url_path}, like {seen[item.url_path]}: "
                    "rename one of the files (the file name is the address).",
                )
            seen.setdefault(item.url_path, source)

    def _check_reports(self, items: list[Any]) -> None:
        """A consultation's `Report:` on this site must be a page of it, or a file in the
        content's static folders: a broken link after "You said, we did" lets readers down."""
        addresses = {item.url_path for item in items}
        for item in items:
            report = item.report
            if not report or not report.startswith("/"):
                continue
            path = report.split("#")[0].split("?")[0]
            if path in addresses or (self.content_root / path.lstrip("/")).is_file():
                continue
            close = difflib.get_close_matches(path, sorted(addresses), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}? " if close else ""
            PROBLEMS.add(
                self._shown(Path(item.source_path)),
                "Report",
                f"{report} is not a page of this site: {hint}Give the address of a page in "
                "content/pages/ (e.g. /maternity-summary-report/) or a full https:// address.",
                line_of_field(Path(item.source_path), "report"),
            )

    def _attach_commitments(self, articles: Any, published: list[Any]) -> None:
        """Each consultation (drafts too) gets its commitments; a file for no consultation, or
        evidence that is no page of the site, is a problem in that file."""
        every = (
            [
                *articles.articles,
                *articles.hidden_articles,
                *articles.drafts,
                *articles.translations,  # a consultation's versions share its commitments
                *articles.hidden_translations,
                *articles.drafts_translations,
            ]
            if articles
            else []
        )
        addresses = {item.url_path for item in published}
        folder = self.content_root / self.settings["ENGAGE_COMMITMENTS_PATH"]
        found = [item for item in every if item.kind == "consultation"]
        for stem, field, message in commitments_site.attach(
            found, self.commitments, addresses, self.content_root
        ):
            path = next(folder.glob(f"{stem}.y*ml"), folder / f"{stem}.yaml")
            PROBLEMS.add(self._shown(path), field, message)
        for item in found:  # a version with its language's words, where they are written
            words = self.commitment_translations.get((item.slug, getattr(item, "lang_code", "")))
            if words is not None:
                item.commitments = words

    def _check_involvement(self, published: list[Any]) -> None:
        """A case study's `Consultation:` must be a published consultation of this site, and
        the report's links to this site must be its pages or files."""
        sections, cases = self.involvement
        found = {item.slug: item.url_path for item in published if item.kind == "consultation"}
        addresses = {item.url_path for item in published} | _direct_pages(self.settings)
        faults = [*involvement.join(cases, found)]
        faults += involvement.broken_links(sections + cases, addresses, self.content_root)
        for item, (line, field, message) in faults:
            PROBLEMS.add(item["shown"], field, message, line)

    def _today(self) -> datetime.date:
        if self.settings["ENGAGE_TODAY"]:
            return datetime.date.fromisoformat(self.settings["ENGAGE_TODAY"])
        zone = zoneinfo.ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        return datetime.datetime.now(zone).date()

    def _shown(self, path: Path) -> str:
        return shown_path(path, self.display_root)


def _direct_pages(settings: dict[str, Any]) -> set[str]:
    """The addresses of the site's own pages that no content file makes (/you-said-we-did/)."""
    found = {"/"}
    for name in settings.get("DIRECT_TEMPLATES", ()):
        url = settings.get(f"{name.upper()}_URL")
        if isinstance(url, str):
            found.add("/" + url.lstrip("/"))
    return found


def _complete_common(item: Any, kind: str) -> None:
    """Facts every page has: its kind, site-relative path and social copy."""
    item.kind = kind
    item.url_path = "/" + item.url if not item.url.startswith("/") else item.url
    item.comments_open = False
    item.questionnaire = None
    item.opens = None
    item.closes = None
    item.report = None
    item.commitments = []
    item.consultation_status = None
    tags = [str(tag) for tag in getattr(item, "tags", [])]
    item.social = (
        social_copy(item.metadata, tags) if kind != "page" else {"hashtags": [], "text": {}}
    )
