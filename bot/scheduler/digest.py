"""The weekly digest: a channel's week at a glance, or nothing at all in an empty week.

Each section is a small query function of (session, the channel's communities, now, policy)
returning a :class:`Section`; the digest is the non-empty sections in order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.reminders import Skip, places_left
from bot.services.event_notices import event_label, where
from bot.timefmt import format_range
from bot.types import Button, Field, Item, Reply
from storage.models import Community
from storage.models.deliveries import DIGESTS, Delivery
from storage.models.events import EVENT_SCHEDULED, Event
from storage.repositories.deliveries import SubscriptionRepository, channel_ref, covers


@dataclass(frozen=True, slots=True)
class Section:
    summary: str  # one sentence for the digest's text; "" when the section is empty
    items: tuple[Item, ...] = ()


SectionQuery = Callable[[AsyncSession, Collection[str], datetime, SchedulePolicy],
                        Awaitable[Section]]


async def upcoming_events(session: AsyncSession, scopes: Collection[str], now: datetime,
                          policy: SchedulePolicy) -> Section:
    """Seminars starting in the next 14 days, with places left and a Sign up button."""
    rows = (await session.execute(
        select(Event, Community.slug).outerjoin(Community, Event.community_id == Community.id)
        .where(Event.status == EVENT_SCHEDULED, Event.starts_at > now,
               Event.starts_at <= now + timedelta(days=policy.digest_days_ahead))
        .order_by(Event.starts_at, Event.id)
    )).all()
    items = tuple(
        Item(title=event_label(event),
             text=f"with {event.speaker}" if event.speaker else "",
             fields=(Field("When", format_range(event.starts_at, event.ends_at, policy.zone)),
                     Field("Where", where(event)),
                     Field("Places", places_left(event))),
             buttons=(Button("Sign up", "signup", str(event.id), style="primary"),))
        for event, slug in rows if covers(scopes, slug)
    )
    if not items:
        return Section("")
    count = len(items)
    return Section(f"{count} seminar{'s' if count != 1 else ''} in the next "
                   f"{policy.digest_days_ahead} days.", items)


SECTIONS: tuple[SectionQuery, ...] = (upcoming_events,)


async def compose_digest(session: AsyncSession, delivery: Delivery, policy: SchedulePolicy,
                         now: datetime) -> Reply | Skip:
    scopes = [s.community for s in await SubscriptionRepository(session).for_channel(
        channel_ref(delivery)) if s.kind == DIGESTS]
    if not scopes:
        return Skip("the channel unsubscribed")
    sections = [await query(session, scopes, now, policy) for query in SECTIONS]
    sections = [s for s in sections if s.items]
    if not sections:
        return Skip("nothing to report this week")
    return Reply(
        title=f"This week in the {policy.network_name}",
        text=" ".join(s.summary for s in sections),
        items=tuple(item for s in sections for item in s.items),
        public=True,
    )
