"""Housekeeping: once a day, whichever replica gets there first, old handled event ids and
old sent or skipped deliveries are forgotten; recent history and anything unfinished stay."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.scheduler.housekeeping import Housekeeping
from bot.scheduler.policy import SchedulePolicy
from bot.settings import Settings, SettingsError, load_settings
from storage.db import Database
from storage.models import ProcessedEvent
from storage.models.deliveries import FAILED, PENDING, SENT, SKIPPED, Delivery
from storage.models.jobs import JobRun
from storage.repositories.idempotency import IdempotencyRepository
from tests.bot.scheduler.support import channel, scheduler
from tests.bot.scheduler.test_cli import copbot

DAY = timedelta(days=1)


async def _handled(database: Database, key: str, at_days_ago: int, clock: FixedClock) -> None:
    async with database.session() as session:
        assert await IdempotencyRepository(session).claim(key, clock.now() - at_days_ago * DAY)


async def _delivery(database: Database, subject: str, status: str, days_ago: int,
                    clock: FixedClock) -> None:
    at = clock.now() - days_ago * DAY
    target = channel("C1")
    async with database.session() as session:
        session.add(Delivery(
            kind="channel_reminder", subject=subject, target=target.key, scheduled_at=at,
            platform=target.platform, workspace=target.workspace,
            conversation_id=target.conversation_id, status=status, attempts=1,
            next_attempt_at=at, last_error="", created_at=at, updated_at=at))


async def _keys(database: Database) -> set[str]:
    async with database.session() as session:
        return set((await session.execute(select(ProcessedEvent.key))).scalars())


async def _subjects(database: Database) -> set[str]:
    async with database.session() as session:
        return set((await session.execute(select(Delivery.subject))).scalars())


def _housekeeping(database: Database, settings: Settings) -> Housekeeping:
    return Housekeeping(database, settings, SchedulePolicy.from_settings(settings))


async def test_a_tick_forgets_old_event_ids_and_old_finished_deliveries(
        database: Database, settings: Settings, clock: FixedClock) -> None:
    for key, age in (("slack:T1:Ev-old", 8), ("slack:T1:Ev-week", 6), ("slack:T1:Ev-new", 0)):
        await _handled(database, key, age, clock)
    for subject, status, age in (("old-sent", SENT, 91), ("old-skipped", SKIPPED, 120),
                                 ("old-failed", FAILED, 200), ("old-pending", PENDING, 95),
                                 ("recent-sent", SENT, 89), ("recent-skipped", SKIPPED, 3)):
        await _delivery(database, subject, status, age, clock)

    await scheduler(database, settings, clock).tick()

    assert await _keys(database) == {"slack:T1:Ev-week", "slack:T1:Ev-new"}
    assert await _subjects(database) == {"old-failed", "old-pending", "recent-sent",
                                         "recent-skipped"}
    # A platform retrying an event it sent 6 days ago is still recognised.
    async with database.session() as session:
        assert not await IdempotencyRepository(session).claim("slack:T1:Ev-week", clock.now())


async def test_retention_comes_from_settings(database: Database, database_url: str,
                                             clock: FixedClock) -> None:
    settings = Settings(database_url=database_url, idempotency_retention_days=2,
                        outbox_retention_days=30, _env_file=None)  # type: ignore[call-arg]
    await _handled(database, "slack:T1:Ev-3days", 3, clock)
    await _handled(database, "slack:T1:Ev-1day", 1, clock)
    await _delivery(database, "sent-31-days-ago", SENT, 31, clock)
    await _delivery(database, "sent-29-days-ago", SENT, 29, clock)

    report = await _housekeeping(database, settings).run_if_due(clock.now())

    assert report is not None
    assert (report.events_forgotten, report.deliveries_forgotten) == (1, 1)
    assert await _keys(database) == {"slack:T1:Ev-1day"}
    assert await _subjects(database) == {"sent-29-days-ago"}


async def test_it_runs_once_a_day_whichever_replica_claims_it(
        database_url: str, database: Database, settings: Settings, clock: FixedClock) -> None:
    replicas = [Database(database_url) for _ in range(3)]
    try:
        await _handled(database, "slack:T1:Ev-old", 10, clock)
        reports = await asyncio.gather(*(_housekeeping(replica, settings).run_if_due(clock.now())
                                         for replica in replicas))
        assert [r is not None for r in reports].count(True) == 1
        assert await _keys(database) == set()

        # Later the same day nothing is pruned, by anyone: the day is done.
        await _handled(database, "slack:T1:Ev-late", 10, clock)
        clock.advance(timedelta(hours=13))
        again = await asyncio.gather(*(_housekeeping(replica, settings).run_if_due(clock.now())
                                       for replica in replicas))
        assert again == [None, None, None]
        assert await _keys(database) == {"slack:T1:Ev-late"}

        clock.advance(DAY)  # the next day, once more
        reports = await asyncio.gather(*(_housekeeping(replica, settings).run_if_due(clock.now())
                                         for replica in replicas))
        assert [r is not None for r in reports].count(True) == 1
        assert await _keys(database) == set()
        async with database.session() as session:
            runs = await session.scalar(select(func.count()).select_from(JobRun))
        assert runs == 2
    finally:
        for replica in replicas:
            await replica.dispose()


async def test_deliveries_the_scheduler_still_looks_back_over_are_kept(
        database: Database, database_url: str, clock: FixedClock) -> None:
    """The outbox's unique key stops a reminder being planned twice, so rows inside the
    scheduler's look-back stay whatever the retention says."""
    settings = Settings(database_url=database_url, outbox_retention_days=1,
                        _env_file=None)  # type: ignore[call-arg]
    await _delivery(database, "sent-2-days-ago", SENT, 2, clock)
    await _delivery(database, "sent-30-days-ago", SENT, 30, clock)
    await _housekeeping(database, settings).run_if_due(clock.now())
    assert await _subjects(database) == {"sent-2-days-ago"}


async def test_copbot_deliveries_still_lists_recent_history(
        tmp_path: Path, database_url: str, database: Database, clock: FixedClock,
        settings: Settings) -> None:
    await _delivery(database, "event:1", SENT, 100, clock)
    await _delivery(database, "event:2", SENT, 2, clock)
    await _housekeeping(database, settings).run_if_due(clock.now())
    (tmp_path / ".env").write_text(f"COPBOT_DATABASE_URL={database_url}\n")
    code, listing, err = await copbot("deliveries", cwd=tmp_path)
    assert code == 0, err
    [line] = listing.splitlines()
    assert line.split()[1:4] == ["sent", "channel_reminder", "event:2"]


def test_the_retention_settings_are_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).idempotency_retention_days == 7  # type: ignore[call-arg]
    assert Settings(_env_file=None).outbox_retention_days == 90  # type: ignore[call-arg]
    monkeypatch.setenv("COPBOT_IDEMPOTENCY_RETENTION_DAYS", "14")
    monkeypatch.setenv("COPBOT_OUTBOX_RETENTION_DAYS", "365")
    settings = load_settings(_env_file=None)
    assert (settings.idempotency_retention_days, settings.outbox_retention_days) == (14, 365)
    monkeypatch.setenv("COPBOT_OUTBOX_RETENTION_DAYS", "0")
    with pytest.raises(SettingsError, match="COPBOT_OUTBOX_RETENTION_DAYS"):
        load_settings(_env_file=None)
