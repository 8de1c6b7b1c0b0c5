"""Per-channel pacing holds across replicas: the next free slot of each channel is kept in
the database, so two processes posting to one Slack channel take turns at one a second."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import Database
from tests.bot.scheduler.support import (
    FakeTime,
    ScriptedTransport,
    add_event,
    channel,
    scheduler,
    subscribe,
)

CHANNEL = channel("C-analysts")


async def _seminars(database: Database, clock: FixedClock, *titles: str) -> None:
    for title in titles:  # each one's 1-hour reminder is due now
        await add_event(database, clock.now() + timedelta(hours=1), title=title,
                        created_at=clock.now())


async def test_a_second_replica_waits_for_the_slots_the_first_one_took(
        database: Database, database_url: str, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, CHANNEL, "reminders")
    first, second = FakeTime(), FakeTime()  # two machines; their clocks agree
    await _seminars(database, clock, "A1", "A2", "A3")
    await scheduler(database, settings, clock, slack, time=first).tick()
    assert first.sleeps == [1.0, 1.0]  # its own posts, a second apart

    await _seminars(database, clock, "B1", "B2")
    other = Database(database_url)  # another replica, at the same moment
    try:
        await scheduler(other, settings, clock, slack, time=second).tick()
    finally:
        await other.dispose()
    assert len(slack.posts) == 5
    # The channel's next slot was 3 s after the first replica began: wait for it, then pace.
    assert second.sleeps == [3.0, 1.0]


async def test_other_channels_and_platforms_do_not_wait(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, CHANNEL, "reminders")
    await subscribe(database, channel("C-general"), "reminders")
    teams = ScriptedTransport("teams", clock)
    await subscribe(database, channel("19:x@thread.tacv2", platform="teams"), "reminders")
    await _seminars(database, clock, "Only one")
    time = FakeTime()
    await scheduler(database, settings, clock, slack, teams, time=time).tick()
    assert len(slack.posts) == 2 and len(teams.posts) == 1
    assert time.sleeps == []
