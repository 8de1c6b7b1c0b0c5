"""The seminar cycle's scheduled posts: the Check in button in the last personal reminder,
and feedback cards that reach each person who came exactly once — through a platform outage,
with two schedulers, and for attendance recorded after the seminar ended."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from bot.delivery import DeliveryError
from bot.settings import Settings
from storage.db import Database
from storage.models import Person
from storage.models.seminars import Attendance, Feedback
from tests.bot.scheduler.support import (
    ScriptedTransport,
    add_event,
    deliveries,
    dm,
    register,
    scheduler,
)


async def attend(database: Database, event_id: int, user: str, at: datetime) -> int:
    async with database.session() as session:
        person = (await session.execute(select(Person).where(Person.user_id == user))
                  ).scalar_one()
        session.add(Attendance(event_id=event_id, person_id=person.id, source="report",
                               recorded_at=at))
        return person.id


def feedback_titles(transport: ScriptedTransport) -> list[tuple[str | None, str | None]]:
    return sorted((p.target.user_id, p.reply.title) for p in transport.posts
                  if (p.reply.title or "").startswith("How was"))


async def test_only_the_last_reminder_has_a_check_in_button(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    starts = clock.now() + timedelta(days=1)
    event = await add_event(database, starts, created_at=clock.now() - timedelta(days=3))
    await register(database, event, "U-alice")
    posts = scheduler(database, settings, clock, slack)
    await posts.tick()
    [day_before] = slack.to(dm("U-alice"))
    assert day_before.buttons == ()
    clock.set(starts - timedelta(minutes=15))
    await posts.tick()
    [_, last] = slack.to(dm("U-alice"))
    assert [(b.label, b.command_text) for b in last.buttons] == [
        ("Check in", f"checkin {event}")]


async def test_each_person_who_came_gets_one_card_through_an_outage_and_two_schedulers(
        database: Database, database_url: str, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    starts = clock.now() - timedelta(hours=2)
    event = await add_event(database, starts, created_at=starts - timedelta(days=30))
    for user in ("U-alice", "U-bob", "U-carol"):
        await register(database, event, user)
    await attend(database, event, "U-alice", starts)
    await attend(database, event, "U-bob", starts + timedelta(minutes=5))
    # Carol had a place but did not come: no card for her.
    slack.refuse(*[DeliveryError("HTTP 503 from the platform") for _ in range(4)])
    replicas = [Database(database_url) for _ in range(2)]
    try:
        for _ in range(8):
            await asyncio.gather(*(scheduler(r, settings, clock, slack).tick()
                                   for r in replicas))
            clock.advance(timedelta(minutes=3))
    finally:
        for replica in replicas:
            await replica.dispose()
    assert slack.refused == 4
    assert feedback_titles(slack) == [("U-alice", f"How was #{event} Intro to SPC?"),
                                      ("U-bob", f"How was #{event} Intro to SPC?")]
    [card] = slack.to(dm("U-alice"))
    assert [b.command_text for b in card.buttons] == [f"rate {event} {n}" for n in range(1, 6)]
    rows = [(d.kind, d.user_id, d.status) for d in await deliveries(database)]
    assert sorted(rows) == [("feedback_request", "U-alice", "sent"),
                            ("feedback_request", "U-bob", "sent")]


async def test_attendance_imported_the_next_day_still_gets_its_card_once(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    starts = clock.now() - timedelta(days=1)
    event = await add_event(database, starts, created_at=starts - timedelta(days=30))
    await register(database, event, "U-alice")
    posts = scheduler(database, settings, clock, slack)
    await posts.tick()
    assert feedback_titles(slack) == []
    clock.advance(timedelta(minutes=10))
    await attend(database, event, "U-alice", clock.now())  # the report, imported this morning
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        await posts.tick()
    assert feedback_titles(slack) == [("U-alice", f"How was #{event} Intro to SPC?")]


async def test_no_card_for_someone_who_already_rated(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    starts = clock.now() - timedelta(hours=2)
    event = await add_event(database, starts, created_at=starts - timedelta(days=30))
    await register(database, event, "U-alice")
    person = await attend(database, event, "U-alice", starts)
    async with database.session() as session:
        session.add(Feedback(event_id=event, person_id=person, rating=5, comment="",
                             signed=False, created_at=starts, updated_at=starts))
    report = await scheduler(database, settings, clock, slack).tick()
    assert feedback_titles(slack) == []
    assert [r.detail for r in report.results] == ["feedback already given"]
