"""The tables of what staff learn from what people said: each consultation's code frame and
what was coded with it, and the "You said, we did" status changes already announced."""

from __future__ import annotations

import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedback_api.storage.models import (
    ReadableString,
    ReadableText,
    UTCDateTime,
    db,
    utcnow,
)


class CommitmentNotice(db.Model):
    """One status change of a "You said, we did" commitment (a history entry of the manifest's
    commitment whose status differs from the entry before) that has been announced: mailed to
    the people who asked to hear back, or recorded without mail (a page's first run). The unique
    key makes two runs at once announce it once."""

    __tablename__ = "commitment_notices"
    __table_args__ = (
        UniqueConstraint(
            "page", "commitment", "status", "changed", name="uq_commitment_notices_change"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(300), index=True)
    commitment: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    # The history entry's day (YYYY-MM-DD), as the manifest gives it.
    changed: Mapped[str] = mapped_column(String(10))
    recorded: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How many e-mails were queued for it (0: recorded silently, or nobody had asked).
    mailed: Mapped[int] = mapped_column(default=0)


class Theme(db.Model):
    """One theme of a consultation's code frame (keyed by the consultation's page), which staff
    tag free-text answers, comments and social items with."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("page", "name", name="uq_themes_page_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(300), index=True)
    name: Mapped[str] = mapped_column(ReadableString(80))
    description: Mapped[str | None] = mapped_column(ReadableText)
    created: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CodedItem(db.Model):
    """A free-text answer (a response's field) or a comment that a member of staff has coded:
    tagged with themes (`theme_tags`), or with none ("no theme fits"), so it leaves the queue."""

    __tablename__ = "coded_items"
    __table_args__ = (
        UniqueConstraint("comment_id", name="uq_coded_items_comment"),
        UniqueConstraint("response_id", "field", name="uq_coded_items_answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(300), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    field: Mapped[str | None] = mapped_column(String(120))
    coded: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow)
    coded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ThemeTag(db.Model):
    """One theme on one coded item."""

    __tablename__ = "theme_tags"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("coded_items.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
