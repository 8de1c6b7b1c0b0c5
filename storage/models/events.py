"""Events (seminars) and registrations: one capacity and one waitlist per event.

``confirmed_count`` is maintained with a conditional UPDATE (``... WHERE confirmed_count <
capacity``) so the database, not a Python ``if``, keeps confirmed places within capacity; the
CHECK constraint is the last line of defence.  Waitlist positions are not stored: they are the
order of waitlisted registrations by (``signed_up_at``, ``id``).

``sequence`` counts the edits members would notice (time, place, title); it is the iCalendar
SEQUENCE, so a re-downloaded .ics updates the entry in the member's calendar.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import NEVER_REUSED, Base

EVENT_SCHEDULED = "scheduled"
EVENT_CANCELLED = "cancelled"

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("confirmed_count >= 0 AND confirmed_count <= capacity",
                        name="within_capacity"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        Index("ix_events_starts_at", "starts_at"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    speaker: Mapped[str] = mapped_column(String(300), default="")
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # The IANA zone the event was created in (for the .ics VTIMEZONE and display).
    timezone: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(300), default="")  # "" means online
    join_link: Mapped[str] = mapped_column(String(1000), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=EVENT_SCHEDULED)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        Index("ix_registrations_event_status", "event_id", "status", "signed_up_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # confirmed | waitlisted | cancelled
    signed_up_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CalendarToken(Base):
    """The secret in a person's own calendar link (``/calendar/personal/<token>.ics``):
    random, unguessable, one per person, gone when the person is forgotten."""

    __tablename__ = "calendar_tokens"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
