"""answer index: every answer as rows the reports count in SQL, and each response's local day

Revision ID: c0d1e2f3a4b5
Revises: b9c0d1e2f3a4
Create Date: 2026-12-02 03:40:00

Report figures were worked out in Python from every response; with tens of thousands that took
seconds. The index has a row per answered question (per item of a multiple choice) carrying the
response's questionnaire, channel and day, so a figure is one GROUP BY. The responses already
stored are indexed here, and given their day in the site's time zone.
"""

import sqlalchemy as sa
from alembic import op

from feedback_api.storage.answers.index import reindex

# revision identifiers, used by Alembic.
revision = "c0d1e2f3a4b5"
down_revision = "b9c0d1e2f3a4"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("responses", sa.Column("day", sa.Date(), nullable=True))
    op.create_index(
        "ix_responses_questionnaire_day", "responses", ["questionnaire", "day", "channel", "spam"]
    )
    op.create_table(
        "answer_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=100), nullable=False),
        sa.Column("question", sa.String(length=120), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("first", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=True),
        sa.Column("cut", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=40), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_answer_rows_tally",
        "answer_rows",
        ["questionnaire", "question", "value", "day", "channel", "first", "flagged", "response_id"],
    )
    op.create_index(
        "ix_answer_rows_response_question",
        "answer_rows",
        ["response_id", "question", "first", "value"],
    )
    op.create_index(
        "ix_answer_rows_questionnaire_created", "answer_rows", ["questionnaire", "created"]
    )
    reindex(op.get_bind())


def downgrade():
    op.drop_index("ix_answer_rows_questionnaire_created", table_name="answer_rows")
    op.drop_index("ix_answer_rows_response_question", table_name="answer_rows")
    op.drop_index("ix_answer_rows_tally", table_name="answer_rows")
    op.drop_table("answer_rows")
    op.drop_index("ix_responses_questionnaire_day", table_name="responses")
    op.drop_column("responses", "day")
