"""outbox notices: a notice's rendered content, and per-channel pacing shared by replicas

Revision ID: 0008_outbox_notices
Revises: 0007_escalations
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_outbox_notices"
down_revision: str | Sequence[str] | None = "0007_escalations"
branch_labels: str | Sequence[str] | None = None
# deliveries is created by 0005_scheduler.
depends_on: str | Sequence[str] | None = "0005_scheduler"


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("content", sa.Text(), nullable=True))
    op.create_table(
        "channel_pacing",
        sa.Column("lane", sa.String(400), nullable=False),
        sa.Column("next_send_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("lane", name="pk_channel_pacing"),
    )


def downgrade() -> None:
    op.drop_table("channel_pacing")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("content")
