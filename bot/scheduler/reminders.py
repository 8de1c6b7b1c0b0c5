"""Seminar reminders: a card for subscribed channels, a note with the joining link for each
confirmed registrant.

They are composed when they are sent, from the rows as they are then, so the wording is true
to the moment ("starts in 40 minutes") and a reminder that no longer applies — the event was
cancelled, moved or has started, the channel unsubscribed, the person cancelled — is skipped
with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduler.due import event_zone
from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.timing import local_date, reminder_time
from bot.services.attendance import CHECK_IN_OPENS
from bot.services.event_notices import event_label, where
from bot.timefmt import format_date, format_range, format_time
from bot.types import Button, Field, Link, Reply
from storage.models import Community
from storage.models.deliveries import (
    CHANNEL_REMINDER,
    REMINDERS,
    Delivery,
)
from storage.models.events import EVENT_SCHEDULED, Event
from storage.repositories.deliveries import channel_ref, covers
from storage.repositories.scheduled import (
    communities_by_id,
    confirmed_identities,
    events_by_id,
    subscriptions_in,
)


@dataclass(frozen=True, slots=True)
class Skip:
    """A delivery that should not go out, and why."""

    reason: str


async def compose_reminders(session: AsyncSession, deliveries: Sequence[Delivery],
                            policy: SchedulePolicy, now: datetime) -> list[Reply | Skip]:
    """The reminder (or the reason to skip it) for each of ``deliveries``, in order.

    Reads what the batch needs in a few queries: its events, their communities, the
    channels' subscriptions and the registrants still confirmed."""
    events = await events_by_id(session, {d.event_id for d in deliveries if d.event_id})
    communities = await communities_by_id(
        session, {e.community_id for e in events.values() if e.community_id})
    scopes = await _reminder_scopes(session, [d for d in deliveries
                                              if d.kind == CHANNEL_REMINDER])
    confirmed = await _confirmed(session, [d for d in deliveries
                                           if d.kind != CHANNEL_REMINDER])
    messages: list[Reply | Skip] = []
    for delivery in deliveries:
        event = events.get(delivery.event_id or 0)
        skip = _no_longer_due(delivery, event, policy, now)
        if skip is not None or event is None:
            messages.append(skip or Skip("the event was deleted"))
            continue
        community = communities.get(event.community_id or 0)
        if delivery.kind == CHANNEL_REMINDER:
            taken = scopes.get(delivery.target, [])
            if not taken or not covers(taken, community.slug if community else None):
                messages.append(Skip("the channel unsubscribed"))
            else:
                messages.append(channel_reminder_card(event, community, policy, now))
        elif (event.id, delivery.platform, delivery.workspace, delivery.user_id) in confirmed:
            messages.append(personal_reminder(
                event, policy, now,
                check_in=event.starts_at - delivery.scheduled_at <= CHECK_IN_OPENS))
        else:
            messages.append(Skip("no longer a confirmed registrant"))
    return messages


def _no_longer_due(delivery: Delivery, event: Event | None, policy: SchedulePolicy,
                   now: datetime) -> Skip | None:
    if event is None:
        return Skip("the event was deleted")
    if event.status != EVENT_SCHEDULED:
        return Skip("the event was cancelled")
    if event.starts_at <= now:
        return Skip("the event has started")
    offsets = (policy.channel_offsets if delivery.kind == CHANNEL_REMINDER
               else policy.personal_offsets)
    zone = event_zone(event, policy.zone)
    if all(reminder_time(event.starts_at, o, zone) != delivery.scheduled_at for o in offsets):
        return Skip("the event was moved (its reminders follow the new time)")
    return None


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


def personal_reminder(event: Event, policy: SchedulePolicy, now: datetime, *,
                      check_in: bool = False) -> Reply:
    """The note a confirmed registrant gets, with the joining link (and, in the last
    reminder, when check-in is open, a Check in button)."""
    fields = [Field("When", format_range(event.starts_at, event.ends_at, policy.zone)),
              Field("Where", where(event))]
    link = Link(event.join_link, "Join the seminar") if event.join_link else None
    return Reply(
        title=event_label(event),
        text=f"Your seminar {starts_phrase(event.starts_at, now, policy)}.",
        fields=tuple(fields),
        link=link,
        buttons=(Button("Check in", "checkin", str(event.id), style="primary"),)
        if check_in else (),
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


async def _reminder_scopes(session: AsyncSession,
                           deliveries: Sequence[Delivery]) -> dict[str, list[str]]:
    """For each channel of ``deliveries``, the communities it now takes reminders for."""
    if not deliveries:
        return {}
    targets = {d.target for d in deliveries}
    rows = await subscriptions_in(session, REMINDERS, {d.conversation_id for d in deliveries})
    scopes: dict[str, list[str]] = {}
    for row in rows:
        key = channel_ref(row).key
        if key in targets:
            scopes.setdefault(key, []).append(row.community)
    return scopes


async def _confirmed(session: AsyncSession, deliveries: Sequence[Delivery]
                     ) -> set[tuple[int, str, str, str | None]]:
    """(event, platform, workspace, user) of the batch's registrants still confirmed."""
    if not deliveries:
        return set()
    return await confirmed_identities(session, {d.event_id for d in deliveries},
                                      {d.user_id for d in deliveries if d.user_id})
