"""Themes: each consultation's code frame, and what staff coded with it.

A consultation is its page's address. What can be coded there: the free-text answers to its
questionnaire (one item per response and field, "Other, please say" included) and what people
said on the page and about it on social media (published site comments and reviewed social
items; not our own replies, nor anything waiting, rejected, spam or deleted upstream). An item
once coded carries any number of the page's themes, or none ("no theme fits"); either way it
leaves the queue. The figures are SQL aggregates over the tags.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import aliased

from contract.vocabulary import CommentStatus
from feedback_api.storage.answers.models import AnswerRow
from feedback_api.storage.learning.models import CodedItem, Theme, ThemeTag
from feedback_api.storage.models import Comment, QuestionnaireResponse, db

NAME_MAX = 80
CODABLE = (CommentStatus.APPROVED.value, CommentStatus.REVIEWED.value)


class ThemeProblem(ValueError):
    """A theme's name that cannot be used (empty, too long, already in the frame)."""


@dataclass(frozen=True)
class Item:
    """Something to code: a comment (`comment_id`) or one answer (`response_id`, `field`)."""

    comment_id: int | None = None
    response_id: int | None = None
    field: str | None = None

    @property
    def key(self) -> str:
        """The item in a form's field or an address: `c12` or `r7:why`."""
        if self.comment_id is not None:
            return f"c{self.comment_id}"
        return f"r{self.response_id}:{self.field}"

    @classmethod
    def from_key(cls, key: str) -> Item | None:
        """The item a key names, or None for anything else."""
        if key.startswith("c") and key[1:].isdigit() and len(key) < 20:
            return cls(comment_id=int(key[1:]))
        number, _, field = key[1:].partition(":")
        if key.startswith("r") and number.isdigit() and len(number) < 19 and field:
            return cls(response_id=int(number), field=field[:120])
        return None


# --- The frame ----------------------------------------------------------------------------


def frame(page: str) -> list[Theme]:
    """The page's themes in the order they were added."""
    query = select(Theme).where(Theme.page == page).order_by(Theme.id)
    return list(db.session.scalars(query).all())


