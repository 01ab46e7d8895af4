"""commitment notices: which "You said, we did" status changes have been announced

Revision ID: a8b9c0d1e2f3
Revises: f7a8b9c0d1e2
Create Date: 2026-12-02 01:00:00

People who asked to hear back about their comment on a consultation are e-mailed when one of
its commitments changes status (`flask --app feedback_api notify commitments`). One row per
change announced, keyed on the page, the commitment, the status and the history entry's day, so
a change is announced once however often, and however many at once, the command runs.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a8b9c0d1e2f3"
down_revision = "f7a8b9c0d1e2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "commitment_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=300), nullable=False),
        sa.Column("commitment", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("changed", sa.String(length=10), nullable=False),
        sa.Column("recorded", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mailed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "page", "commitment", "status", "changed", name="uq_commitment_notices_change"
        ),
    )
    with op.batch_alter_table("commitment_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_notices_page"), ["page"], unique=False)


def downgrade():
    with op.batch_alter_table("commitment_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_notices_page"))
    op.drop_table("commitment_notices")
