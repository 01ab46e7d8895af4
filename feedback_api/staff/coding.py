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
from feedback_api.storage.learning import themes as storage
from feedback_api.storage.learning.models import Theme
from feedback_api.storage.responses import responses_to
from feedback_api.theme import render_page

bp = Blueprint("coding", __name__, url_prefix="/admin/themes")
DESCRIPTION_MAX = 500
SUGGESTIONS = 15


@dataclass(frozen=True)
class Codable:
    """One thing to code: the storage layer's item, and what the queue shows of it (`answer`:
    its text as the reports hold it, so `.shown` is marked or redacted as they show it)."""

    item: storage.Item
    answer: report_text.TextAnswer
    what: str  # which question, or "Comment on the page", or "On Mastodon"
    channel: str

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


def _answers(definition: dict[str, Any], personal: bool) -> list[Codable]:
    """The free-text answers to the questionnaire, oldest first, in question order."""
    fields = report_text.text_fields(definition)
    found = []
    for response in responses_to(definition["id"]):
        for item in storage.answer_items([response], fields):
            field = item.field or ""
            answer = report_text.TextAnswer(
                response.reference,
                response.created,
                field,
                fields[field],
                response.answers[field],
                (response.held_reasons or {}).get(field, []),
                personal,
            )
            found.append(Codable(item, answer, fields[field], channels.label(response.channel)))
    return found


def _said(url: str, personal: bool) -> list[Codable]:
    """What people said on the page and about it on social media, oldest first."""
    found = []
    for comment in storage.codable_comments(url):
        what = "Comment on the page"
        if comment.social:
            what = f"On {PLATFORM_NAMES.get(comment.source, comment.source)}"  # type: ignore[call-overload]
        answer = report_text.TextAnswer(
            f"comment {comment.id}",
            comment.created,
            "comment",
            what,
            comment.body,
            comment.held_reasons or [],
            personal,
        )
        item = storage.Item(comment_id=comment.id)
        found.append(Codable(item, answer, what, channels.label(comment.channel)))
    return found


def codables(page: dict[str, Any], personal: bool = False) -> list[Codable]:
    """Every item of the page that may be coded, oldest first: the free-text answers to its
    questionnaire (a response's in question order) and what people said, merged by time.
    `personal`: the text is shown with personal data marked (administrators), not redacted."""
    definition = _definition(page)
    found = _answers(definition, personal) if definition is not None else []
    found += _said(page["url"], personal)
    found.sort(key=lambda codable: codable.answer.created)  # stable: answers keep their order
    return found


def _counts(page: dict[str, Any], items: list[Codable] | None = None) -> dict[str, int]:
    """How many items the page has to code: `total`, `coded` and `left`."""
    items = codables(page) if items is None else items
    coded = storage.coded_keys(page["url"])
    done = sum(1 for codable in items if codable.key in coded)
    return {"total": len(items), "coded": done, "left": len(items) - done}


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


def _suggestions(items: list[Codable], themes: list[Theme]) -> dict[str, list[tuple]]:
    """The words and phrases people use most there, less those already a theme's name."""
    terms = report_text.frequent_terms([c.answer for c in items], top=SUGGESTIONS)
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
    items = codables(page)
    html = render_page(
        "admin/themes_frame.html",
        admin_section="themes",
        page=page,
        definition=_definition(page),
        themes=themes,
        totals=storage.tag_totals(page["url"]),
        counts=_counts(page, items),
        suggestions=_suggestions(items, themes),
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


def _next(items: list[Codable], coded: set[str], after: str | None) -> Codable | None:
    """The first uncoded item after the one keyed `after` (from the start when none follows)."""
    keys = [codable.key for codable in items]
    start = keys.index(after) + 1 if after in keys else 0
    for codable in items[start:] + items[:start]:
        if codable.key not in coded:
            return codable
    return None


def _queue_page(
    page: dict[str, Any],
    items: list[Codable],
    current: Codable | None,
    error: str | None = None,
    ticked: list[int] | None = None,
) -> Response:
    url = page["url"]
    coded = storage.coded_keys(url)
    themes = storage.frame(url)
    if current is not None and ticked is None:
        found = storage.coded_item(url, current.item)
        ticked = storage.themes_of(found) if found else []
    # Skip shows the next uncoded item other than this one; none when this is the last.
    following = current and _next(items, coded | {current.key}, current.key)
    definition = _definition(page)
    # The item just coded (or skipped, if it was coded before): a link to change its themes.
    after = request.args.get("after", "")
    previous = after if after in coded and after != getattr(current, "key", None) else None
    html = render_page(
        "admin/themes_code.html",
        admin_section="themes",
        page=page,
        previous=url_for("coding.queue", page=url, item=previous) if previous else None,
        themes=themes,
        current=current,
        recoding=current is not None and current.key in coded,
        ticked=ticked or [],
        skip=url_for("coding.queue", page=url, after=current.key) if following else None,
        left=sum(1 for codable in items if codable.key not in coded),
        total=len(items),
        error=error,
        report=url_for("reports.report", questionnaire_id=definition["id"], _anchor="themes")
        if definition
        else None,
    )
    return Response(html, status=400 if error else 200, mimetype="text/html")


def _personal() -> bool:
    """Personal data in what is coded, as the reports show it: administrators only."""
    return g.user.role == Role.ADMIN


@bp.get("/code")
@staff_required()
def queue() -> Response:
    """The next uncoded item, oldest first (`after`: the one skipped or just coded); `item`:
    one named item, coded or not, to code again."""
    page = _consultation(request.args.get("page"))
    items = codables(page, _personal())
    wanted = request.args.get("item")
    if wanted:
        current = next((codable for codable in items if codable.key == wanted), None)
        if current is None:
            raise FeedbackError("There is no such item to code in this consultation.", 404)
    else:
        current = _next(items, storage.coded_keys(page["url"]), request.args.get("after"))
    return _queue_page(page, items, current)


@bp.post("/code")
@staff_required()
def save() -> Response:
    """Code the item with the ticked themes ("save") or with none ("none"), then the next one."""
    page = _consultation(request.args.get("page"))
    items = codables(page, _personal())
    key = request.form.get("item", "")
    current = next((codable for codable in items if codable.key == key), None)
    if current is None:
        raise FeedbackError("There is no such item to code in this consultation.", 404)
    themes = {theme.id: theme for theme in storage.frame(page["url"])}
    asked = [int(v) for v in request.form.getlist("theme") if v.isdigit() and len(v) < 12]
    chosen = [theme_id for theme_id in dict.fromkeys(asked) if theme_id in themes]
    nothing = request.form.get("action") == "none"
    if nothing:
        chosen = []
    elif not chosen:
        problem = "Tick at least one theme, or choose \u201cNo theme fits\u201d."
        return _queue_page(page, items, current, problem, [])
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
