"""Each reminder is delivered exactly once: with several schedulers at the same time, when a
scheduler dies between claiming and sending, and when the platform asks us to slow down."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.delivery import DeliveryError
from bot.scheduler.policy import MAX_ATTEMPTS
from bot.settings import Settings
from bot.types import ChannelRef, Reply
from storage.db import Database
from tests.bot.scheduler.support import (
    FakeTime,
    ScriptedTransport,
    add_event,
    channel,
    deliveries,
    dm,
    register,
    scheduler,
    subscribe,
)

CHANNELS = [channel("C-analysts"), channel("C-general"), channel("C-evaluation")]


async def _two_events_due_now(database: Database, clock: FixedClock) -> None:
    now = clock.now()
    for target in CHANNELS:
        await subscribe(database, target, "reminders")
    await add_event(database, now + timedelta(hours=1), title="SPC in practice")  # 1h due
    tomorrow = await add_event(database, now + timedelta(days=1), title="Intro to R")  # 1d due
    # (both were created weeks ago, so their earlier reminders are long past)
    await register(database, tomorrow, "U-alice")
    await register(database, tomorrow, "U-bob")


async def test_three_schedulers_ticking_together_deliver_each_reminder_once(
        database: Database, database_url: str, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await _two_events_due_now(database, clock)
    replicas = [Database(database_url) for _ in range(3)]
    try:
        for _ in range(2):  # the second round finds nothing left to do
            await asyncio.gather(*(scheduler(replica, settings, clock, slack).tick()
                                   for replica in replicas))
            clock.advance(timedelta(seconds=30))
    finally:
        for replica in replicas:
            await replica.dispose()

    counts = slack.counts()
    assert set(counts.values()) == {1}
    assert len(slack.posts) == 3 * 2 + 2  # two channel reminders per channel, one DM each
    for target in CHANNELS:
        titles = sorted((reply.title or "").split(" ", 2)[2] for reply in slack.to(target))
        assert titles == ["Intro to R", "SPC in practice"]
    assert len(slack.to(dm("U-alice"))) == len(slack.to(dm("U-bob"))) == 1
    rows = await deliveries(database)
    sent = [row for row in rows if row.status == "sent"]
    assert len(sent) == 8 and {row.attempts for row in sent} == {1}
    # Earlier reminders (7 days, 1 day before) fell due before any scheduler ran: recorded.
    missed = [row for row in rows if row.status == "skipped"]
    assert len(missed) == 9 and all(row.last_error.startswith("missed") for row in missed)


class StallingTransport(ScriptedTransport):
    """Accepts nothing until released: the process is killed while a post is in flight."""

    def __init__(self) -> None:
        super().__init__("slack")
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, target: ChannelRef, reply: Reply) -> str | None:
        self.entered.set()
        await self.release.wait()
        return await super().send(target, reply)


async def test_a_scheduler_killed_between_claim_and_send_is_replaced_after_the_lease(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, CHANNELS[0], "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    stalling = StallingTransport()
    doomed = asyncio.create_task(scheduler(database, settings, clock, stalling).tick())
    await asyncio.wait_for(stalling.entered.wait(), timeout=30)
    doomed.cancel()  # killed after claiming, before the platform accepted the post
    with pytest.raises(asyncio.CancelledError):
        await doomed
    [row] = await deliveries(database)
    assert row.status == "pending" and row.claim_token is not None

    survivor = scheduler(database, settings, clock, slack)
    await survivor.tick()
    assert slack.posts == []  # the lease still protects the claim
    clock.advance(timedelta(minutes=10, seconds=1))
    await survivor.tick()
    await survivor.tick()
    assert len(slack.posts) == 1
    assert slack.posts[0].reply.text == "This seminar starts in 50 minutes."
    [row] = await deliveries(database)
    assert row.status == "sent" and row.attempts == 2 and row.claim_token is None
    assert stalling.posts == []


async def test_a_rate_limit_is_waited_out_and_the_post_goes_once(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, CHANNELS[0], "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    slack.refuse(DeliveryError("ratelimited", retry_after=3))
    time = FakeTime()
    report = await scheduler(database, settings, clock, slack, time=time).tick()
    assert len(slack.posts) == 1 and slack.refused == 1
    assert time.sleeps == [3.0]  # Retry-After honoured
    assert [r.outcome for r in report.results] == ["sent"]
    [row] = await deliveries(database)
    assert row.status == "sent" and row.attempts == 2 and row.message_id == "slack-m1"


async def test_a_long_retry_after_releases_the_delivery_until_then(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, CHANNELS[0], "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    slack.refuse(DeliveryError("ratelimited", retry_after=120))
    posts = scheduler(database, settings, clock, slack)
    report = await posts.tick()
    assert [r.outcome for r in report.results] == ["retry"]
    [row] = await deliveries(database)
    assert row.status == "pending" and row.next_attempt_at == clock.now() + timedelta(
        seconds=120)
    clock.advance(timedelta(seconds=60))
    await posts.tick()
    assert slack.posts == []
    clock.advance(timedelta(seconds=61))
    await posts.tick()
    assert len(slack.posts) == 1


async def test_server_errors_are_retried_with_backoff_then_marked_failed(
        database: Database, settings: Settings, clock: FixedClock,
        caplog: pytest.LogCaptureFixture) -> None:
    teams = ScriptedTransport("teams", clock)  # no pacing on Teams: only backoff sleeps
    target = channel("19:general@thread.tacv2", platform="teams", workspace="tenant")
    await subscribe(database, target, "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    teams.refuse(*[DeliveryError("HTTP 503 from the platform") for _ in range(10)])
    time = FakeTime()
    posts = scheduler(database, settings, clock, teams, time=time)
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        report = await posts.tick()
        assert [r.outcome for r in report.results] == ["retry"]
        [row] = await deliveries(database)
        assert row.status == "pending" and row.attempts == 3
        assert row.next_attempt_at == clock.now() + timedelta(seconds=8)  # 2 ** 3
        for _ in range(4):
            clock.advance(timedelta(minutes=1))
            await posts.tick()
    assert teams.posts == [] and teams.refused == MAX_ATTEMPTS
    assert time.sleeps == [1.0, 2.0, 1.0, 2.0]  # backoff within each claim
    [row] = await deliveries(database)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert row.last_error == "HTTP 503 from the platform"
    assert "failed after 6 attempts: HTTP 503 from the platform" in caplog.text


async def test_a_permanent_error_fails_at_once(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, CHANNELS[0], "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    slack.refuse(DeliveryError("channel_not_found", permanent=True))
    report = await scheduler(database, settings, clock, slack).tick()
    assert [(r.outcome, r.detail) for r in report.results] == [("failed", "channel_not_found")]
    [row] = await deliveries(database)
    assert row.status == "failed" and row.attempts == 1


async def test_deliveries_wait_for_a_process_that_can_post_to_their_platform(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    teams_channel = channel("19:abc@thread.tacv2", platform="teams", workspace="tenant")
    await subscribe(database, teams_channel, "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    await scheduler(database, settings, clock, slack).tick()  # a Slack-only replica
    [row] = await deliveries(database)
    assert row.status == "pending" and row.attempts == 0
    teams = ScriptedTransport("teams", clock)
    await scheduler(database, settings, clock, teams).tick()
    assert len(teams.to(teams_channel)) == 1
