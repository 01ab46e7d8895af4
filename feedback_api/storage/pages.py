"""The page rows: one per page that has received comments, with its approved count and a version.

Changes that readers can see (approve, reject an approved comment, edit or delete one) call
`changed` in the same transaction as the comment, so counts and cached lists can never disagree
with the comments; it tells `signals.page_changed` too (the site's rebuild).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from feedback_api import signals
from feedback_api.storage.models import Page, db


def ensure_page(url: str) -> None:
    """Create the page's row if it is the first comment there; safe under concurrent posts."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(Page).values(url=url).on_conflict_do_nothing(index_elements=["url"]))


def page_state(url: str) -> tuple[int, int]:
    """(version, approved count) of a page; (0, 0) for a page nobody has commented on."""
    row = db.session.execute(
        select(Page.version, Page.approved_count).where(Page.url == url)
    ).first()
    return (row.version, row.approved_count) if row else (0, 0)


def approved_counts(urls: Iterable[str]) -> dict[str, int]:
    """Approved comments per page, from the page rows: cheap however many comments exist."""
    wanted = list(dict.fromkeys(urls))
    rows = db.session.execute(
        select(Page.url, Page.approved_count).where(Page.url.in_(wanted))
    ).all()
    found = dict(rows)
    return {url: found.get(url, 0) for url in wanted}


def pages_with_approved_comments() -> list[str]:
    """Every page that has at least one approved comment."""
    query = select(Page.url).where(Page.approved_count > 0).order_by(Page.url)
    return list(db.session.scalars(query).all())


def commented_pages() -> list[str]:
    """Every page that has at least one comment, for the queue's page filter."""
    return list(db.session.scalars(select(Page.url).order_by(Page.url)).all())


def changed(url: str, was_visible: bool, is_visible: bool) -> None:
    """A comment on `url` was (and now is, or is not) visible to readers: keep the count true,
    and bump the version whenever what readers see changed."""
    if not (was_visible or is_visible):
        return
    signals.page_changed.send(current_app._get_current_object(), page=url)
    db.session.execute(
        update(Page)
        .where(Page.url == url)
        .values(
            version=Page.version + 1,
            approved_count=Page.approved_count + (int(is_visible) - int(was_visible)),
        )
    )
