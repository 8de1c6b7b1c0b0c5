"""The delivery outbox and channel subscriptions.

Every scheduled post (a channel reminder, a personal reminder, a weekly digest) becomes one
:class:`Delivery` row *when it is due*, keyed by (kind, subject, target, scheduled time).  The
unique key makes "due" idempotent across replicas and restarts; a claim (token + lease expiry,
set by a conditional UPDATE) makes "send" exclusive.  Rows are never deleted by the scheduler:
the outbox is also the record operators read with ``copbot deliveries``.

A :class:`ChannelSubscription` is one (channel, community or all, kind) triple.  It stores the
fields of a :class:`bot.types.ChannelRef`; ``thread_id`` is ``""`` for "no thread" and
``community`` is a community slug or ``*`` for every community, so both can be part of the
unique key (NULLs never conflict).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

# Delivery kinds
CHANNEL_REMINDER = "channel_reminder"
PERSONAL_REMINDER = "personal_reminder"
DIGEST = "digest"
NOTICE = "notice"  # a message for someone other than the asker, queued by a change

# Delivery statuses
PENDING = "pending"
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"
STATUSES = (PENDING, SENT, FAILED, SKIPPED)

# Subscription kinds (what a channel asked for) and the "every community" scope.
REMINDERS = "reminders"
DIGESTS = "digest"
QUESTIONS = "questions"
SUBSCRIPTION_KINDS = (REMINDERS, DIGESTS, QUESTIONS)
ALL_COMMUNITIES = "*"


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("kind", "subject", "target", "scheduled_at"),
        CheckConstraint("status IN ('pending', 'sent', 'failed', 'skipped')",
                        name="status_known"),
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_deliveries_scheduled_at", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # "event:12", "week:2026-12-07"
    target: Mapped[str] = mapped_column(String(400))  # ChannelRef.key
    scheduled_at: Mapped[datetime]
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # Where to post: the fields of a ChannelRef.
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(128))
    conversation_id: Mapped[str] = mapped_column(String(255), default="")
    thread_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    # A claim: whoever holds ``claim_token`` until ``lease_expires_at`` may send.
    claim_token: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
    # The last error, or why the delivery was skipped.
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str | None] = mapped_column(String(255))
    # A notice's rendered message (JSON, see bot.notices); other kinds are composed when sent.
    content: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChannelPace(Base):
    """When a channel (a pacing lane, see bot.scheduler.pacing) may next be posted to, shared
    by every replica: seconds since the epoch, reserved one slot at a time."""

    __tablename__ = "channel_pacing"

    lane: Mapped[str] = mapped_column(String(400), primary_key=True)
    next_send_at: Mapped[float] = mapped_column(Float)


class ChannelSubscription(Base):
    __tablename__ = "channel_subscriptions"
    __table_args__ = (
        UniqueConstraint("platform", "workspace", "conversation_id", "thread_id", "community",
                         "kind", name="uq_channel_subscriptions_channel_community_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(128))
    conversation_id: Mapped[str] = mapped_column(String(255))
    thread_id: Mapped[str] = mapped_column(String(255), default="")
    community: Mapped[str] = mapped_column(String(64))  # a community slug, or "*" for all
    kind: Mapped[str] = mapped_column(String(16))  # reminders | digest | questions
    created_at: Mapped[datetime]


__all__ = [
    "ALL_COMMUNITIES",
    "CHANNEL_REMINDER",
    "DIGEST",
    "DIGESTS",
    "FAILED",
    "NOTICE",
    "PENDING",
    "PERSONAL_REMINDER",
    "QUESTIONS",
    "REMINDERS",
    "SENT",
    "SKIPPED",
    "STATUSES",
    "SUBSCRIPTION_KINDS",
    "ChannelPace",
    "ChannelSubscription",
    "Delivery",
]
