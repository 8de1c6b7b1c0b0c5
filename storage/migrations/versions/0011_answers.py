"""question_log.reviewed_at: review items ("No" answers, network-answered questions) done

Revision ID: 0011_answers
Revises: 0009_ids_never_reused
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_answers"
down_revision: str | Sequence[str] | None = "0009_ids_never_reused"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question_log") as batch:
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("question_log") as batch:
        batch.drop_column("reviewed_at")
