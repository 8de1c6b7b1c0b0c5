"""The seminar cycle around an event: who came, what they thought, the topics people ask for
and the recording and slides.

One attendance row and one feedback row per (event, person), enforced by unique keys, so a
second check-in, a re-imported report or a second rating press changes nothing.  A topic
vote is one row per (topic, person): pressing Vote again deletes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

# How an attendance was recorded.
CHECK_IN = "check-in"
BY_ORGANISER = "organiser"
FROM_REPORT = "report"
ATTENDANCE_SOURCES = (CHECK_IN, BY_ORGANISER, FROM_REPORT)

# Topic states.
TOPIC_OPEN = "open"
TOPIC_PLANNED = "planned"
TOPIC_CLOSED = "closed"

# What an event material is.
RECORDING = "recording"
SLIDES = "slides"


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        CheckConstraint("source IN ('check-in', 'organiser', 'report')", name="source_known"),
        Index("ix_attendance_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime]


class Feedback(Base):
    __tablename__ = "seminar_feedback"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Topic(Base):
    """A topic someone asked a seminar about: ``T3`` in chat."""

    __tablename__ = "topics"
    __table_args__ = (Index("ix_topics_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL"))
    suggested_by: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=TOPIC_OPEN)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def public_id(self) -> str:
        return f"T{self.id}"


class TopicVote(Base):
    __tablename__ = "topic_votes"
    __table_args__ = (UniqueConstraint("topic_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    voted_at: Mapped[datetime]


class EventMaterial(Base):
    """A library resource (recording or slides) tied to the seminar it came from."""

    __tablename__ = "event_materials"
    __table_args__ = (UniqueConstraint("event_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # recording | slides
    added_at: Mapped[datetime]


__all__ = [
    "ATTENDANCE_SOURCES",
    "BY_ORGANISER",
    "CHECK_IN",
    "FROM_REPORT",
    "RECORDING",
    "SLIDES",
    "TOPIC_CLOSED",
    "TOPIC_OPEN",
    "TOPIC_PLANNED",
    "Attendance",
    "EventMaterial",
    "Feedback",
    "Topic",
    "TopicVote",
]
