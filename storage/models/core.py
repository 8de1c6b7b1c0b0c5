"""People, organisers, communities and the idempotency record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Person(Base):
    """Someone who has talked to the bot: (platform, workspace, user id)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # A work email, when a platform told us (Slack profiles, Teams member lookups): used to
    # match people in meeting attendance reports.
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class Organiser(Base):
    """An organiser added with ``copbot organisers add`` (settings may name more)."""

    __tablename__ = "organisers"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime]


class Community(Base):
    """A community of practice (analysis, evaluation, evidence …)."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class ProcessedEvent(Base):
    """A platform event id already handled: retries and duplicate deliveries are dropped."""

    __tablename__ = "processed_events"
    __table_args__ = (Index("ix_processed_events_processed_at", "processed_at"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    processed_at: Mapped[datetime]


__all__ = ["Community", "Organiser", "Person", "ProcessedEvent"]
