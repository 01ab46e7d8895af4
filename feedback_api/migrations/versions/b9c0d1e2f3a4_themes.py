"""themes: each consultation's code frame, and which answers and comments carry which themes

Revision ID: b9c0d1e2f3a4
Revises: a8b9c0d1e2f3
Create Date: 2026-12-02 00:40:00

Staff code what people wrote: a consultation (its page) has themes; a free-text answer or a
comment once coded is a coded item, tagged with any number of the page's themes or with none.
Deleting a comment, response or theme takes its tags with it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b9c0d1e2f3a4"
down_revision = "a8b9c0d1e2f3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("page", "name", name="uq_themes_page_name"),
    )
    op.create_index("ix_themes_page", "themes", ["page"])
    op.create_table(
        "coded_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=300), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=120), nullable=True),
        sa.Column("coded", sa.DateTime(timezone=True), nullable=False),
        sa.Column("coded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coded_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("comment_id", name="uq_coded_items_comment"),
        sa.UniqueConstraint("response_id", "field", name="uq_coded_items_answer"),
    )
    op.create_index("ix_coded_items_page", "coded_items", ["page"])
    op.create_table(
        "theme_tags",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["coded_items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["themes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "theme_id"),
    )
    op.create_index("ix_theme_tags_theme_id", "theme_tags", ["theme_id"])


def downgrade():
    op.drop_index("ix_theme_tags_theme_id", table_name="theme_tags")
    op.drop_table("theme_tags")
    op.drop_index("ix_coded_items_page", table_name="coded_items")
    op.drop_table("coded_items")
    op.drop_index("ix_themes_page", table_name="themes")
    op.drop_table("themes")
