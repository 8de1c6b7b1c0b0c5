"""Asking the network: what members know, questions escalated to them, their answers, and
the messages the bot posted whose threads it must recognise."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import NEVER_REUSED, Base


class Expertise(Base):
    __tablename__ = "expertise"
    __table_args__ = (
        UniqueConstraint("person_id", "key"),
        Index("ix_expertise_key", "key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(200))  # as the member wrote it
    key: Mapped[str] = mapped_column(String(200))  # normalised for matching
    added_at: Mapped[datetime]


OPEN = "open"
ANSWERED = "answered"
ACCEPTED = "accepted"


class Escalation(Base):
    """A question the bot could not answer, put to the network (``escalate Q12``)."""

    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_status", "status", "escalated_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question_log.id", ondelete="CASCADE"), unique=True)
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=OPEN)  # open|answered|accepted
    escalated_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    raised_again_at: Mapped[datetime | None]


class NetworkAnswer(Base):
    """An expert's answer to an escalated question."""

    __tablename__ = "network_answers"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    faq_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("faq_entries.id", ondelete="SET NULL"))


class Dismissal(Base):
    """Someone pressed "Not for me" on an escalated question."""

    __tablename__ = "escalation_dismissals"
    __table_args__ = (UniqueConstraint("escalation_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    dismissed_at: Mapped[datetime]


class PostedMessage(Base):
    """A message the bot posted that replies in its thread should find again
    (``subject`` says what it is about, e.g. ``question:12``)."""

    __tablename__ = "posted_messages"
    __table_args__ = (
        UniqueConstraint("platform", "workspace", "conversation_id", "message_id",
                         name="uq_posted_messages_message"),
        Index("ix_posted_messages_subject", "subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(128))
    conversation_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(64))
    posted_at: Mapped[datetime]
