"""Events and registrations: the queries behind sign-ups, waitlists and listings.

Capacity is guarded by the database.  :meth:`EventRepository.claim_place` is one conditional
``UPDATE … SET confirmed_count = confirmed_count + 1 WHERE … confirmed_count < capacity`` and
the CHECK constraint backs it; one registration per person and event is a unique constraint,
and :meth:`RegistrationRepository.add` inserts with ``ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.dialect import upsert_insert
from storage.models import Community, Person
from storage.models.events import (
    CONFIRMED,
    EVENT_CANCELLED,
    EVENT_SCHEDULED,
    WAITLISTED,
    Event,
    Registration,
)

ACTIVE = (CONFIRMED, WAITLISTED)


# The statements behind the busiest reads, built once (with bound parameters) rather than
# per call: building a statement and its cache key costs more than running it on SQLite.
@cache
def _listing(windowed: bool, in_community: bool) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = [Event.status == EVENT_SCHEDULED,
                                             Event.starts_at >= bindparam("start")]
    columns: list[Any] = [Event, Community]
    if windowed:
        conditions.append(Event.starts_at < bindparam("until"))
        beyond = aliased(Event)
        later = [beyond.status == EVENT_SCHEDULED, beyond.starts_at >= bindparam("until")]
        if in_community:
            later.append(beyond.community_id == bindparam("community_id"))
        columns.append(select(func.count(beyond.id)).where(*later).scalar_subquery())
    if in_community:
        conditions.append(Event.community_id == bindparam("community_id"))
    return (select(*columns).outerjoin(Community, Community.id == Event.community_id)
            .where(*conditions).order_by(Event.starts_at, Event.id))


@cache
def _waitlists_and_own(with_person: bool) -> Select[int, int, str]:
    which: ColumnElement[bool] = Registration.status == WAITLISTED
    if with_person:
        which = or_(which, and_(Registration.person_id == bindparam("person_id"),
                                Registration.status.in_(ACTIVE)))
    return (select(Registration.event_id, Registration.person_id, Registration.status)
            .where(Registration.event_id.in_(bindparam("event_ids", expanding=True)), which)
            .order_by(Registration.event_id, Registration.signed_up_at, Registration.id))


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self) -> int:
        """Every event, whatever its status."""
        return int((await self.session.execute(select(func.count(Event.id)))).scalar_one())

    async def get(self, event_id: int, *, lock: bool = False) -> Event | None:
        """The event, freshly read.  ``lock`` takes its row lock (PostgreSQL ``FOR UPDATE``;
        on SQLite every transaction already holds the write lock), so sign-ups, cancellations
        and capacity changes of one event happen one after another."""
        stmt = select(Event).where(Event.id == event_id).execution_options(
            populate_existing=True)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_external_id(self, external_ids: Iterable[str]) -> dict[str, Event]:
        ids = list(external_ids)
        if not ids:
            return {}
        result = await self.session.execute(select(Event).where(Event.external_id.in_(ids)))
        return {event.external_id: event for event in result.scalars() if event.external_id}

    def _upcoming_filter(self, start: datetime, until: datetime | None,
                         community_id: int | None) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [
            Event.status == EVENT_SCHEDULED, Event.starts_at >= start]
        if until is not None:
            conditions.append(Event.starts_at < until)
        if community_id is not None:
            conditions.append(Event.community_id == community_id)
        return conditions

    async def upcoming(self, start: datetime, until: datetime | None = None, *,
                       community_id: int | None = None, limit: int | None = None,
                       ) -> Sequence[Event]:
        """Scheduled events starting in [start, until), soonest first."""
        stmt = (select(Event).where(*self._upcoming_filter(start, until, community_id))
                .order_by(Event.starts_at, Event.id))
        if limit is not None:
            stmt = stmt.limit(limit)
        return (await self.session.execute(stmt)).scalars().all()

    async def upcoming_listed(self, start: datetime, until: datetime | None = None, *,
                              community_id: int | None = None,
                              ) -> tuple[list[tuple[Event, Community | None]], int]:
        """What a listing shows, in one query: the scheduled events starting in
        [start, until) with their communities, soonest first, and how many more start from
        ``until`` on (0 without ``until``; counted apart only when the window is empty)."""
        stmt = _listing(until is not None, community_id is not None)
        rows = (await self.session.execute(stmt, {
            "start": start, "until": until, "community_id": community_id})).all()
        if until is None:
            return [(row[0], row[1]) for row in rows], 0
        if not rows:
            return [], await self.count_upcoming(until, None, community_id=community_id)
        return [(row[0], row[1]) for row in rows], int(rows[0][2])

    async def since(self, start: datetime, *, community_id: int | None = None,
                    ) -> Sequence[Event]:
        """Every event starting from ``start`` on, cancelled ones included, soonest first
        (what a calendar feed carries)."""
        stmt = select(Event).where(Event.starts_at >= start)
        if community_id is not None:
            stmt = stmt.where(Event.community_id == community_id)
        return (await self.session.execute(stmt.order_by(Event.starts_at, Event.id))
                ).scalars().all()

    async def count_upcoming(self, start: datetime, until: datetime | None = None, *,
                             community_id: int | None = None) -> int:
        stmt = select(func.count(Event.id)).where(
            *self._upcoming_filter(start, until, community_id))
        return int((await self.session.execute(stmt)).scalar_one())

    async def claim_place(self, event_id: int, now: datetime) -> int | None:
        """Take one confirmed place if any is free: the new number of confirmed places, or
        None when the event is full."""
        result = await self.session.execute(
            update(Event)
            .where(Event.id == event_id, Event.confirmed_count < Event.capacity)
            .values(confirmed_count=Event.confirmed_count + 1, updated_at=now)
            .returning(Event.confirmed_count)
            .execution_options(synchronize_session=False)
        )
        count = result.scalar_one_or_none()
        return int(count) if count is not None else None

    async def release_place(self, event_id: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(Event)
            .where(Event.id == event_id, Event.confirmed_count > 0)
            .values(confirmed_count=Event.confirmed_count - 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def set_capacity(self, event_id: int, capacity: int, now: datetime) -> bool:
        """Change capacity unless more people than that are already confirmed."""
        result = await self.session.execute(
            update(Event)
            .where(Event.id == event_id, Event.confirmed_count <= capacity)
            .values(capacity=capacity, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def mark_cancelled(self, event_id: int, now: datetime) -> bool:
        """Cancel a scheduled event; False if it was already cancelled (so it happens once)."""
        result = await self.session.execute(
            update(Event)
            .where(Event.id == event_id, Event.status == EVENT_SCHEDULED)
            .values(status=EVENT_CANCELLED, sequence=Event.sequence + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


class RegistrationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, event_id: int, person_id: int, status: str, now: datetime) -> int | None:
        """Insert a registration; its id, or None if the person already has one."""
        stmt = (
            upsert_insert(self.session, Registration)
            .values(event_id=event_id, person_id=person_id, status=status,
                    signed_up_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["event_id", "person_id"])
            .returning(Registration.id)
        )
        found = (await self.session.execute(stmt)).scalar_one_or_none()
        return int(found) if found is not None else None

    async def find(self, event_id: int, person_id: int) -> Registration | None:
        result = await self.session.execute(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.person_id == person_id)
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def remove(self, registration_id: int) -> None:
        await self.session.execute(delete(Registration).where(Registration.id == registration_id))

    async def set_status(self, registration_id: int, old: str, new: str, now: datetime) -> bool:
        """Move a registration from ``old`` to ``new``; False if it was not in ``old``."""
        result = await self.session.execute(
            update(Registration)
            .where(Registration.id == registration_id, Registration.status == old)
            .values(status=new, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def first_waitlisted(self, event_id: int) -> Registration | None:
        result = await self.session.execute(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.status == WAITLISTED)
            .order_by(Registration.signed_up_at, Registration.id)
            .limit(1)
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def waitlist_position(self, registration: Registration) -> int:
        """1 for the first waitlisted person, in (signed_up_at, id) order."""
        return await self.position_of(registration.event_id, registration.signed_up_at,
                                      registration.id)

    async def position_of(self, event_id: int, signed_up_at: datetime,
                          registration_id: int) -> int:
        ahead = await self.session.execute(
            select(func.count(Registration.id)).where(
                Registration.event_id == event_id,
                Registration.status == WAITLISTED,
                or_(Registration.signed_up_at < signed_up_at,
                    and_(Registration.signed_up_at == signed_up_at,
                         Registration.id < registration_id)),
            )
        )
        return int(ahead.scalar_one()) + 1

    async def roster(self, event_id: int,
                     statuses: Sequence[str] = ACTIVE) -> list[tuple[Registration, Person]]:
        """Registrations of an event with their people: confirmed first, then the waitlist,
        each in sign-up order."""
        result = await self.session.execute(
            select(Registration, Person)
            .join(Person, Person.id == Registration.person_id)
            .where(Registration.event_id == event_id, Registration.status.in_(statuses))
            .order_by(Registration.signed_up_at, Registration.id)
        )
        rows = [(reg, person) for reg, person in result.all()]
        order = {status: index for index, status in enumerate(statuses)}
        rows.sort(key=lambda row: order[row[0].status])  # stable: keeps sign-up order
        return rows

    async def of_person(self, person_id: int, event_ids: Sequence[int]) -> dict[int, Registration]:
        """The person's active registrations among ``event_ids``, by event id."""
        if not event_ids:
            return {}
        result = await self.session.execute(
            select(Registration).where(
                Registration.person_id == person_id,
                Registration.event_id.in_(event_ids),
                Registration.status.in_(ACTIVE),
            )
        )
        return {reg.event_id: reg for reg in result.scalars()}

    async def waitlists_and_own(self, event_ids: Sequence[int], person_id: int | None,
                                ) -> list[tuple[int, int, str]]:
        """(event id, person id, status) of every waitlisted registration of ``event_ids``,
        in waitlist order, and of ``person_id``'s active ones: one query for a listing's
        waitlist lengths, the person's statuses and their waitlist positions."""
        if not event_ids:
            return []
        result = await self.session.execute(_waitlists_and_own(person_id is not None), {
            "event_ids": list(event_ids), "person_id": person_id})
        return [(int(e), int(p), str(s)) for e, p, s in result.all()]

    async def waitlist_lengths(self, event_ids: Sequence[int]) -> dict[int, int]:
        if not event_ids:
            return {}
        result = await self.session.execute(
            select(Registration.event_id, func.count(Registration.id))
            .where(Registration.event_id.in_(event_ids), Registration.status == WAITLISTED)
            .group_by(Registration.event_id)
        )
        return {int(event_id): int(count) for event_id, count in result.all()}

    async def upcoming_for_person(self, person_id: int, ending_after: datetime, *,
                                  with_cancelled: bool = False,
                                  ) -> list[tuple[Registration, Event]]:
        """The person's active registrations for scheduled events not yet over (and, with
        ``with_cancelled``, for events cancelled while they were registered)."""
        statuses = (EVENT_SCHEDULED, EVENT_CANCELLED) if with_cancelled else (EVENT_SCHEDULED,)
        result = await self.session.execute(
            select(Registration, Event)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.person_id == person_id,
                Registration.status.in_(ACTIVE),
                Event.status.in_(statuses),
                Event.ends_at > ending_after,
            )
            .order_by(Event.starts_at, Event.id)
        )
        return [(reg, event) for reg, event in result.all()]
