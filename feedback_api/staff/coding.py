"""Theme coding (/admin/themes): each consultation's code frame, edited here, and a queue of what
people wrote there (free-text answers, comments on the page, social media items about it), one
item at a time, oldest first, coded with any number of the frame's themes, or none.

The queue is a plain form that works with the keyboard alone (Tab, Space, Enter); engage.js adds
keys (`data-engage-coding`): 1-9 tick the themes, Enter saves, "n" means no theme fits, "s"
skips. Moderators read the text with personal data replaced by what it was; administrators see
it marked, as in the reports. Every change is written to the audit log in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, flash, g, redirect, request, url_for

from contract import channels
from contract.vocabulary import AuditAction, Role
from feedback_api.errors import FeedbackError
from feedback_api.staff.auth import staff_required
from feedback_api.staff.moderation_view import PLATFORM_NAMES
from feedback_api.staff.reports import text as report_text
from feedback_api.storage import audit, transaction
from feedback_api.storage.learning import coding_queue
from feedback_api.storage.learning import themes as storage
from feedback_api.storage.learning.models import Theme
from feedback_api.theme import render_page

bp = Blueprint("coding", __name__, url_prefix="/admin/themes")
DESCRIPTION_MAX = 500
SUGGESTIONS = 15
SUGGEST_FROM = 2000  # the frame's suggestions read the latest items, this many at most


@dataclass(frozen=True)
class Codable:
    """One thing to code: the storage layer's item, and what the queue shows of it (`answer`:
    its text as the reports hold it, so `.shown` is marked or redacted as they show it)."""

    item: storage.Item
    answer: report_text.TextAnswer
    what: str  # which question, or "Comment on the page", or "On Mastodon"
    channel: str
    place: coding_queue.Place  # where it is in the queue's order

    @property
    def key(self) -> str:
        return self.item.key


# --- Consultations and what there is to code --------------------------------------------------


def _pages() -> list[dict[str, Any]]:
    """The consultation pages, and any other page with a questionnaire, by title."""
    pages = current_app.extensions["engage_manifest"].get().pages.values()
    found = [p for p in pages if p.get("kind") == "consultation" or p.get("questionnaire")]
    return sorted(found, key=lambda p: (p.get("title") or p["url"]).lower())


def _consultation(url: str | None) -> dict[str, Any]:
    """The manifest's entry for the consultation page `url`; 404 for any other address."""
    page = next((p for p in _pages() if p["url"] == url), None)
    if page is None:
        raise FeedbackError("There is no consultation at that address to code.", 404)
    return page


def _definition(page: dict[str, Any]) -> dict[str, Any] | None:
    questionnaires = current_app.extensions["engage_manifest"].get().questionnaires
    return questionnaires.get(page.get("questionnaire") or "")


def _scope(page: dict[str, Any]) -> coding_queue.Scope:
    definition = _definition(page)
    return coding_queue.Scope(
        page["url"], definition["id"] if definition else None, [*_labels(page)]
    )


def _labels(page: dict[str, Any]) -> dict[str, str]:
    """What staff call each free-text field of the page's questionnaire."""
    return report_text.text_fields(_definition(page) or {"questions": []})


def _codable(
    page: dict[str, Any],
    found: coding_queue.Found,
    personal: bool,
    labels: dict[str, str] | None = None,
) -> Codable:
    """What the queue shows of an item: its text as the reports hold it, and what it is."""
    if found.item.comment_id is None:
        labels = _labels(page) if labels is None else labels
        what = labels.get(found.item.field or "", found.item.field)
        reference, field = found.reference or "", found.item.field or ""
    else:
        what = "Comment on the page"
        if found.source != "site":
            what = f"On {PLATFORM_NAMES.get(found.source, found.source)}"  # type: ignore[call-overload]
        reference, field = f"comment {found.item.comment_id}", "comment"
    answer = report_text.TextAnswer(
        reference, found.place.created, field, what or "", found.text, found.reasons, personal
    )
    return Codable(found.item, answer, what or "", channels.label(found.channel), found.place)


def _counts(page: dict[str, Any]) -> dict[str, int]:
    """How many items the page has to code: `total`, `coded` and `left`."""
    return coding_queue.counts(_scope(page))


# --- The list and the frame ---------------------------------------------------------------------


@bp.get("/")
@staff_required()
def index() -> str:
    """Every consultation with its number of themes, items left to code and items coded."""
    listed = [
        {"page": page, "themes": len(storage.frame(page["url"])), **_counts(page)}
        for page in _pages()
    ]
    return render_page("admin/themes.html", admin_section="themes", listed=listed)


