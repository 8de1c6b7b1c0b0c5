"""The event service on both databases: capacity and waitlists under concurrency, promotion
order, cancellation and the rules that close sign-up."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.errors import NotFound, UserError
from bot.services.event_fields import EventDraft
from bot.services.events import CONFIRMED, WAITLISTED, EventService
from bot.settings import Settings
from bot.types import Person as PersonRef
from storage.db import Database
from storage.models.events import Event, Registration
from storage.repositories.people import PeopleRepository

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
START = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)


async def make_event(database: Database, settings: Settings, capacity: int,
                     starts_at: datetime = START) -> int:
    draft = EventDraft(title="Intro to SPC charts", starts_at=starts_at,
                       ends_at=starts_at + timedelta(minutes=90), capacity=capacity,
                       timezone="Europe/London", join_link="https://meet.example/spc")
    async with database.session() as session:
        event = await EventService(session, settings).create(draft, created_by=None, now=NOW)
        return event.id


async def make_people(database: Database, count: int, prefix: str = "member") -> list[int]:
    async with database.session() as session:
        people = PeopleRepository(session)
        return [(await people.touch(PersonRef("console", "", f"{prefix}{n}", f"M{n}"),
                                    NOW)).id for n in range(count)]


async def signup(database: Database, settings: Settings, event_id: int, person_id: int,
                 ) -> tuple[str, int | None, bool]:
    """One sign-up in its own unit of work, as a message from one member would be."""
    async with database.session() as session:
        result = await EventService(session, settings).signup(event_id, person_id, now=NOW)
        return result.status, result.position, result.already


async def cancel(database: Database, settings: Settings, event_id: int,
                 person_id: int) -> list[int]:
    """Cancel in its own unit of work; the person ids promoted."""
    async with database.session() as session:
        outcome = await EventService(session, settings).cancel_registration(
            event_id, person_id, now=NOW)
        return [a.person_id for a in outcome.promoted]


async def check_invariants(database: Database, event_id: int) -> tuple[int, int]:
    """The rules that must always hold; returns (confirmed, waitlisted)."""
    async with database.session() as session:
        event = await session.get(Event, event_id)
        assert event is not None
        counts = dict((await session.execute(
            select(Registration.status, func.count()).where(Registration.event_id == event_id)
            .group_by(Registration.status))).all())
        per_person = (await session.execute(
            select(func.count()).select_from(Registration).where(
                Registration.event_id == event_id).group_by(Registration.person_id)
            .having(func.count() > 1))).all()
        positions = [a.position for a in await EventService(session, Settings(
            _env_file=None)).attendees(event_id) if a.status == WAITLISTED]  # type: ignore[call-arg]
    confirmed, waitlisted = counts.get(CONFIRMED, 0), counts.get(WAITLISTED, 0)
    assert event.confirmed_count == confirmed <= event.capacity
    assert per_person == []
    assert positions == list(range(1, waitlisted + 1))
    if confirmed < event.capacity:
        assert waitlisted == 0, "a free place while people wait"
    return confirmed, waitlisted


async def test_fifty_concurrent_signups_fill_ten_places_and_queue_forty(
        database: Database, settings: Settings) -> None:
    event_id = await make_event(database, settings, capacity=10)
    people = await make_people(database, 50)
    results = await asyncio.gather(*(signup(database, settings, event_id, p) for p in people))
    confirmed = [r for r in results if r[0] == CONFIRMED]
    waitlisted = [r for r in results if r[0] == WAITLISTED]
    assert len(confirmed) == 10 and len(waitlisted) == 40
    assert sorted(r[1] for r in waitlisted if r[1] is not None) == list(range(1, 41))
    assert not any(r[2] for r in results)
    assert await check_invariants(database, event_id) == (10, 40)


async def test_concurrent_cancels_and_signups_keep_the_invariants(
        database: Database, settings: Settings) -> None:
    event_id = await make_event(database, settings, capacity=10)
    first = await make_people(database, 20, "early")
    for person in first:
        await signup(database, settings, event_id, person)
    newcomers = await make_people(database, 10, "late")
    rng = random.Random(20)
    leaving = rng.sample(first, 10)  # a mix of confirmed and waitlisted
    jobs = [cancel(database, settings, event_id, p) for p in leaving]
    jobs += [signup(database, settings, event_id, p) for p in newcomers]
    rng.shuffle(jobs)
    await asyncio.gather(*jobs)
    confirmed, waitlisted = await check_invariants(database, event_id)
    assert confirmed + waitlisted == 20
    assert confirmed == 10


async def test_signing_up_twice_at_once_makes_one_registration(
        database: Database, settings: Settings) -> None:
    event_id = await make_event(database, settings, capacity=5)
    [person] = await make_people(database, 1)
    results = await asyncio.gather(*(signup(database, settings, event_id, person)
                                     for _ in range(5)))
    assert sorted(r[2] for r in results) == [False, True, True, True, True]
    assert await check_invariants(database, event_id) == (1, 0)


async def test_cancel_promotes_the_first_waitlisted_and_tells_them(
        database: Database, settings: Settings) -> None:
    event_id = await make_event(database, settings, capacity=1)
    alice, bob, carol = await make_people(database, 3)
    for person in (alice, bob, carol):
        await signup(database, settings, event_id, person)
    async with database.session() as session:
        outcome = await EventService(session, settings).cancel_registration(
            event_id, alice, now=NOW)
    assert [a.person_id for a in outcome.promoted] == [bob]
    assert outcome.previous_status == CONFIRMED
    [notice] = outcome.notifications
    assert notice.target.user_id == "member1"
    assert "#1" in (notice.reply.title or "") and "confirmed" in notice.reply.text
    assert await check_invariants(database, event_id) == (1, 1)
    # Leaving the waitlist promotes nobody.
    assert await cancel(database, settings, event_id, carol) == []
    assert await check_invariants(database, event_id) == (1, 0)


async def test_signing_up_again_after_cancelling_goes_to_the_back(
        database: Database, settings: Settings) -> None:
    event_id = await make_event(database, settings, capacity=1)
    alice, bob, carol = await make_people(database, 3)
    for person in (alice, bob, carol):
        await signup(database, settings, event_id, person)
    await cancel(database, settings, event_id, bob)  # bob was first on the waitlist
    assert await signup(database, settings, event_id, bob) == (WAITLISTED, 2, False)


async def test_raising_capacity_promotes_in_order(database: Database,
                                                  settings: Settings) -> None:
    event_id = await make_event(database, settings, capacity=1)
    people = await make_people(database, 4)
    for person in people:
        await signup(database, settings, event_id, person)
    async with database.session() as session:
        outcome = await EventService(session, settings).change_capacity(event_id, 3, now=NOW)
    assert [a.person_id for a in outcome.promoted] == people[1:3]
    assert len(outcome.notifications) == 2
    assert await check_invariants(database, event_id) == (3, 1)


async def test_capacity_cannot_drop_below_those_confirmed(database: Database,
                                                          settings: Settings) -> None:
    event_id = await make_event(database, settings, capacity=3)
    for person in await make_people(database, 3):
        await signup(database, settings, event_id, person)
    with pytest.raises(UserError, match="3 people are confirmed"):
        async with database.session() as session:
            await EventService(session, settings).change_capacity(event_id, 2, now=NOW)
    assert await check_invariants(database, event_id) == (3, 0)


async def test_cancelling_an_event_tells_everyone_once(database: Database,
                                                       settings: Settings) -> None:
    event_id = await make_event(database, settings, capacity=1)
    people = await make_people(database, 3)
    for person in people:
        await signup(database, settings, event_id, person)
    async with database.session() as session:
        outcome = await EventService(session, settings).cancel_event(event_id, now=NOW)
    assert sorted(n.target.user_id or "" for n in outcome.notifications) == [
        "member0", "member1", "member2"]
    with pytest.raises(UserError, match="already cancelled"):
        async with database.session() as session:
            await EventService(session, settings).cancel_event(event_id, now=NOW)
    with pytest.raises(UserError, match="cancelled"):
        await signup(database, settings, event_id, (await make_people(database, 1, "x"))[0])


async def test_signup_closes_when_the_event_starts(database: Database,
                                                   settings: Settings) -> None:
    event_id = await make_event(database, settings, capacity=5, starts_at=NOW)
    [person] = await make_people(database, 1)
    with pytest.raises(UserError, match="already started"):
        await signup(database, settings, event_id, person)


async def test_leaving_a_started_event_promotes_nobody(database: Database,
                                                       settings: Settings) -> None:
    starts_at = NOW + timedelta(hours=1)
    event_id = await make_event(database, settings, capacity=1, starts_at=starts_at)
    alice, bob = await make_people(database, 2)
    for person in (alice, bob):
        await signup(database, settings, event_id, person)
    async with database.session() as session:
        outcome = await EventService(session, settings).cancel_registration(
            event_id, alice, now=starts_at + timedelta(minutes=5))
    assert outcome.previous_status == CONFIRMED and outcome.promoted == ()
    async with database.session() as session:
        roster = await EventService(session, settings).attendees(event_id)
        event = await EventService(session, settings).get(event_id)
    assert [(a.person_id, a.status) for a in roster] == [(bob, WAITLISTED)]
    assert event.confirmed_count == 0


async def test_unknown_event_is_not_found(database: Database, settings: Settings) -> None:
    [person] = await make_people(database, 1)
    with pytest.raises(NotFound, match="#404"):
        await signup(database, settings, 404, person)


async def test_upcoming_lists_scheduled_events_in_the_window_soonest_first(
        database: Database, settings: Settings) -> None:
    later = await make_event(database, settings, 5, NOW + timedelta(days=20))
    sooner = await make_event(database, settings, 5, NOW + timedelta(days=2))
    await make_event(database, settings, 5, NOW + timedelta(days=90))  # beyond 60 days
    await make_event(database, settings, 5, NOW - timedelta(days=1))  # past
    cancelled = await make_event(database, settings, 5, NOW + timedelta(days=3))
    async with database.session() as session:
        await EventService(session, settings).cancel_event(cancelled, now=NOW)
    async with database.session() as session:
        service = EventService(session, settings)
        assert [e.id for e in await service.upcoming(NOW)] == [sooner, later]
        assert await service.count_upcoming(NOW) == 2


async def test_the_capacity_checks_carry_the_models_names(database: Database) -> None:
    from sqlalchemy import Connection, inspect

    def names(connection: Connection) -> set[str]:
        return {c["name"] or "" for c in inspect(connection).get_check_constraints("events")}

    async with database.engine.connect() as conn:
        found = await conn.run_sync(names)
    expected = {c.name for c in Event.__table__.constraints if c.name and c.name.startswith("ck_")}
    assert expected == {"ck_events_within_capacity", "ck_events_capacity_not_negative"}
    assert expected <= found


async def test_demo_seminars_load_once_into_an_empty_table(database: Database,
                                                           settings: Settings) -> None:
    from bot.services.event_demo import seed_events
    from storage.repositories.communities import CommunityRepository

    async with database.session() as session:
        await CommunityRepository(session).ensure(settings.community_seeds())
        summary = await seed_events(session, settings, NOW)
    assert summary is not None and "6 upcoming events" in summary
    async with database.session() as session:
        service = EventService(session, settings)
        upcoming = await service.upcoming(NOW)
        assert len(upcoming) == 6 and all(e.community_id for e in upcoming)
        local = [e.starts_at.astimezone(settings.zone) for e in upcoming]
        assert all(day.weekday() < 5 for day in local)
        waiting = await service.waitlist_lengths(upcoming)
        assert sum(waiting.values()) >= 1
        assert await seed_events(session, settings, NOW) is None
