"""expertise: what members know

Revision ID: 0006_network
Revises: 0001_core
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_network"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "expertise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_expertise_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_expertise"),
        sa.UniqueConstraint("person_id", "key", name="uq_expertise_person_id_key"),
    )
    op.create_index("ix_expertise_key", "expertise", ["key"])


def downgrade() -> None:
    op.drop_index("ix_expertise_key", table_name="expertise")
    op.drop_table("expertise")
