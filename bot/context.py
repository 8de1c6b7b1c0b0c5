"""The narrow, typed context a handler receives: never "the whole bot"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.settings import Settings, community_seeds
from bot.types import ChannelRef, Incoming, Notification, Person, Reply


@dataclass(frozen=True)
class HandlerSettings:
    """The settings a handler may read (a :class:`bot.settings.NetworkSettings`): the
    network's name and time zone, its organisers and communities, the public address, the
    events window and the knowledge settings — never platform secrets, the database address
    or the scheduler's settings."""

    network_name: str
    bot_name: str
    timezone: str
    organisers: tuple[str, ...]
    communities: tuple[str, ...]
    public_url: str
    events_window_days: int
    answer_precision: float
    synonyms_file: str
    search_engine: str

    @classmethod
    def of(cls, settings: Settings) -> HandlerSettings:
        return cls(network_name=settings.network_name, bot_name=settings.bot_name,
                   timezone=settings.timezone, organisers=tuple(settings.organisers),
                   communities=tuple(settings.communities), public_url=settings.public_url,
                   events_window_days=settings.events_window_days,
                   answer_precision=settings.answer_precision,
                   synonyms_file=settings.synonyms_file, search_engine=settings.search_engine)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def community_seeds(self) -> list[tuple[str, str]]:
        return community_seeds(self.communities)


@dataclass
class Context:
    """What one handler call may use.

    ``session`` is the unit of work for this message: it is committed by the router after
    the handler returns and rolled back if it raises, so handlers (and the services and
    repositories they call) never commit.  Commands declared ``uses_database=False`` may
    run without one.  Messages for other people go through :meth:`notify`: they are queued
    in the outbox in this unit of work and sent after the commit.
    """

    incoming: Incoming
    unit_of_work: AsyncSession | None
    settings: HandlerSettings
    clock: Clock
    is_organiser: bool
    person_id: int
    notifications: list[Notification] = field(default_factory=list)

    @property
    def session(self) -> AsyncSession:
        """The unit of work.  Absent only for commands declared ``uses_database=False``."""
        if self.unit_of_work is None:
            raise RuntimeError("this command was declared uses_database=False but used the "
                               "database")
        return self.unit_of_work

    @property
    def person(self) -> Person:
        return self.incoming.person

    def now(self) -> datetime:
        return self.clock.now()

    def notify(self, target: ChannelRef | Person, reply: Reply, *,
               subject: str | None = None) -> None:
        """Send ``reply`` to someone else after this unit of work commits.  With a
        ``subject``, the posted message is remembered so replies in its thread find it."""
        if self.unit_of_work is None:
            raise RuntimeError("notices are queued in the unit of work, but this command was "
                               "declared uses_database=False")
        if isinstance(target, Person):
            target = ChannelRef.for_person(target)
        self.notifications.append(Notification(target, reply, subject))
