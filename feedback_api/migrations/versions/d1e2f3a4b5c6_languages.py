"""languages: the language of the page each comment and response was written on

Revision ID: d1e2f3a4b5c6
Revises: c0d1e2f3a4b5
Create Date: 2026-12-02 07:00:00

The site now has pages in several languages (issue 16): a comment or response keeps the tag of
the page it was posted on (the manifest's `lang`), and the answer index copies its response's,
so the reports count and read answers per language. The index's counting index gains the
column, so a breakdown by language reads only the index.

Rows from before have no language (None), in the responses and so in their index rows, which
have nothing to copy from them: the site had only its own language then, and the reports read
None as the site's language. `reports reindex` rebuilds the index from the responses, their
languages included.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d1e2f3a4b5c6"
down_revision = "c0d1e2f3a4b5"
branch_labels = None
depends_on = None

TALLY = ["questionnaire", "question", "value", "day", "channel", "first", "flagged", "response_id"]


def upgrade():
    for table in ("comments", "responses", "answer_rows"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("language", sa.String(length=35), nullable=True))
    op.drop_index("ix_answer_rows_tally", table_name="answer_rows")
    op.create_index("ix_answer_rows_tally", "answer_rows", [*TALLY, "language"])


def downgrade():
    op.drop_index("ix_answer_rows_tally", table_name="answer_rows")
    op.create_index("ix_answer_rows_tally", "answer_rows", TALLY)
    for table in ("answer_rows", "responses", "comments"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("language")
