"""What an operator watches: Prometheus metrics for ``GET /metrics`` (``COPBOT_METRICS=on``).

Counters and the latency histogram are this process's own (each ``copbot serve`` replica is
scraped separately).  The outbox figures are read from the database at scrape time, so they
describe every replica and worker at once:

- ``copbot_requests_total{platform, outcome}``: messages handled; outcome is ``ok``,
  ``duplicate`` (a platform retry dropped), ``unavailable`` (database down) or ``error`` (a
  bug: the person was shown an error reference).
- ``copbot_handler_seconds{platform}``: time to handle one message (histogram).
- ``copbot_delivery_attempts_total{platform}`` / ``copbot_delivery_failures_total{platform}``:
  posts this process tried, and those the platform refused or that could not reach it.
- ``copbot_outbox_rows{status}``: deliveries by status.
- ``copbot_outbox_oldest_pending_seconds``: age of the oldest pending delivery.
- ``copbot_scheduler_lag_seconds``: how long the oldest delivery that is due has waited to be
  sent (0 when nothing due is waiting).
- ``copbot_metrics_database_up``: 1 when the scrape could read the database, else 0.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.types import Outcome
from storage.db import Database, is_unavailable
from storage.models.deliveries import STATUSES
from storage.repositories.deliveries import DeliveryRepository


class Metrics:
    """One process's metrics, in their own registry (owned by the runtime, not a global)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter("copbot_requests", "Messages handled, by platform and outcome",
                                ["platform", "outcome"], registry=registry)
        self.handler_seconds = Histogram("copbot_handler_seconds",
                                         "Time to handle one message", ["platform"],
                                         registry=registry)
        self.delivery_attempts = Counter("copbot_delivery_attempts",
                                         "Posts tried by this process", ["platform"],
                                         registry=registry)
        self.delivery_failures = Counter("copbot_delivery_failures",
                                         "Posts refused by the platform or not delivered",
                                         ["platform"], registry=registry)
        self.outbox_rows = Gauge("copbot_outbox_rows", "Deliveries in the outbox, by status",
                                 ["status"], registry=registry)
        self.oldest_pending = Gauge("copbot_outbox_oldest_pending_seconds",
                                    "Age of the oldest pending delivery", registry=registry)
        self.scheduler_lag = Gauge("copbot_scheduler_lag_seconds",
                                   "How long the oldest due delivery has waited to be sent",
                                   registry=registry)
        self.database_up = Gauge("copbot_metrics_database_up",
                                 "1 when the last scrape could read the database",
                                 registry=registry)

    def handled(self, platform: str, outcome: Outcome, seconds: float,
                unavailable_reply: str) -> None:
        """Count one handled message."""
        if outcome.duplicate:
            label = "duplicate"
        elif outcome.error_ref:
            label = "error"
        elif outcome.reply is not None and outcome.reply.text == unavailable_reply:
            label = "unavailable"
        else:
            label = "ok"
        self.requests.labels(platform=platform, outcome=label).inc()
        self.handler_seconds.labels(platform=platform).observe(seconds)

    def attempted(self, platform: str, *, failed: bool) -> None:
        """Count one post tried (``failed`` when it did not reach the platform)."""
        self.delivery_attempts.labels(platform=platform).inc()
        if failed:
            self.delivery_failures.labels(platform=platform).inc()

    async def refresh(self, database: Database, now: datetime) -> None:
        """Read the outbox figures from the database (at scrape time)."""
        try:
            async with database.read_session() as session:
                outbox = DeliveryRepository(session)
                counts = await outbox.status_counts()
                created, ready = await outbox.oldest_pending(now)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            self.database_up.set(0)
            return
        self.database_up.set(1)
        for status in sorted({*STATUSES, *counts}):
            self.outbox_rows.labels(status=status).set(counts.get(status, 0))
        self.oldest_pending.set(_age(created, now))
        self.scheduler_lag.set(_age(ready, now))

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)


def _age(since: datetime | None, now: datetime) -> float:
    return max((now - since).total_seconds(), 0.0) if since is not None else 0.0
