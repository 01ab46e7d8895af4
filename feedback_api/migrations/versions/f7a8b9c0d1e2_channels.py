"""channels: how each comment, social item and questionnaire response reached us

Revision ID: f7a8b9c0d1e2
Revises: e6f7a8b9c0d1
Create Date: 2026-12-02 00:10:00

The link a reader followed may say where it was shared (`?via=mastodon`, `?via=poster-library`);
comments and responses now keep that word so reports can say which channels reached whom. A
social item's channel is its platform. Rows from before are left without one ("Not recorded").
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f7a8b9c0d1e2"
down_revision = "e6f7a8b9c0d1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=40), nullable=True))
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=40), nullable=True))
    op.execute("UPDATE comments SET channel = source WHERE source <> 'site'")


def downgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("channel")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("channel")
