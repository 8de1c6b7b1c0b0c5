"""Housekeeping: once a day, forget old platform event ids and old finished deliveries.

Exactly once per UTC day across all replicas and ``copbot scheduler tick`` runs: the day is
claimed by inserting a ``job_runs`` row in the same transaction as the deletions, so either
both commit or neither does (and a later tick tries again).

Handled event ids are kept ``COPBOT_IDEMPOTENCY_RETENTION_DAYS`` (default 7; platforms retry
within the hour).  Sent and skipped deliveries are kept ``COPBOT_OUTBOX_RETENTION_DAYS``
(default 90), and never less than the scheduler's look-back, because the outbox's unique key
is what stops a delivery from being planned twice.  Pending and failed deliveries are kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.scheduler.policy import SchedulePolicy
from bot.settings import Settings
from storage.db import Database
from storage.repositories.deliveries import DeliveryRepository
from storage.repositories.idempotency import IdempotencyRepository
from storage.repositories.jobs import JobRunRepository

log = logging.getLogger(__name__)

JOB = "housekeeping"


@dataclass(frozen=True, slots=True)
class HousekeepingReport:
    period: str
    events_forgotten: int
    deliveries_forgotten: int

    def __str__(self) -> str:
        return (f"forgot {self.events_forgotten} handled event ids and "
                f"{self.deliveries_forgotten} sent or skipped deliveries")


class Housekeeping:
    def __init__(self, database: Database, settings: Settings, policy: SchedulePolicy) -> None:
        self.database = database
        self.events_kept = timedelta(days=settings.idempotency_retention_days)
        # Never prune what the scheduler still looks back over when planning.
        self.deliveries_kept = max(timedelta(days=settings.outbox_retention_days),
                                   policy.catch_up + policy.grace)
        self._done: str | None = None  # the last period known to be done, by anyone

    async def run_if_due(self, now: datetime) -> HousekeepingReport | None:
        """Run today's housekeeping unless some process already has; returns what this call
        did, or None when it was not this call's turn."""
        period = now.astimezone(UTC).date().isoformat()
        if self._done == period:
            return None
        async with self.database.read_session() as session:
            if await JobRunRepository(session).has_run(JOB, period):
                self._done = period
                return None
        async with self.database.session() as session:
            jobs = JobRunRepository(session)
            if not await jobs.claim(JOB, period, now):
                self._done = period
                return None
            report = HousekeepingReport(
                period,
                await IdempotencyRepository(session).forget_older_than(now - self.events_kept),
                await DeliveryRepository(session).forget_finished_before(
                    now - self.deliveries_kept),
            )
            await jobs.note(JOB, period, str(report))
        self._done = period
        log.info("housekeeping for %s: %s", period, report)
        return report
