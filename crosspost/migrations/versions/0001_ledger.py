"""The ledger: entries seen and posts per platform.

Revision ID: 0001_ledger
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_ledger"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crosspost_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.String(500), nullable=False, unique=True),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "crosspost_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.String(500), nullable=False, index=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("platform_id", sa.String(200)),
        sa.Column("url", sa.String(1000)),
        sa.Column("reason", sa.Text()),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("entry_id", "platform", name="uq_crosspost_posts_entry_platform"),
    )


def downgrade() -> None:
    op.drop_table("crosspost_posts")
    op.drop_table("crosspost_entries")
