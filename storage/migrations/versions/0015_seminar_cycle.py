"""the seminar cycle: attendance, feedback, topics and votes, event materials, people's email

Revision ID: 0015_seminar_cycle
Revises: 0014_replies
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_seminar_cycle"
down_revision: str | Sequence[str] | None = "0014_replies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None  # 0002 and 0003 are below it, through 0008 and 0007


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.add_column("people", sa.Column("email", sa.String(320), nullable=True))
    op.create_index("ix_people_email", "people", ["email"])
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        _fk("attendance", "event_id", "events", "CASCADE"),
        _fk("attendance", "person_id", "people", "CASCADE"),
        sa.CheckConstraint("source IN ('check-in', 'organiser', 'report')",
                           name=op.f("ck_attendance_source_known")),
        sa.PrimaryKeyConstraint("id", name="pk_attendance"),
        sa.UniqueConstraint("event_id", "person_id", name="uq_attendance_event_id_person_id"),
    )
    op.create_index("ix_attendance_person_id", "attendance", ["person_id"])
    op.create_table(
        "seminar_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("seminar_feedback", "event_id", "events", "CASCADE"),
        _fk("seminar_feedback", "person_id", "people", "CASCADE"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_seminar_feedback_rating_range")),
        sa.PrimaryKeyConstraint("id", name="pk_seminar_feedback"),
        sa.UniqueConstraint("event_id", "person_id",
                            name="uq_seminar_feedback_event_id_person_id"),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("suggested_by", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("topics", "community_id", "communities", "SET NULL"),
        _fk("topics", "suggested_by", "people", "SET NULL"),
        _fk("topics", "event_id", "events", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_topics"),
    )
    op.create_index("ix_topics_status", "topics", ["status"])
    op.create_table(
        "topic_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        _fk("topic_votes", "topic_id", "topics", "CASCADE"),
        _fk("topic_votes", "person_id", "people", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_topic_votes"),
        sa.UniqueConstraint("topic_id", "person_id", name="uq_topic_votes_topic_id_person_id"),
    )
    op.create_table(
        "event_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        _fk("event_materials", "event_id", "events", "CASCADE"),
        _fk("event_materials", "resource_id", "resources", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_event_materials"),
        sa.UniqueConstraint("event_id", "kind", name="uq_event_materials_event_id_kind"),
    )


def downgrade() -> None:
    op.drop_table("event_materials")
    op.drop_table("topic_votes")
    op.drop_index("ix_topics_status", table_name="topics")
    op.drop_table("topics")
    op.drop_table("seminar_feedback")
    op.drop_index("ix_attendance_person_id", table_name="attendance")
    op.drop_table("attendance")
    op.drop_index("ix_people_email", table_name="people")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("email")