def _suggestions(page: dict[str, Any], themes: list[Theme]) -> dict[str, list[tuple]]:
    """The words and phrases people use most there (in the latest SUGGEST_FROM items), less
    those already a theme's name."""
    latest = coding_queue.latest(_scope(page), SUGGEST_FROM)
    labels = _labels(page)
    answers = [_codable(page, found, False, labels).answer for found in latest]
    terms = report_text.frequent_terms(answers, top=SUGGESTIONS)
    taken = {theme.name.casefold() for theme in themes}
    # A word only one person used is no pattern yet (phrases already need two).
    return {
        kind: [(term, n) for term, n in found if term not in taken and n >= 2]
        for kind, found in terms.items()
    }


def _frame_page(
    page: dict[str, Any],
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    themes = storage.frame(page["url"])
    html = render_page(
        "admin/themes_frame.html",
        admin_section="themes",
        page=page,
        definition=_definition(page),
        themes=themes,
        totals=storage.tag_totals(page["url"]),
        counts=_counts(page),
        suggestions=_suggestions(page, themes),
        errors=errors or {},
        values=values or {},
    )
    return Response(html, status=400 if errors else 200, mimetype="text/html")


@bp.get("/frame")
@staff_required()
def frame() -> Response:
    """The consultation's themes, forms to add, rename and remove them, and suggestions."""
    return _frame_page(_consultation(request.args.get("page")))


def _theme(page: dict[str, Any]) -> Theme:
    """The theme the form names, only if it is in this page's frame."""
    number = request.form.get("theme", "")
    theme = storage.get_theme(int(number)) if number.isdigit() and len(number) < 12 else None
    if theme is None or theme.page != page["url"]:
        raise FeedbackError("There is no such theme in this consultation's frame.", 404)
    return theme


def _description(field: str) -> tuple[str, str | None]:
    text = " ".join(request.form.get(field, "").split())
    if len(text) > DESCRIPTION_MAX:
        return text, f"A description must be {DESCRIPTION_MAX} characters or fewer."
    return text, None


def _back_to_frame(page: dict[str, Any], message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("coding.frame", page=page["url"]), code=303)


@bp.post("/frame/add")
@staff_required()
def add() -> Response:
    """A new theme in the frame (from the form, or a suggestion's button)."""
    page = _consultation(request.args.get("page"))
    name = request.form.get("name", "")
    description, problem = _description("description")
    values = {"name": name, "description": description}
    if problem:
        return _frame_page(page, {"description": problem}, values)
    try:
        with transaction():
            theme = storage.add_theme(page["url"], name, description)
            audit.record(
                AuditAction.THEME_ADDED,
                target=f"theme {theme.id}",
                user=g.user,
                after={"page": page["url"], "name": theme.name, "description": description},
            )
    except storage.ThemeProblem as trouble:
        return _frame_page(page, {"name": str(trouble)}, values)
    return _back_to_frame(page, f"Added the theme \u2018{theme.name}\u2019.")


@bp.post("/frame/rename")
@staff_required()
def rename() -> Response:
    """A theme's new name and description; its tags stay."""
    page = _consultation(request.args.get("page"))
    theme = _theme(page)
    name = request.form.get("name", "")
    description, problem = _description("description")
    field = f"theme-{theme.id}"
    values = {f"{field}-name": name, f"{field}-description": description}
    if problem:
        return _frame_page(page, {f"{field}-description": problem}, values)
    before = {"name": theme.name, "description": theme.description}
    try:
        with transaction():
            storage.rename_theme(theme, name, description)
            audit.record(
                AuditAction.THEME_RENAMED,
                target=f"theme {theme.id}",
                user=g.user,
                before=before,
                after={"name": theme.name, "description": theme.description},
            )
    except storage.ThemeProblem as trouble:
        return _frame_page(page, {f"{field}-name": str(trouble)}, values)
    return _back_to_frame(page, f"Saved the theme \u2018{theme.name}\u2019.")


@bp.post("/frame/remove")
@staff_required()
def remove() -> Any:
    """Remove a theme and its tags, once the member of staff has confirmed how many go."""
    page = _consultation(request.args.get("page"))
    theme = _theme(page)
    tags = storage.tag_totals(page["url"]).get(theme.id, 0)
    if request.form.get("confirm") != "yes":
        return render_page(
            "admin/themes_remove.html", admin_section="themes", page=page, theme=theme, tags=tags
        )
    name = theme.name
    with transaction():
        audit.record(
            AuditAction.THEME_REMOVED,
            target=f"theme {theme.id}",
            user=g.user,
            before={"page": page["url"], "name": name, "tags": tags},
        )
        storage.remove_theme(theme)
    return _back_to_frame(
        page, f"Removed the theme \u2018{name}\u2019 and its {tags} tag{'s' if tags != 1 else ''}."
    )


# --- The queue ------------------------------------------------------------------------------


def _queue_page(
    page: dict[str, Any],
    current: Codable | None,
    error: str | None = None,
    ticked: list[int] | None = None,
) -> Response:
    url = page["url"]
    scope = _scope(page)
    themes = storage.frame(url)
    found = storage.coded_item(url, current.item) if current is not None else None
    if current is not None and ticked is None:
        ticked = storage.themes_of(found) if found else []
    # Skip shows the next uncoded item other than this one; none when this is the last.
    following = current and coding_queue.next_uncoded(scope, current.place, current.item)
    definition = _definition(page)
    # The item just coded (or skipped, if it was coded before): a link to change its themes.
    after = request.args.get("after", "")
    before = storage.Item.from_key(after)
    previous = None
    if before is not None and after != getattr(current, "key", None):
        previous = after if storage.coded_item(url, before) is not None else None
    counted = coding_queue.counts(scope)
    html = render_page(
        "admin/themes_code.html",
        admin_section="themes",
        page=page,
        previous=url_for("coding.queue", page=url, item=previous) if previous else None,
        themes=themes,
        current=current,
        recoding=found is not None,
        ticked=ticked or [],
        skip=url_for("coding.queue", page=url, after=current.key) if following else None,
        left=counted["left"],
        total=counted["total"],
        error=error,
        report=url_for("reports.report", questionnaire_id=definition["id"], _anchor="themes")
        if definition
        else None,
    )
    return Response(html, status=400 if error else 200, mimetype="text/html")


def _named(page: dict[str, Any], key: str, personal: bool) -> Codable:
    """The page's item with this key, coded or not; 404 for any other."""
    item = storage.Item.from_key(key)
    found = coding_queue.find(_scope(page), item) if item is not None else None
    if found is None:
        raise FeedbackError("There is no such item to code in this consultation.", 404)
    return _codable(page, found, personal)


def _personal() -> bool:
    """Personal data in what is coded, as the reports show it: administrators only."""
    return g.user.role == Role.ADMIN


@bp.get("/code")
@staff_required()
def queue() -> Response:
    """The next uncoded item, oldest first (`after`: the one skipped or just coded); `item`:
    one named item, coded or not, to code again."""
    page = _consultation(request.args.get("page"))
    personal = _personal()
    wanted = request.args.get("item")
    if wanted:
        return _queue_page(page, _named(page, wanted, personal))
    scope = _scope(page)
    after = storage.Item.from_key(request.args.get("after", ""))
    since = coding_queue.find(scope, after) if after is not None else None
    found = coding_queue.next_uncoded(scope, since.place if since else None)
    return _queue_page(page, _codable(page, found, personal) if found else None)


@bp.post("/code")
@staff_required()
def save() -> Response:
    """Code the item with the ticked themes ("save") or with none ("none"), then the next one."""
    page = _consultation(request.args.get("page"))
    current = _named(page, request.form.get("item", ""), _personal())
    themes = {theme.id: theme for theme in storage.frame(page["url"])}
    asked = [int(v) for v in request.form.getlist("theme") if v.isdigit() and len(v) < 12]
    chosen = [theme_id for theme_id in dict.fromkeys(asked) if theme_id in themes]
    nothing = request.form.get("action") == "none"
    if nothing:
        chosen = []
    elif not chosen:
        problem = "Tick at least one theme, or choose \u201cNo theme fits\u201d."
        return _queue_page(page, current, problem, [])
    with transaction():
        found = storage.coded_item(page["url"], current.item)
        earlier = storage.themes_of(found) if found else []
        before = {"themes": [themes[t].name for t in earlier if t in themes]}
        storage.code(page["url"], current.item, chosen, g.user.id)
        audit.record(
            AuditAction.ITEM_CODED,
            target=f"{page['url']} {current.key}",
            user=g.user,
            before=before if found else None,
            after={"themes": [themes[t].name for t in chosen]},
            detail="no theme fits" if nothing else ", ".join(themes[t].name for t in chosen),
        )
    return redirect(url_for("coding.queue", page=page["url"], after=current.key), code=303)
