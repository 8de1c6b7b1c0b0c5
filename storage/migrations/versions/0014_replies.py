"""personal calendar links: one unguessable token per person

Revision ID: 0014_replies
Revises: 0012_ops
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_replies"
down_revision: str | Sequence[str] | None = "0012_ops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None  # 0002 is below it, through 0008 and 0005


def upgrade() -> None:
    op.create_table(
        "calendar_tokens",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_calendar_tokens_person_id_people"),
        sa.PrimaryKeyConstraint("person_id", name="pk_calendar_tokens"),
        sa.UniqueConstraint("token", name="uq_calendar_tokens_token"),
    )


def downgrade() -> None:
    op.drop_table("calendar_tokens")
