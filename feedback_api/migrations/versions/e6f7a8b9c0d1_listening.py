"""listening: social media items in the inbox, the posts we track, cursors and platform health

Revision ID: e6f7a8b9c0d1
Revises: d5e6f7a8b9c0
Create Date: 2026-12-01 21:10:00

What people say to the organisation on social media comes into the comments table beside site
comments (a `source` other than "site", the platform's id and link, the author's handle), so the
queue, needs-a-response, reports and people's data reach it; such an item is never public. Our
cross-posted posts are tracked with their counts; each platform's cursors and the last refusal
(an expired token, a missing permission) are kept per source. A comment's page becomes optional:
a mention of the account belongs to no page of the site.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e6f7a8b9c0d1"
down_revision = "d5e6f7a8b9c0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "social_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("remote_id", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("entry_url", sa.String(length=1000), nullable=False),
        sa.Column("page", sa.String(length=300), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("posted", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("reposts", sa.Integer(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("quotes", sa.Integer(), nullable=False),
        sa.Column("counted", sa.DateTime(timezone=True), nullable=True),
        sa.Column("threads_read", sa.Integer(), nullable=False),
        sa.Column("thread_read", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gone", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "remote_id", name="uq_social_posts_platform_remote"),
    )
    op.create_table(
        "listen_state",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("cursor", sa.String(length=300), nullable=True),
        sa.Column("checked", sa.DateTime(timezone=True), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("problem_status", sa.Integer(), nullable=True),
        sa.Column("problem_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("platform", "source"),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.alter_column("page", existing_type=sa.String(length=300), nullable=True)
        batch_op.add_column(
            sa.Column("source", sa.String(length=20), nullable=False, server_default="site")
        )
        batch_op.add_column(sa.Column("remote_id", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("remote_url", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("remote_kind", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("remote_ref", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("remote_state", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("handle", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("private", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("social_post_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("gone", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_comments_social_post", "social_posts", ["social_post_id"], ["id"]
        )
        batch_op.create_index("ix_comments_source", ["source"], unique=False)
        batch_op.create_index("ix_comments_handle", ["handle"], unique=False)
        batch_op.create_index("uq_comments_source_remote", ["source", "remote_id"], unique=True)


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("uq_comments_source_remote")
        batch_op.drop_index("ix_comments_handle")
        batch_op.drop_index("ix_comments_source")
        batch_op.drop_constraint("fk_comments_social_post", type_="foreignkey")
        for column in (
            "gone",
            "social_post_id",
            "urgent",
            "private",
            "handle",
            "remote_state",
            "remote_ref",
            "remote_kind",
            "remote_url",
            "remote_id",
            "source",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("page", existing_type=sa.String(length=300), nullable=False)
    op.drop_table("listen_state")
    op.drop_table("social_posts")
