"""APScheduler only wakes the bot: ``copbot serve`` starts it (unless COPBOT_SCHEDULER=off),
its first tick runs at once, and stopping waits for a tick in progress."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from adapters.slack.settings import SlackSettings
from bot.app.runtime import Runtime
from bot.app.server import serve
from bot.clock import FixedClock
from bot.scheduler.wakeup import Wakeup, start_scheduler
from bot.settings import Settings
from storage.db import Database
from tests.adapters.slack.conftest import fake_slack  # noqa: F401 (a fixture)
from tests.adapters.slack.fake_slack import FakeSlack
from tests.bot.scheduler.support import (
    ScriptedTransport,
    add_event,
    channel,
    scheduler,
    subscribe,
    transports_of,
)
from tests.conftest import platforms


async def test_the_scheduler_is_off_when_settings_say_so(
        database: Database, settings: Settings, clock: FixedClock) -> None:
    off = settings.model_copy(update={"scheduler": "off"})
    assert await start_scheduler(off, database, transports_of(), clock) is None


async def test_wakeup_ticks_at_once_then_every_30_seconds_and_at_digest_time(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, channel("C1"), "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    wakeup = Wakeup(scheduler(database, settings, clock, slack))
    await wakeup.start()
    try:
        assert wakeup.scheduler is not None
        tick = wakeup.scheduler.get_job("tick")
        digest = wakeup.scheduler.get_job("digest")
        assert isinstance(tick.trigger, IntervalTrigger)
        assert tick.trigger.interval == timedelta(seconds=30)
        assert isinstance(digest.trigger, CronTrigger)
        assert str(digest.trigger) == "cron[day_of_week='mon', hour='9', minute='0']"
        assert str(digest.trigger.timezone) == "Europe/London"
        # The first tick runs as soon as the scheduler starts.
        await asyncio.wait_for(slack.posted.wait(), timeout=30)
    finally:
        await wakeup.stop()
    assert len(slack.posts) == 1
    assert wakeup.scheduler is None


async def test_serve_posts_scheduled_reminders_through_the_mounted_adapter(
        database: Database, settings: Settings, clock: FixedClock,
        fake_slack: FakeSlack) -> None:  # noqa: F811
    slack = SlackSettings(_env_file=None, bot_token="xoxb-test-token",  # type: ignore[call-arg]
                          signing_secret="secret", api_url=fake_slack.api_url)
    target = channel("C0001", workspace="T0001")
    await subscribe(database, target, "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    ready = asyncio.Event()
    server = asyncio.create_task(serve(Runtime(settings, clock=clock, database=database,
                                               platforms=platforms(slack=slack)),
                                       "127.0.0.1", 0, ready=lambda _: ready.set()))
    try:
        await asyncio.wait_for(ready.wait(), timeout=30)
        [post] = await fake_slack.wait_for("chat.postMessage", within=30)
        assert post.params["channel"] == "C0001"
        assert "starts in 1 hour" in str(post.blocks)
    finally:
        server.cancel()
        try:
            await server
        except asyncio.CancelledError:
            pass
