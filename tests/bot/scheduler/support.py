"""Test data and platform stand-ins for the scheduler tests.

Events, people and registrations are written as rows (the scheduler reads rows, whoever
wrote them).  :class:`ScriptedTransport` stands at our boundary with a platform: it records
every post and can be told to refuse the next ones (429 with Retry-After, 5xx, a permanent
error).  :class:`FakeTime` is a monotonic clock and sleep that never wait.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import FixedClock
from bot.delivery import DeliveryError, Transports
from bot.scheduler.pacing import ChannelPacer
from bot.scheduler.posts import ScheduledPosts
from bot.settings import Settings
from bot.types import ChannelRef, Reply
from storage.db import Database
from storage.models import Community, Person
from storage.models.deliveries import Delivery
from storage.models.events import CONFIRMED, EVENT_SCHEDULED, Event, Registration
from storage.repositories.deliveries import SubscriptionRepository

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime:
    """A London wall-clock time as an aware UTC datetime."""
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)  # type: ignore[misc]


@dataclass
class Post:
    target: ChannelRef
    reply: Reply
    at: datetime  # the injected clock's time when posted


class ScriptedTransport:
    """A platform that records posts; ``refuse`` queues errors for the next posts."""

    def __init__(self, platform: str, clock: FixedClock | None = None) -> None:
        self.platform = platform
        self.clock = clock
        self.posts: list[Post] = []
        self.refused = 0
        self._script: list[DeliveryError] = []
        self.posted = asyncio.Event()  # set at every accepted post

    def refuse(self, *errors: DeliveryError) -> None:
        self._script.extend(errors)

    async def send(self, target: ChannelRef, reply: Reply) -> str | None:
        await asyncio.sleep(0)  # let concurrent senders interleave
        if self._script:
            self.refused += 1
            raise self._script.pop(0)
        at = self.clock.now() if self.clock else datetime.now(UTC)
        self.posts.append(Post(target, reply, at))
        self.posted.set()
        return f"{self.platform}-m{len(self.posts)}"

    def to(self, target: ChannelRef) -> list[Reply]:
        return [p.reply for p in self.posts if p.target == target]

    def counts(self) -> Counter[tuple[str, str | None]]:
        """How many times each (target, title) was posted."""
        return Counter((p.target.key, p.reply.title) for p in self.posts)


class FakeTime:
    """A monotonic (and wall) clock and a sleep that advances it instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def transports_of(*transports: ScriptedTransport) -> Transports:
    registry = Transports()
    for transport in transports:
        registry.register(transport)
    return registry


def scheduler(database: Database, settings: Settings, clock: FixedClock,
              *transports: ScriptedTransport, time: FakeTime | None = None) -> ScheduledPosts:
    time = time or FakeTime()
    pacer = ChannelPacer(monotonic=time.monotonic, sleep=time.sleep, wall=time.monotonic)
    return ScheduledPosts(database, transports_of(*transports), settings, clock, pacer=pacer,
                          sleep=time.sleep)


def channel(conversation: str, platform: str = "slack", workspace: str = "T1") -> ChannelRef:
    return ChannelRef(platform=platform, workspace=workspace, conversation_id=conversation)


def dm(user: str, platform: str = "slack", workspace: str = "T1") -> ChannelRef:
    return ChannelRef(platform=platform, workspace=workspace, user_id=user)


async def community_id(database: Database, slug: str, name: str | None = None) -> int:
    async with database.session() as session:
        found = (await session.execute(select(Community).where(Community.slug == slug))
                 ).scalar_one_or_none()
        if found is None:
            found = Community(slug=slug, name=name or slug.title(), description="")
            session.add(found)
            await session.flush()
        return found.id


async def add_event(database: Database, starts_at: datetime, *, title: str = "Intro to SPC",
                    community: str | None = None, created_at: datetime | None = None,
                    capacity: int = 30, minutes: int = 60,
                    join_link: str = "https://meet.example.nhs.uk/spc") -> int:
    community_key = await community_id(database, community) if community else None
    created = created_at or starts_at - timedelta(days=30)
    async with database.session() as session:
        event = Event(title=title, description="", speaker="Dr Ada Lovelace",
                      community_id=community_key, starts_at=starts_at,
                      ends_at=starts_at + timedelta(minutes=minutes), timezone="Europe/London",
                      location="", join_link=join_link, capacity=capacity, confirmed_count=0,
                      status=EVENT_SCHEDULED, created_by=None, created_at=created,
                      updated_at=created)
        session.add(event)
        await session.flush()
        return event.id


async def update_event(database: Database, event_id: int, **values: object) -> None:
    async with database.session() as session:
        event = await session.get(Event, event_id)
        assert event is not None
        for name, value in values.items():
            setattr(event, name, value)


async def register(database: Database, event_id: int, user: str, *, status: str = CONFIRMED,
                   at: datetime | None = None, platform: str = "slack",
                   workspace: str = "T1") -> None:
    async with database.session() as session:
        event = await session.get(Event, event_id)
        assert event is not None
        when = at or event.created_at
        person = (await session.execute(select(Person).where(
            Person.platform == platform, Person.workspace == workspace,
            Person.user_id == user))).scalar_one_or_none()
        if person is None:
            person = Person(platform=platform, workspace=workspace, user_id=user,
                            display_name=user.title(), created_at=when, last_seen_at=when)
            session.add(person)
            await session.flush()
        session.add(Registration(event_id=event_id, person_id=person.id, status=status,
                                 signed_up_at=when, updated_at=when))
        if status == CONFIRMED:
            event.confirmed_count += 1


async def subscribe(database: Database, target: ChannelRef, *kinds: str,
                    community: str = "*") -> None:
    async with database.session() as session:
        await SubscriptionRepository(session).add(
            target, community, kinds or ("reminders", "digest"), datetime(2026, 1, 1, tzinfo=UTC))


async def deliveries(database: Database) -> list[Delivery]:
    async with database.session() as session:
        result = await session.execute(select(Delivery).order_by(Delivery.id))
        return list(result.scalars().all())


def settings_for(database_url: str, **overrides: object) -> Settings:
    return Settings(database_url=database_url, _env_file=None, **overrides)  # type: ignore[call-arg]
