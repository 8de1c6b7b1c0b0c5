"""escalated questions, network answers, dismissals and posted messages

Revision ID: 0007_escalations
Revises: 0006_network
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_escalations"
down_revision: str | Sequence[str] | None = "0006_network"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0003_knowledge"


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raised_again_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["question_id"], ["question_log.id"], ondelete="CASCADE",
                                name="fk_escalations_question_id_question_log"),
        sa.ForeignKeyConstraint(["asker_id"], ["people.id"], ondelete="SET NULL",
                                name="fk_escalations_asker_id_people"),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], ondelete="SET NULL",
                                name="fk_escalations_community_id_communities"),
        sa.PrimaryKeyConstraint("id", name="pk_escalations"),
        sa.UniqueConstraint("question_id", name="uq_escalations_question_id"),
    )
    op.create_index("ix_escalations_status", "escalations", ["status", "escalated_at"])
    op.create_table(
        "network_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("faq_entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"], ondelete="CASCADE",
                                name="fk_network_answers_escalation_id_escalations"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="SET NULL",
                                name="fk_network_answers_person_id_people"),
        sa.ForeignKeyConstraint(["faq_entry_id"], ["faq_entries.id"], ondelete="SET NULL",
                                name="fk_network_answers_faq_entry_id_faq_entries"),
        sa.PrimaryKeyConstraint("id", name="pk_network_answers"),
    )
    op.create_table(
        "escalation_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"], ondelete="CASCADE",
                                name="fk_escalation_dismissals_escalation_id_escalations"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_escalation_dismissals_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_escalation_dismissals"),
        sa.UniqueConstraint("escalation_id", "person_id",
                            name="uq_escalation_dismissals_escalation_id_person_id"),
    )
    op.create_table(
        "posted_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(128), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_posted_messages"),
        sa.UniqueConstraint("platform", "workspace", "conversation_id", "message_id",
                            name="uq_posted_messages_message"),
    )
    op.create_index("ix_posted_messages_subject", "posted_messages", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_posted_messages_subject", table_name="posted_messages")
    op.drop_table("posted_messages")
    op.drop_table("escalation_dismissals")
    op.drop_table("network_answers")
    op.drop_index("ix_escalations_status", table_name="escalations")
    op.drop_table("escalations")
