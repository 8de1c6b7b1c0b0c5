"""Seminars and sign-ups: the one service every entry point uses (chat commands, Slack and
Teams forms, the scheduler, the CLI).

Each method works inside the caller's unit of work (``session``) and never commits.  Methods
that change who holds a place lock the event's row first, so on PostgreSQL the sign-ups,
cancellations and capacity changes of one event run one after another (SQLite's ``BEGIN
IMMEDIATE`` already serialises writers); within that, the capacity itself is enforced by the
conditional UPDATE in :meth:`EventRepository.claim_place` and the CHECK constraint behind it.

Messages for other people come back as :class:`bot.types.Notification` values in the result;
the caller queues them in the outbox in the same unit of work (a handler passes them to
``ctx.notify``; ``copbot import events`` calls :func:`bot.notices.queue_notices`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.errors import NotFound, UserError
from bot.services.event_fields import EventChanges, EventDraft
from bot.services.event_notices import (
    cancelled_notice,
    changed_notice,
    event_label,
    promoted_notice,
    removed_notice,
)
from bot.settings import NetworkSettings
from bot.types import ChannelRef, Notification, Reply
from bot.types import Person as PersonRef
from bot.wording import sentence
from storage.models import Community, Person
from storage.models.events import (
    CANCELLED,
    CONFIRMED,
    EVENT_CANCELLED,
    EVENT_SCHEDULED,
    WAITLISTED,
    Event,
    Registration,
)
from storage.repositories.communities import CommunityRepository
from storage.repositories.events import EventRepository, RegistrationRepository
from storage.repositories.people import person_ref

# Calendar feeds keep recent events for this many days after they start.
FEED_PAST_DAYS = 30


@dataclass(frozen=True)
class Attendee:
    """One active registration: who, confirmed or waitlisted (with position), since when."""

    registration_id: int
    person_id: int
    person: PersonRef
    status: str
    position: int | None
    signed_up_at: datetime

    @property
    def name(self) -> str:
        return self.person.name


@dataclass(frozen=True)
class SignupResult:
    event: Event
    status: str  # confirmed | waitlisted
    position: int | None  # waitlist position, 1 = next to be promoted
    already: bool  # the person was registered before this call


@dataclass(frozen=True)
class MemberStatus:
    status: str  # confirmed | waitlisted
    position: int | None


@dataclass(frozen=True)
class EventOutcome:
    """What a change did, and who must be told (queue ``notifications`` with the change)."""

    event: Event
    promoted: tuple[Attendee, ...] = ()
    notified: tuple[Attendee, ...] = ()
    changed: tuple[str, ...] = ()
    previous_status: str | None = None
    notifications: tuple[Notification, ...] = ()


@dataclass(frozen=True)
class MyRegistration:
    event: Event
    status: str
    position: int | None


class EventService:
    def __init__(self, session: AsyncSession, settings: NetworkSettings) -> None:
        self.session = session
        self.settings = settings
        self.events = EventRepository(session)
        self.registrations = RegistrationRepository(session)

    # ---------------------------------------------------------------- reading
    async def get(self, event_id: int) -> Event:
        """The event ``#event_id`` (scheduled or cancelled); NotFound if there is none."""
        event = await self.events.get(event_id)
        if event is None:
            raise NotFound(f"There is no event #{event_id}. Type events to see what's on.")
        return event

    def window_end(self, now: datetime, within: timedelta | None = None) -> datetime:
        """Where the default list of upcoming events stops (``events_window_days``)."""
        return now + (within or timedelta(days=self.settings.events_window_days))

    async def upcoming(self, now: datetime, *, community_id: int | None = None,
                       within: timedelta | None = None, limit: int | None = None,
                       everything: bool = False) -> list[Event]:
        """Scheduled events starting from ``now`` to ``now + within`` (default: the
        ``events_window_days`` setting; ``everything``: no end), soonest first."""
        until = None if everything else self.window_end(now, within)
        return list(await self.events.upcoming(now, until, community_id=community_id,
                                               limit=limit))

    async def feed(self, now: datetime, *, community_id: int | None = None) -> list[Event]:
        """What a calendar feed carries: every event from ``FEED_PAST_DAYS`` ago on, the
        cancelled ones too (so subscribed calendars show them as cancelled)."""
        return list(await self.events.since(now - timedelta(days=FEED_PAST_DAYS),
                                            community_id=community_id))

    async def personal_feed(self, person_id: int, now: datetime) -> tuple[list[Event], set[int]]:
        """A person's own calendar: their events from ``FEED_PAST_DAYS`` ago on (those
        cancelled while they were registered too, so their calendar shows them as cancelled),
        and the ids of the scheduled ones they hold a place at (whose joining link it may
        carry)."""
        rows = await self.registrations.upcoming_for_person(
            person_id, now - timedelta(days=FEED_PAST_DAYS), with_cancelled=True)
        return [event for _, event in rows], {
            e.id for r, e in rows if r.status == CONFIRMED and e.status == EVENT_SCHEDULED}

    async def listing(self, now: datetime, *, community_id: int | None = None,
                      everything: bool = False,
                      ) -> tuple[list[Event], int, dict[int, Community]]:
        """What ``events`` shows, in one query: :meth:`upcoming`, how many more start after
        the window (0 with ``everything``), and the communities of those events."""
        until = None if everything else self.window_end(now)
        rows, later = await self.events.upcoming_listed(now, until, community_id=community_id)
        communities = {community.id: community for _, community in rows
                       if community is not None}
        return [event for event, _ in rows], later, communities

    async def member_view(self, person_id: int | None, events: Sequence[Event],
                          ) -> tuple[dict[int, MemberStatus], dict[int, int]]:
        """The person's status for each of ``events`` they are registered for (none for
        ``person_id`` None) and each event's waitlist length, in one query: the same as
        :meth:`member_statuses` and :meth:`waitlist_lengths`."""
        statuses: dict[int, MemberStatus] = {}
        waiting: dict[int, int] = {}
        for event_id, who, status in await self.registrations.waitlists_and_own(
                [e.id for e in events], person_id):
            if status == WAITLISTED:
                waiting[event_id] = waiting.get(event_id, 0) + 1
            if who == person_id:
                statuses[event_id] = MemberStatus(
                    status, waiting[event_id] if status == WAITLISTED else None)
        return statuses, waiting

    async def community(self, community_id: int | None) -> Community | None:
        if community_id is None:
            return None
        return await self.session.get(Community, community_id)

    async def count_upcoming(self, now: datetime, *, community_id: int | None = None,
                             within: timedelta | None = None, everything: bool = False,
                             ) -> int:
        until = None if everything else self.window_end(now, within)
        return await self.events.count_upcoming(now, until, community_id=community_id)

    async def member_statuses(self, person_id: int,
                              events: Sequence[Event]) -> dict[int, MemberStatus]:
        """The person's status for each of ``events`` they are registered for."""
        found = await self.registrations.of_person(person_id, [e.id for e in events])
        statuses = {}
        for event_id, reg in found.items():
            position = (await self.registrations.waitlist_position(reg)
                        if reg.status == WAITLISTED else None)
            statuses[event_id] = MemberStatus(reg.status, position)
        return statuses

    async def waitlist_lengths(self, events: Sequence[Event]) -> dict[int, int]:
        return await self.registrations.waitlist_lengths([e.id for e in events])

    async def attendees(self, event_id: int) -> list[Attendee]:
        """Confirmed registrants, then the waitlist in order (positions 1, 2, …)."""
        await self.get(event_id)
        attendees = []
        position = 0
        for reg, person in await self.registrations.roster(event_id):
            if reg.status == WAITLISTED:
                position += 1
            attendees.append(_attendee(reg, person, position if reg.status == WAITLISTED
                                       else None))
        return attendees

    async def my_registrations(self, person_id: int, now: datetime) -> list[MyRegistration]:
        """The person's places and waitlist places for events not yet over, soonest first."""
        mine = []
        for reg, event in await self.registrations.upcoming_for_person(person_id, now):
            position = (await self.registrations.waitlist_position(reg)
                        if reg.status == WAITLISTED else None)
            mine.append(MyRegistration(event, reg.status, position))
        return mine

    async def communities(self) -> dict[int, Community]:
        return await CommunityRepository(self.session).by_id()

    # ---------------------------------------------------------------- organisers
    async def create(self, draft: EventDraft, *, created_by: int | None,
                     now: datetime) -> Event:
        """Add a scheduled event; its id is the public ``#id``."""
        event = Event(
            external_id=draft.external_id, title=draft.title, description=draft.description,
            speaker=draft.speaker, community_id=draft.community_id,
            starts_at=draft.starts_at, ends_at=draft.ends_at, timezone=draft.timezone,
            location=draft.location, join_link=draft.join_link, capacity=draft.capacity,
            confirmed_count=0, status=EVENT_SCHEDULED, sequence=0, created_by=created_by,
            created_at=now, updated_at=now,
        )
        self.session.add(event)
        await self.session.flush()
        return event

    async def update(self, event_id: int, changes: EventChanges, *,
                     now: datetime) -> EventOutcome:
        """Apply edits.  A new capacity goes through :meth:`change_capacity`; changes members
        would notice (time, place, link, title) bump the calendar SEQUENCE and are told to
        everyone registered."""
        event = await self._locked(event_id)
        if event.status != EVENT_SCHEDULED:
            raise UserError(f"{event_label(event)} has been cancelled, so it cannot be edited.")
        noticed = []
        if changes.starts_at is not None or changes.ends_at is not None:
            starts_at = changes.starts_at or event.starts_at
            ends_at = changes.ends_at or event.ends_at
            if (starts_at, ends_at) != (event.starts_at, event.ends_at):
                event.starts_at, event.ends_at = starts_at, ends_at
                noticed.append("time")
        for name, attribute, notice in (("title", "title", "title"),
                                        ("location", "location", "location"),
                                        ("join_link", "join_link", "link"),
                                        ("speaker", "speaker", None),
                                        ("description", "description", None),
                                        ("timezone", "timezone", None),
                                        ("community_id", "community_id", None)):
            value = getattr(changes, name)
            if value is not None and value != getattr(event, attribute):
                setattr(event, attribute, value)
                if notice:
                    noticed.append(notice)
        event.updated_at = now
        if noticed:
            event.sequence += 1
        await self.session.flush()
        promoted: tuple[Attendee, ...] = ()
        notifications: list[Notification] = []
        if changes.capacity is not None and changes.capacity != event.capacity:
            outcome = await self.change_capacity(event_id, changes.capacity, now=now)
            promoted, notifications = outcome.promoted, list(outcome.notifications)
            event = outcome.event
        told = []
        if noticed:
            promoted_ids = {a.person_id for a in promoted}
            for attendee in await self.attendees(event_id):
                if attendee.person_id in promoted_ids:
                    continue  # their promotion notice already shows the new details
                reply = changed_notice(event, noticed, self.settings.zone,
                                       confirmed=attendee.status == CONFIRMED)
                notifications.append(_to(attendee, reply))
                told.append(attendee)
        return EventOutcome(event, promoted=promoted, notified=tuple(told),
                            changed=tuple(noticed), notifications=tuple(notifications))

    async def change_capacity(self, event_id: int, capacity: int, *,
                              now: datetime) -> EventOutcome:
        """Set the number of places.  Raising it promotes from the waitlist in order (each
        promoted member is told); it cannot go below the number already confirmed."""
        if capacity < 1:
            raise UserError("Capacity must be at least 1.")
        event = await self._locked(event_id)
        if event.status != EVENT_SCHEDULED:
            raise UserError(f"{event_label(event)} has been cancelled.")
        if not await self.events.set_capacity(event_id, capacity, now):
            raise UserError(
                f"{event.confirmed_count} people are confirmed for {event_label(event)}, so "
                f"capacity cannot go below {event.confirmed_count}. Cancel registrations first "
                "if you need fewer places.")
        promoted = await self._fill_from_waitlist(event_id, now)
        event = await self._locked(event_id)
        return EventOutcome(event, promoted=promoted,
                            notifications=self._promotion_notices(event, promoted))

    async def cancel_event(self, event_id: int, *, now: datetime) -> EventOutcome:
        """Cancel the event; everyone confirmed or waitlisted is told, once."""
        event = await self._locked(event_id)
        if not await self.events.mark_cancelled(event_id, now):
            raise UserError(f"{event_label(event)} was already cancelled.")
        event = await self._locked(event_id)
        told = tuple(await self.attendees(event_id))
        reply = cancelled_notice(event, self.settings.zone)
        return EventOutcome(event, notified=told,
                            notifications=tuple(_to(attendee, reply) for attendee in told))

    # ---------------------------------------------------------------- members
    async def signup(self, event_id: int, person_id: int, *, now: datetime) -> SignupResult:
        """Register the person: confirmed if a place is free, else waitlisted (with their
        position).  Signing up twice changes nothing (``already`` is set).  Closed once the
        event starts or if it was cancelled."""
        event = await self._open(event_id, now)
        # The place is claimed first (under the event lock) so the registration is written
        # once with its final status; a duplicate sign-up hands the place straight back.
        confirmed_count = await self.events.claim_place(event_id, now)
        status = CONFIRMED if confirmed_count is not None else WAITLISTED
        reg_id = await self.registrations.add(event_id, person_id, status, now)
        if reg_id is None:
            existing = await self.registrations.find(event_id, person_id)
            assert existing is not None
            if existing.status != CANCELLED:
                if confirmed_count is not None:
                    await self.events.release_place(event_id, now)
                position = (await self.registrations.waitlist_position(existing)
                            if existing.status == WAITLISTED else None)
                return SignupResult(event, existing.status, position, already=True)
            # Signing up again after cancelling: a fresh registration at the back.
            await self.registrations.remove(existing.id)
            reg_id = await self.registrations.add(event_id, person_id, status, now)
            assert reg_id is not None
        if confirmed_count is not None:
            set_committed_value(event, "confirmed_count", confirmed_count)
            return SignupResult(event, CONFIRMED, None, already=False)
        position = await self.registrations.position_of(event_id, now, reg_id)
        return SignupResult(event, WAITLISTED, position, already=False)

    async def cancel_registration(self, event_id: int, person_id: int, *,
                                  now: datetime) -> EventOutcome:
        """Give up a place or a waitlist place.  Before the event starts, a freed place goes
        to the first person on the waitlist, who is told; once it has started nobody is
        promoted (sign-up is closed).  ``previous_status`` says what was given up."""
        event = await self._locked(event_id)
        if event.status != EVENT_SCHEDULED:
            raise UserError(f"{event_label(event)} has been cancelled.")
        reg = await self.registrations.find(event_id, person_id)
        if reg is None or reg.status == CANCELLED:
            raise UserError(sentence(f"You are not registered for {event_label(event)}"))
        previous = reg.status
        if not await self.registrations.set_status(reg.id, previous, CANCELLED, now):
            raise UserError(sentence(f"You are not registered for {event_label(event)}"))
        promoted: tuple[Attendee, ...] = ()
        if previous == CONFIRMED:
            await self.events.release_place(event_id, now)
            if event.starts_at > now:
                promoted = await self._fill_from_waitlist(event_id, now)
        event = await self._locked(event_id)
        return EventOutcome(event, promoted=promoted, previous_status=previous,
                            notifications=self._promotion_notices(event, promoted))

    async def remove_attendee(self, event_id: int, attendee: Attendee, *,
                              now: datetime) -> EventOutcome:
        """An organiser takes away someone's place or waitlist place.  They are told; a
        freed place goes to the first on the waitlist, who is told as well."""
        outcome = await self.cancel_registration(event_id, attendee.person_id, now=now)
        notice = removed_notice(outcome.event, attendee.status, self.settings.zone)
        return replace(outcome, notified=(attendee,),
                       notifications=(_to(attendee, notice), *outcome.notifications))

    # ---------------------------------------------------------------- internals
    async def _locked(self, event_id: int) -> Event:
        event = await self.events.get(event_id, lock=True)
        if event is None:
            raise NotFound(f"There is no event #{event_id}. Type events to see what's on.")
        return event

    async def _open(self, event_id: int, now: datetime) -> Event:
        """The event, locked, if sign-up is open."""
        event = await self._locked(event_id)
        if event.status != EVENT_SCHEDULED:
            raise UserError(f"{event_label(event)} has been cancelled.")
        if event.starts_at <= now:
            raise UserError(f"{event_label(event)} has already started, so you can no longer "
                            "sign up for it.")
        return event

    async def _fill_from_waitlist(self, event_id: int, now: datetime) -> tuple[Attendee, ...]:
        promoted = []
        while (first := await self.registrations.first_waitlisted(event_id)) is not None:
            if await self.events.claim_place(event_id, now) is None:
                break
            await self.registrations.set_status(first.id, WAITLISTED, CONFIRMED, now)
            person = await self.session.get(Person, first.person_id)
            assert person is not None
            promoted.append(_attendee(first, person, None, CONFIRMED))
        return tuple(promoted)

    def _promotion_notices(self, event: Event,
                           promoted: Sequence[Attendee]) -> tuple[Notification, ...]:
        reply = promoted_notice(event, self.settings.zone)
        return tuple(_to(attendee, reply) for attendee in promoted)


def _attendee(reg: Registration, person: Person, position: int | None,
              status: str | None = None) -> Attendee:
    ref = person_ref(person)
    return Attendee(reg.id, person.id, ref, status or reg.status, position, reg.signed_up_at)


def _to(attendee: Attendee, reply: Reply) -> Notification:
    return Notification(ChannelRef.for_person(attendee.person), reply)


__all__ = [
    "CONFIRMED",
    "EVENT_CANCELLED",
    "WAITLISTED",
    "Attendee",
    "EventOutcome",
    "EventService",
    "MemberStatus",
    "MyRegistration",
    "SignupResult",
]
