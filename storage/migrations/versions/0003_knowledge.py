"""knowledge: FAQ entries, their embeddings, resources, the question log, search revisions

Revision ID: 0003_knowledge
Revises: 0001_core
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_knowledge"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("alternates", sa.JSON(), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("credit", sa.String(300), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], ondelete="SET NULL",
                                name="fk_faq_entries_community_id_communities"),
        sa.ForeignKeyConstraint(["created_by"], ["people.id"], ondelete="SET NULL",
                                name="fk_faq_entries_created_by_people"),
        sa.PrimaryKeyConstraint("id", name="pk_faq_entries"),
        sa.UniqueConstraint("external_id", name="uq_faq_entries_external_id"),
    )
    op.create_index("ix_faq_entries_status", "faq_entries", ["status"])
    op.create_table(
        "faq_vectors",
        sa.Column("faq_entry_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("vectors", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["faq_entry_id"], ["faq_entries.id"], ondelete="CASCADE",
                                name="fk_faq_vectors_faq_entry_id_faq_entries"),
        sa.PrimaryKeyConstraint("faq_entry_id", name="pk_faq_vectors"),
    )
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], ondelete="SET NULL",
                                name="fk_resources_community_id_communities"),
        sa.ForeignKeyConstraint(["added_by"], ["people.id"], ondelete="SET NULL",
                                name="fk_resources_added_by_people"),
        sa.PrimaryKeyConstraint("id", name="pk_resources"),
        sa.UniqueConstraint("external_id", name="uq_resources_external_id"),
    )
    op.create_index("ix_resources_published", "resources", ["published"])
    op.create_table(
        "question_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(128), nullable=False),
        sa.Column("thread_id", sa.String(128), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("faq_entry_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("feedback", sa.String(8), nullable=True),
        sa.Column("feedback_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="SET NULL",
                                name="fk_question_log_person_id_people"),
        sa.ForeignKeyConstraint(["faq_entry_id"], ["faq_entries.id"], ondelete="SET NULL",
                                name="fk_question_log_faq_entry_id_faq_entries"),
        sa.PrimaryKeyConstraint("id", name="pk_question_log"),
    )
    op.create_index("ix_question_log_asked_at", "question_log", ["asked_at"])
    op.create_table(
        "search_revisions",
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name="pk_search_revisions"),
    )


def downgrade() -> None:
    op.drop_table("search_revisions")
    op.drop_index("ix_question_log_asked_at", table_name="question_log")
    op.drop_table("question_log")
    op.drop_index("ix_resources_published", table_name="resources")
    op.drop_table("resources")
    op.drop_table("faq_vectors")
    op.drop_index("ix_faq_entries_status", table_name="faq_entries")
    op.drop_table("faq_entries")
