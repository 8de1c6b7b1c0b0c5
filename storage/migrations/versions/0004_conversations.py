"""conversation references for proactive posts

Revision ID: 0004_conversations
Revises: 0001_core
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_conversations"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(128), nullable=False),
        sa.Column("conversation_id", sa.String(400), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel_name", sa.String(300), nullable=False),
        sa.Column("team_id", sa.String(400), nullable=False),
        sa.Column("team_name", sa.String(300), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("member_id", sa.String(400), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversations"),
        sa.UniqueConstraint("platform", "workspace", "conversation_id",
                            name="uq_conversations_platform_workspace_conversation_id"),
    )
    op.create_index("ix_conversations_user", "conversations",
                    ["platform", "workspace", "user_id"])
    op.create_index("ix_conversations_team", "conversations",
                    ["platform", "workspace", "team_id"])


def downgrade() -> None:
    op.drop_index("ix_conversations_team", table_name="conversations")
    op.drop_index("ix_conversations_user", table_name="conversations")
    op.drop_table("conversations")
