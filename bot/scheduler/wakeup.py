"""The scheduler's alarm clock: APScheduler 3.x wakes the bot, and that is all it does.

Two jobs, both held in memory: a tick every 30 seconds, and the digest's CronTrigger at the
configured local weekday and time (so the digest goes out on the minute, not up to 30 s
late).  Both run the same :meth:`ScheduledPosts.tick`; what is due comes from our tables, so
restarting, or running this in several replicas, changes nothing about what is sent.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.delivery import Transports
from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.posts import ScheduledPosts, TickReport
from bot.settings import Settings
from storage.db import Database, is_unavailable

log = logging.getLogger(__name__)

TICK_SECONDS = 30
STOP_TIMEOUT = 30.0  # seconds a running tick may take to finish when stopping


def digest_trigger(policy: SchedulePolicy) -> CronTrigger:
    """Fires at the digest's local wall-clock time on its weekday, through clock changes."""
    return CronTrigger(day_of_week=policy.digest_day, hour=policy.digest_time.hour,
                       minute=policy.digest_time.minute, timezone=policy.zone)


class Wakeup:
    """Runs ``posts.tick`` every 30 s and at digest time.  ``start``/``stop`` need a running
    event loop; nothing happens on construction."""

    def __init__(self, posts: ScheduledPosts) -> None:
        self.posts = posts
        self._scheduler: AsyncIOScheduler | None = None
        self._lock = asyncio.Lock()
        self._running: set[asyncio.Task[object]] = set()

    @property
    def scheduler(self) -> AsyncIOScheduler | None:
        return self._scheduler

    async def start(self) -> None:
        policy = self.posts.policy
        scheduler = AsyncIOScheduler(timezone=policy.zone)
        # APScheduler keeps real time; the tick itself reads the injected clock.  The first
        # tick runs at once: it records what was missed while nothing ran.
        scheduler.add_job(self._wake, IntervalTrigger(seconds=TICK_SECONDS, timezone=policy.zone),
                          id="tick", max_instances=2, coalesce=True, misfire_grace_time=None,
                          next_run_time=datetime.now(UTC))
        scheduler.add_job(self._wake, digest_trigger(policy), id="digest", max_instances=2,
                          coalesce=True, misfire_grace_time=None)
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler started: ticks every %d s, digest %s", TICK_SECONDS,
                 scheduler.get_job("digest").trigger)

    async def stop(self) -> None:
        """Stop waking; a tick in progress may finish (up to 30 s), then is cancelled."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        if self._running:
            _, pending = await asyncio.wait(set(self._running), timeout=STOP_TIMEOUT)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)

    async def _wake(self) -> None:
        if self._lock.locked():  # a long tick is still sending; the next one catches up
            log.debug("scheduler tick still running; this wake-up is skipped")
            return
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            await self.tick()
        finally:
            if task is not None:
                self._running.discard(task)

    async def tick(self) -> TickReport | None:
        """Run one tick now (after any tick already running in this process)."""
        async with self._lock:
            try:
                return await self.posts.tick()
            except Exception as exc:
                if is_unavailable(exc):
                    log.warning("scheduler tick skipped: database unavailable (%s)", exc)
                else:
                    log.exception("scheduler tick failed")
                return None


async def start_scheduler(settings: Settings, database: Database, transports: Transports,
                          clock: Clock) -> Wakeup | None:
    """Start scheduled posts in this process, unless ``COPBOT_SCHEDULER=off``."""
    if settings.scheduler == "off":
        log.info("scheduler is off in this process (COPBOT_SCHEDULER=off)")
        return None
    wakeup = Wakeup(ScheduledPosts(database, transports, settings, clock))
    await wakeup.start()
    return wakeup
