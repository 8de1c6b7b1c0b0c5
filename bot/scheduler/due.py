"""What is due, computed from our own tables (never stored as scheduler jobs).

Reminders follow the current rows: a moved event's reminders are due at its new times, a
cancelled event has none, and a reminder is only due for a registration that is confirmed
now.  A reminder whose time came before its event was created (or before the person signed
up) never existed.  Anything due longer ago than the grace period is planned as skipped, so
a scheduler coming back after a long outage records what it missed instead of replaying it;
the digest is only ever the latest one, so digests never pile up either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.timing import DAY, latest_digest_time, local_date, reminder_time
from bot.timefmt import format_datetime, format_duration
from bot.types import ChannelRef
from storage.models import Person as PersonRow
from storage.models.deliveries import (
    CHANNEL_REMINDER,
    DIGEST,
    DIGESTS,
    PERSONAL_REMINDER,
    REMINDERS,
    SKIPPED,
)
from storage.models.events import Event
from storage.repositories.deliveries import (
    PlannedDelivery,
    SubscriptionRepository,
    channel_ref,
    covers,
)
from storage.repositories.scheduled import confirmed_registrants, scheduled_events_between

Planner = Callable[[AsyncSession, SchedulePolicy, datetime, datetime],
                   Awaitable[list[PlannedDelivery]]]
"""What can fall due: ``(session, policy, now, since)``; :mod:`bot.scheduler.kinds` lists them."""


async def event_reminders(session: AsyncSession, policy: SchedulePolicy, now: datetime,
                          since: datetime) -> list[PlannedDelivery]:
    horizon = now + policy.longest_offset + DAY  # a day's slack for clock changes
    rows = await scheduled_events_between(session, now, horizon)
    if not rows:
        return []
    channels = await subscribed_channels(session, REMINDERS)
    planned: list[PlannedDelivery] = []
    personal: list[tuple[Event, datetime]] = []
    for event, community in rows:
        zone = event_zone(event, policy.zone)
        for at in _due_times(event, policy.channel_offsets, zone, now, since):
            for ref, scopes in channels:
                if covers(scopes, community):
                    planned.append(_plan(CHANNEL_REMINDER, f"event:{event.id}", ref, at,
                                         policy, now, event.id))
        personal += [(event, at) for at in
                     _due_times(event, policy.personal_offsets, zone, now, since)]
    if personal:
        planned += await _personal_reminders(session, personal, policy, now)
    return planned


async def _personal_reminders(session: AsyncSession, due: Sequence[tuple[Event, datetime]],
                              policy: SchedulePolicy, now: datetime) -> list[PlannedDelivery]:
    event_ids = {event.id for event, _ in due}
    registrants = await confirmed_registrants(session, event_ids)
    by_event: dict[int, list[tuple[datetime, PersonRow]]] = defaultdict(list)
    for event_id, signed_up_at, person in registrants:
        by_event[event_id].append((signed_up_at, person))
    planned = []
    for event, at in due:
        for signed_up_at, person in by_event[event.id]:
            if signed_up_at <= at:
                ref = ChannelRef(platform=person.platform, workspace=person.workspace,
                                 user_id=person.user_id)
                planned.append(_plan(PERSONAL_REMINDER, f"event:{event.id}", ref, at, policy,
                                     now, event.id))
    return planned


async def digests(session: AsyncSession, policy: SchedulePolicy, now: datetime,
                  since: datetime) -> list[PlannedDelivery]:
    at = latest_digest_time(now, policy.digest_day, policy.digest_time, policy.zone)
    if at <= since:
        return []
    subject = f"week:{local_date(at, policy.zone).isoformat()}"
    return [_plan(DIGEST, subject, ref, at, policy, now)
            for ref, _ in await subscribed_channels(session, DIGESTS)]


async def subscribed_channels(session: AsyncSession,
                              kind: str) -> list[tuple[ChannelRef, frozenset[str]]]:
    """Each channel subscribed to ``kind``, with the communities it takes."""
    scopes: dict[ChannelRef, set[str]] = defaultdict(set)
    for row in await SubscriptionRepository(session).of_kind(kind):
        scopes[channel_ref(row)].add(row.community)
    return [(ref, frozenset(communities)) for ref, communities in scopes.items()]


def event_zone(event: Event, default: ZoneInfo) -> ZoneInfo:
    """The zone an event's wall-clock times mean (its own, else the network's)."""
    try:
        return ZoneInfo(event.timezone) if event.timezone else default
    except (ZoneInfoNotFoundError, ValueError):
        return default


def _due_times(event: Event, offsets: Iterable[timedelta], zone: ZoneInfo, now: datetime,
               since: datetime) -> list[datetime]:
    times = []
    for offset in offsets:
        at = reminder_time(event.starts_at, offset, zone)
        if since < at <= now and at >= event.created_at:
            times.append(at)
    return times


def _plan(kind: str, subject: str, target: ChannelRef, at: datetime, policy: SchedulePolicy,
          now: datetime, event_id: int | None = None) -> PlannedDelivery:
    if now - at > policy.grace:
        reason = (f"missed: due {format_datetime(at, policy.zone)}, more than "
                  f"{format_duration(policy.grace)} before a scheduler ran")
        return PlannedDelivery(kind, subject, target, at, event_id, SKIPPED, reason)
    return PlannedDelivery(kind, subject, target, at, event_id)
