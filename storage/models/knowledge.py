"""The knowledge library: FAQ entries, library resources and the log of questions asked.

People see public ids: ``F12`` for a FAQ entry, ``R5`` for a resource, ``Q12`` for a logged
question (a later feature escalates unanswered questions to experts by that id).  The search
index is built from these tables in memory; ``search_revisions`` tells every process when it
must rebuild, and ``faq_vectors`` keeps the sentence embeddings of the ``[semantic]`` engine so
they are computed once per text, not once per process.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import NEVER_REUSED, Base

PUBLISHED = "published"
DRAFT = "draft"
FAQ_STATUSES = (PUBLISHED, DRAFT)

RESOURCE_TYPES = ("guide", "tool", "recording", "slides", "report", "dataset", "course")

HELPFUL = "yes"
NOT_HELPFUL = "no"


class FaqEntry(Base):
    __tablename__ = "faq_entries"
    __table_args__ = (Index("ix_faq_entries_status", "status"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)  # a markdown subset: **bold**, [links](url), - lists
    alternates: Mapped[list[str]] = mapped_column(JSON, default=list)  # other phrasings
    url: Mapped[str] = mapped_column(String(1000), default="")  # the source
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL"))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner: Mapped[str] = mapped_column(String(200), default="")
    last_reviewed: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=PUBLISHED)  # published | draft
    credit: Mapped[str] = mapped_column(String(300), default="")  # who wrote the answer
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def public_id(self) -> str:
        return f"F{self.id}"


class FaqVector(Base):
    """The embeddings of an entry's question and alternates (float32 rows, one per phrasing)."""

    __tablename__ = "faq_vectors"

    faq_entry_id: Mapped[int] = mapped_column(
        ForeignKey("faq_entries.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(String(64))
    text_hash: Mapped[str] = mapped_column(String(64))
    vectors: Mapped[bytes] = mapped_column(LargeBinary)


class Resource(Base):
    __tablename__ = "resources"
    __table_args__ = (Index("ix_resources_published", "published"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(1000))
    type: Mapped[str] = mapped_column(String(16), default="guide")
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL"))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    published: Mapped[date | None] = mapped_column(Date)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def public_id(self) -> str:
        return f"R{self.id}"


class QuestionLog(Base):
    """One question asked: who, where, what was answered (if anything), how well, feedback."""

    __tablename__ = "question_log"
    __table_args__ = (Index("ix_question_log_asked_at", "asked_at"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(128))
    thread_id: Mapped[str | None] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime]
    answered: Mapped[bool] = mapped_column(Boolean)
    # The entry given as the answer, or (when not answered) the closest match offered.
    faq_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("faq_entries.id", ondelete="SET NULL"))
    score: Mapped[float] = mapped_column(Float)
    feedback: Mapped[str | None] = mapped_column(String(8))  # yes | no
    feedback_at: Mapped[datetime | None]
    # When an organiser dealt with it as a review item (``faq suggestions``).
    reviewed_at: Mapped[datetime | None]

    @property
    def public_id(self) -> str:
        return f"Q{self.id}"


class SearchRevision(Base):
    """Bumped in the same transaction as any change to the library, so every process sees
    that its in-memory index is out of date."""

    __tablename__ = "search_revisions"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)


__all__ = ["FaqEntry", "FaqVector", "QuestionLog", "Resource", "SearchRevision"]
