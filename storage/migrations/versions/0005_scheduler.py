"""scheduler: the delivery outbox and channel subscriptions

Revision ID: 0005_scheduler
Revises: 0001_core
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_scheduler"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
# deliveries.event_id references events.
depends_on: str | Sequence[str] | None = "0002_events"


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("target", sa.String(400), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(128), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("thread_id", sa.String(255), nullable=True),
        sa.Column("user_id", sa.String(128), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sa.String(64), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed', 'skipped')",
                           name=op.f("ck_deliveries_status_known")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE",
                                name="fk_deliveries_event_id_events"),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("kind", "subject", "target", "scheduled_at",
                            name="uq_deliveries_kind_subject_target_scheduled_at"),
    )
    op.create_index("ix_deliveries_status_next_attempt_at", "deliveries",
                    ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_scheduled_at", "deliveries", ["scheduled_at"])
    op.create_table(
        "channel_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(128), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("thread_id", sa.String(255), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_channel_subscriptions"),
        sa.UniqueConstraint("platform", "workspace", "conversation_id", "thread_id",
                            "community", "kind",
                            name="uq_channel_subscriptions_channel_community_kind"),
    )


def downgrade() -> None:
    op.drop_table("channel_subscriptions")
    op.drop_index("ix_deliveries_scheduled_at", table_name="deliveries")
    op.drop_index("ix_deliveries_status_next_attempt_at", table_name="deliveries")
    op.drop_table("deliveries")
