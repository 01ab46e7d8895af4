"""The answer index's table: one row per answered question (per item of a multiple choice).

The response's questionnaire, channel, language, day and time are copied onto each row, so a
figure is one GROUP BY over one table with no join; the rows go with their response (ON DELETE
CASCADE).
Spam (honeypot) responses get no rows.
"""

from __future__ import annotations

import datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from feedback_api.storage.models import ReadableJSON, ReadableText, UTCDateTime, db
from feedback_api.storage.models import reasons as reason_list


class AnswerRow(db.Model):
    """One answer (or one item of a multiple-choice answer) to one question."""

    __tablename__ = "answer_rows"
    __table_args__ = (
        # Counting: each figure and count of typed answers reads only this index (and with the
        # next, a cross-tabulation reads only indexes).
        Index(
            "ix_answer_rows_tally",
            "questionnaire",
            "question",
            "value",
            "day",
            "channel",
            "first",
            "flagged",
            "response_id",
            "language",
        ),
        # Cross-tabulation: a response's answer to the grouping question.
        Index("ix_answer_rows_response_question", "response_id", "question", "first", "value"),
        Index("ix_answer_rows_questionnaire_created", "questionnaire", "created"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    questionnaire: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(String(120))  # a question id, or '<id>_other'
    # The answer when it can be an option's value (contract.vocabulary.OPTION_VALUE), else None.
    value: Mapped[str | None] = mapped_column(String(100))
    # The answer (or item) as given, as text.
    text: Mapped[str] = mapped_column(ReadableText)
    # The answer's first row (its only one but for a multiple choice): "answered" counts these.
    first: Mapped[bool] = mapped_column(default=True)
    # Personal data found in the text ([{kind, start, end...}]), and whether there is any.
    reasons: Mapped[list | None] = mapped_column(ReadableJSON(reason_list))
    flagged: Mapped[bool] = mapped_column(default=False)
    # What searches read: the text case-folded (None when that is the text itself) and, when
    # flagged, case-folded with the personal data cut out (what moderators may search).
    folded: Mapped[str | None] = mapped_column(Text)
    cut: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(40))
    # The response's language (its page's tag); None: from before languages, the site's.
    language: Mapped[str | None] = mapped_column(String(35))
    day: Mapped[datetime.date] = mapped_column(Date)
    created: Mapped[datetime.datetime] = mapped_column(UTCDateTime)