def _checked_name(page: str, name: str, theme_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ThemeProblem("Enter a name for the theme.")
    if len(name) > NAME_MAX:
        raise ThemeProblem(f"A theme's name must be {NAME_MAX} characters or fewer.")
    same = select(Theme.id).where(
        Theme.page == page, func.lower(Theme.name) == name.lower(), Theme.id != (theme_id or 0)
    )
    if db.session.scalar(same) is not None:
        raise ThemeProblem(f"There is already a theme called \u2018{name}\u2019.")
    return name


def add_theme(page: str, name: str, description: str | None = None) -> Theme:
    """A new theme in the page's frame; ThemeProblem for a name that cannot be used."""
    theme = Theme(page=page, name=_checked_name(page, name), description=description or None)
    db.session.add(theme)
    db.session.flush()
    return theme


def rename_theme(theme: Theme, name: str, description: str | None = None) -> None:
    theme.name = _checked_name(theme.page, name, theme.id)
    theme.description = description or None


def remove_theme(theme: Theme) -> None:
    """The theme and its tags (the items stay coded, with their other themes)."""
    db.session.execute(delete(ThemeTag).where(ThemeTag.theme_id == theme.id))
    db.session.delete(theme)


def get_theme(theme_id: int) -> Theme | None:
    return db.session.get(Theme, theme_id)


# --- What there is to code ------------------------------------------------------------------


def coded_keys(page: str) -> set[str]:
    """The keys of the page's items already coded."""
    query = select(CodedItem.comment_id, CodedItem.response_id, CodedItem.field).where(
        CodedItem.page == page
    )
    return {Item(*row).key for row in db.session.execute(query)}


# --- Coding ---------------------------------------------------------------------------------


def coded_item(page: str, item: Item) -> CodedItem | None:
    query = select(CodedItem).where(CodedItem.page == page)
    if item.comment_id is not None:
        query = query.where(CodedItem.comment_id == item.comment_id)
    else:
        query = query.where(
            CodedItem.response_id == item.response_id, CodedItem.field == item.field
        )
    return db.session.scalar(query)


def themes_of(coded: CodedItem) -> list[int]:
    query = select(ThemeTag.theme_id).where(ThemeTag.item_id == coded.id)
    return sorted(db.session.scalars(query))


def code(page: str, item: Item, theme_ids: Iterable[int], user_id: int | None) -> CodedItem:
    """Code the item with exactly these of the page's themes (none: "no theme fits"); ids of
    other pages' themes are ignored. Coding it again replaces its themes."""
    mine = {theme.id for theme in frame(page)}
    chosen = sorted({int(t) for t in theme_ids} & mine)
    found = coded_item(page, item)
    if found is None:
        found = CodedItem(
            page=page,
            comment_id=item.comment_id,
            response_id=item.response_id,
            field=item.field,
            coded_by=user_id,
        )
        db.session.add(found)
        db.session.flush()
    else:
        found.coded = datetime.datetime.now(datetime.UTC)
        found.coded_by = user_id
        db.session.execute(delete(ThemeTag).where(ThemeTag.item_id == found.id))
    db.session.add_all(ThemeTag(item_id=found.id, theme_id=theme_id) for theme_id in chosen)
    db.session.flush()
    return found


# --- Figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagCount:
    """How many items of one kind ("answer", "comment" or "social") carry a theme, through one
    channel, from people in one group (an equality answer's value, for answers only)."""

    theme_id: int
    kind: str
    channel: str | None
    group: str | None
    count: int


def tag_counts(page: str, by: str | None = None) -> list[TagCount]:
    """Per theme, kind and channel (and, for answers, the answer each person gave to the
    question `by`): how many tagged items, in two GROUP BY queries."""
    group = aliased(AnswerRow)  # the person's answer to `by`, from the answer index
    columns = [ThemeTag.theme_id, QuestionnaireResponse.channel, *([group.value] if by else [])]
    answers = (
        select(*columns, func.count())
        .select_from(ThemeTag)
        .join(CodedItem, CodedItem.id == ThemeTag.item_id)
        .join(QuestionnaireResponse, QuestionnaireResponse.id == CodedItem.response_id)
    )
    if by:
        on = and_(group.response_id == QuestionnaireResponse.id, group.question == by)
        on = and_(on, group.first.is_(True))
        answers = answers.outerjoin(group, on)
    answers = answers.where(CodedItem.page == page, QuestionnaireResponse.spam.is_(False))
    answers = answers.group_by(*columns)
    said = (
        select(ThemeTag.theme_id, Comment.source, Comment.channel, func.count())
        .join(CodedItem, CodedItem.id == ThemeTag.item_id)
        .join(Comment, Comment.id == CodedItem.comment_id)
        .where(CodedItem.page == page, Comment.status.in_(CODABLE), Comment.gone.is_(None))
        .group_by(ThemeTag.theme_id, Comment.source, Comment.channel)
    )
    found = [
        TagCount(row[0], "answer", row[1], row[2] if by else None, row[-1])
        for row in db.session.execute(answers)
    ]
    found += [
        TagCount(row[0], "comment" if row[1] == "site" else "social", row[2], None, row[3])
        for row in db.session.execute(said)
    ]
    return found


def tagged(page: str, theme_id: int, limit: int) -> Sequence[CodedItem]:
    """The latest items coded with a theme (for its quotes)."""
    query = (
        select(CodedItem)
        .join(ThemeTag, ThemeTag.item_id == CodedItem.id)
        .where(CodedItem.page == page, ThemeTag.theme_id == theme_id)
        .order_by(CodedItem.coded.desc(), CodedItem.id.desc())
        .limit(limit)
    )
    return db.session.scalars(query).all()


def tag_totals(page: str) -> dict[int, int]:
    """How many items carry each of the page's themes: every tag, so what removing a theme
    would take away (the frame page shows it and asks before removing)."""
    query = (
        select(ThemeTag.theme_id, func.count())
        .join(Theme, Theme.id == ThemeTag.theme_id)
        .where(Theme.page == page)
        .group_by(ThemeTag.theme_id)
    )
    return {theme_id: count for theme_id, count in db.session.execute(query)}
