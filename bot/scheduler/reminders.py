"""Seminar reminders: a card for subscribed channels, a note with the joining link for each
confirmed registrant.

They are composed when they are sent, from the rows as they are then, so the wording is true
to the moment ("starts in 40 minutes") and a reminder that no longer applies — the event was
cancelled, moved or has started, the channel unsubscribed, the person cancelled — is skipped
with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduler.due import event_zone
from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.timing import local_date, reminder_time
from bot.services.event_notices import event_label, where
from bot.timefmt import format_date, format_range, format_time
from bot.types import Button, Field, Link, Reply
from storage.models import Community
from storage.models import Person as PersonRow
from storage.models.deliveries import CHANNEL_REMINDER, REMINDERS, Delivery
from storage.models.events import CONFIRMED, EVENT_SCHEDULED, Event, Registration
from storage.repositories.deliveries import SubscriptionRepository, channel_ref, covers


@dataclass(frozen=True, slots=True)
class Skip:
    """A delivery that should not go out, and why."""

    reason: str


async def compose_reminder(session: AsyncSession, delivery: Delivery, policy: SchedulePolicy,
                           now: datetime) -> Reply | Skip:
    event = None
    if delivery.event_id is not None:
        event = await session.get(Event, delivery.event_id, populate_existing=True)
    if event is None:
        return Skip("the event was deleted")
    if event.status != EVENT_SCHEDULED:
        return Skip("the event was cancelled")
    if event.starts_at <= now:
        return Skip("the event has started")
    channel = delivery.kind == CHANNEL_REMINDER
    offsets = policy.channel_offsets if channel else policy.personal_offsets
    zone = event_zone(event, policy.zone)
    if all(reminder_time(event.starts_at, o, zone) != delivery.scheduled_at for o in offsets):
        return Skip("the event was moved (its reminders follow the new time)")
    community = await _community(session, event.community_id)
    if channel:
        scopes = [s.community for s in await SubscriptionRepository(session).for_channel(
            channel_ref(delivery)) if s.kind == REMINDERS]
        if not scopes or not covers(scopes, community.slug if community else None):
            return Skip("the channel unsubscribed")
        return channel_reminder_card(event, community, policy, now)
    if not await _is_confirmed(session, event.id, delivery):
        return Skip("no longer a confirmed registrant")
    return personal_reminder(event, policy, now)


def channel_reminder_card(event: Event, community: Community | None, policy: SchedulePolicy,
                          now: datetime) -> Reply:
    """The card a subscribed channel sees: the event, places left and a Sign up button."""
    fields = [Field("When", format_range(event.starts_at, event.ends_at, policy.zone)),
              Field("Where", where(event))]
    if event.speaker:
        fields.append(Field("Speaker", event.speaker))
    if community is not None:
        fields.append(Field("Community", community.name))
    fields.append(Field("Places", places_left(event)))
    return Reply(
        title=f"Reminder: {event_label(event)}",
        text=f"This seminar {starts_phrase(event.starts_at, now, policy)}.",
        fields=tuple(fields),
        buttons=(Button("Sign up", "signup", str(event.id), style="primary"),),
        public=True,
    )


def personal_reminder(event: Event, policy: SchedulePolicy, now: datetime) -> Reply:
    """The note a confirmed registrant gets, with the joining link."""
    fields = [Field("When", format_range(event.starts_at, event.ends_at, policy.zone)),
              Field("Where", where(event))]
    link = Link(event.join_link, "Join the seminar") if event.join_link else None
    return Reply(
        title=event_label(event),
        text=f"Your seminar {starts_phrase(event.starts_at, now, policy)}.",
        fields=tuple(fields),
        link=link,
    )


def places_left(event: Event) -> str:
    """``12 of 30 places left``, or that signing up joins the waitlist."""
    left = event.capacity - event.confirmed_count
    if left > 0:
        return f"{left} of {event.capacity} places left"
    return "Full: signing up joins the waitlist"


def starts_phrase(starts_at: datetime, now: datetime, policy: SchedulePolicy) -> str:
    """``starts in 40 minutes``, ``starts tomorrow at 10:00``, ``starts in 7 days, on Thu 10
    Dec 2026 at 10:00`` — measured from ``now``, so a late reminder says what is true."""
    seconds = (starts_at - now).total_seconds()
    if seconds < 60:
        return "is starting now"
    minutes = math.ceil(seconds / 60 - 1e-9)
    if minutes < 60:
        return f"starts in {_count(minutes, 'minute')}"
    if minutes < 6 * 60:
        hours, rest = divmod(minutes, 60)
        return f"starts in {_count(hours, 'hour')}" + (f" {_count(rest, 'minute')}"
                                                         if rest else "")
    days = (local_date(starts_at, policy.zone) - local_date(now, policy.zone)).days
    at = format_time(starts_at, policy.zone)
    if days == 0:
        return f"starts today at {at}"
    if days == 1:
        return f"starts tomorrow at {at}"
    return f"starts in {days} days, on {format_date(starts_at, policy.zone)} at {at}"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" + ("" if n == 1 else "s")


async def _community(session: AsyncSession, community_id: int | None) -> Community | None:
    if community_id is None:
        return None
    return await session.get(Community, community_id)


async def _is_confirmed(session: AsyncSession, event_id: int, delivery: Delivery) -> bool:
    result = await session.execute(
        select(Registration.id)
        .join(PersonRow, Registration.person_id == PersonRow.id)
        .where(Registration.event_id == event_id, Registration.status == CONFIRMED,
               PersonRow.platform == delivery.platform,
               PersonRow.workspace == delivery.workspace,
               PersonRow.user_id == delivery.user_id)
    )
    return result.first() is not None
