"""One tick of the scheduler: find what is due, record it in the outbox, send what is ready.

Ticks are safe to run at any moment, as often as wished, in any number of processes: finding
what is due is idempotent (the outbox's unique key) and sending is exclusive (claims).  The
first tick of a process looks back far enough to record what was missed while nothing ran;
later ticks look back over the grace period only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.delivery import Transports
from bot.notices import notice_content
from bot.scheduler.housekeeping import Housekeeping
from bot.scheduler.kinds import COMPOSERS, find_due
from bot.scheduler.pacing import ChannelPacer, Sleep
from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.reminders import Skip, compose_reminders
from bot.scheduler.sender import DeliveryResult, Sender
from bot.settings import Settings
from bot.timefmt import format_datetime, format_duration
from bot.types import Reply
from storage.db import Database, is_unavailable
from storage.models.deliveries import NOTICE, SKIPPED, Delivery
from storage.repositories.deliveries import DeliveryRepository

log = logging.getLogger(__name__)


@dataclass
class TickReport:
    """What one tick did, for logs and ``copbot scheduler tick``."""

    now: datetime
    results: list[DeliveryResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)


async def compose(session: AsyncSession, deliveries: Sequence[Delivery],
                  policy: SchedulePolicy, now: datetime) -> list[Reply | Skip]:
    """The message for each delivery as of ``now`` (or why it should not go out)."""
    messages: dict[int, Reply | Skip] = {}
    reminders = []
    for delivery in deliveries:
        if delivery.kind == NOTICE:  # rendered when queued, and never too late to tell
            messages[delivery.id] = notice_content(delivery).reply
        elif now - delivery.scheduled_at > policy.grace:
            messages[delivery.id] = Skip(
                f"missed: due {format_datetime(delivery.scheduled_at, policy.zone)}, more than "
                f"{format_duration(policy.grace)} ago")
        elif delivery.kind in COMPOSERS:
            messages[delivery.id] = await COMPOSERS[delivery.kind](session, delivery, policy,
                                                                   now)
        else:
            reminders.append(delivery)
    composed = await compose_reminders(session, reminders, policy, now)
    messages.update(zip((d.id for d in reminders), composed, strict=True))
    return [messages[delivery.id] for delivery in deliveries]


class ScheduledPosts:
    def __init__(self, database: Database, transports: Transports, settings: Settings,
                 clock: Clock, *, pacer: ChannelPacer | None = None,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.database = database
        self.clock = clock
        self.policy = SchedulePolicy.from_settings(settings)
        self.sender = Sender(database, transports, compose, self.policy, clock,
                             pacer or ChannelPacer(sleep=sleep), sleep=sleep)
        self.housekeeping = Housekeeping(database, settings, self.policy)
        self._caught_up = False

    async def tick(self) -> TickReport:
        """Plan and send everything due now, and the day's housekeeping if nobody has done
        it yet; returns what was sent."""
        now = self.clock.now()
        report = TickReport(now)
        report.results += await self.plan(now)
        report.results += await self.sender.send_ready()
        try:
            await self.housekeeping.run_if_due(now)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            # What was sent is reported all the same; the next tick tries the day's
            # housekeeping again.
            log.warning("housekeeping skipped: database unavailable (%s)", exc)
        if report.results:
            log.info("scheduler tick at %s: %d sent, %d skipped, %d failed, %d to retry",
                     now.isoformat(), report.count("sent"), report.count("skipped"),
                     report.count("failed"), report.count("retry"))
        return report

    async def plan(self, now: datetime) -> list[DeliveryResult]:
        """Record in the outbox every delivery due by ``now`` that is not there yet;
        returns those recorded as skipped (missed by more than the grace period)."""
        since = now - (self.policy.grace if self._caught_up else self.policy.catch_up)
        async with self.database.session() as session:
            due = await find_due(session, self.policy, now, since)
            outbox = DeliveryRepository(session)
            known = await outbox.keys_between(since, now) if due else set()
            new = [p for p in due if p.key not in known]
            await outbox.add(new, now)
        self._caught_up = True
        return [DeliveryResult(None, p.kind, p.subject, p.target.key, p.scheduled_at, SKIPPED,
                               p.reason) for p in new if p.status == SKIPPED]
