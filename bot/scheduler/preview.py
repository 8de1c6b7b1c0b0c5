"""A dry run of a tick at any moment: what would be delivered, skipped or failed.

``copbot scheduler tick --now <time>`` uses this, so a check never posts and never records
anything: it reads in a read-only unit of work (the database refuses any write), plans what
would fall due, and composes the messages as the real tick would, without a transport.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduler.kinds import find_due
from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.posts import TickReport, compose
from bot.scheduler.reminders import Skip
from bot.scheduler.sender import READY_LIMIT, DeliveryResult
from storage.db import Database
from storage.models.deliveries import FAILED, PENDING, SENT, SKIPPED, Delivery
from storage.repositories.deliveries import DeliveryRepository, PlannedDelivery

log = logging.getLogger(__name__)


async def preview_tick(database: Database, policy: SchedulePolicy, now: datetime,
                       platforms: Iterable[str]) -> TickReport:
    """What a tick at ``now`` would do for deliveries on ``platforms``, writing nothing.

    It looks back as far as a scheduler's first tick does, so it also shows what a scheduler
    coming back at ``now`` would record as missed."""
    report = TickReport(now)
    platforms = list(platforms)
    since = now - policy.catch_up
    async with database.read_session() as session:
        due = await find_due(session, policy, now, since)
        outbox = DeliveryRepository(session)
        known = await outbox.keys_between(since, now) if due else set()
        new = [p for p in due if p.key not in known and p.target.platform in platforms]
        report.results += [_result(_unsaved(p, now, 0), SKIPPED, p.reason)
                           for p in new if p.status == SKIPPED]
        waiting = [*await outbox.ready_rows(now, READY_LIMIT, platforms),
                   *(_unsaved(p, now, -n) for n, p in enumerate(new, start=1)
                     if p.status == PENDING)]
        report.results += await _compose(session, waiting, policy, now)
    return report


async def _compose(session: AsyncSession, deliveries: Sequence[Delivery],
                   policy: SchedulePolicy, now: datetime) -> list[DeliveryResult]:
    try:
        messages = await compose(session, deliveries, policy, now)
    except SQLAlchemyError:
        raise
    except Exception as exc:  # a bug in composing: the real tick would fail these too
        log.exception("could not compose deliveries in a dry run")
        return [_result(d, FAILED, f"could not compose the message: {exc!r}")
                for d in deliveries]
    return [_result(d, SKIPPED, m.reason) if isinstance(m, Skip) else _result(d, SENT)
            for d, m in zip(deliveries, messages, strict=True)]


def _unsaved(planned: PlannedDelivery, now: datetime, fake_id: int) -> Delivery:
    """A delivery row as the real tick would create it, never added to the session."""
    target = planned.target
    return Delivery(
        id=fake_id, kind=planned.kind, subject=planned.subject, target=target.key,
        scheduled_at=planned.scheduled_at, event_id=planned.event_id,
        platform=target.platform, workspace=target.workspace,
        conversation_id=target.conversation_id, thread_id=target.thread_id,
        user_id=target.user_id, status=planned.status, attempts=0,
        next_attempt_at=planned.scheduled_at, last_error=planned.reason, created_at=now,
        updated_at=now)


def _result(delivery: Delivery, outcome: str, detail: str = "") -> DeliveryResult:
    return DeliveryResult(None if delivery.id is None or delivery.id < 1 else delivery.id,
                          delivery.kind, delivery.subject, delivery.target,
                          delivery.scheduled_at, outcome, detail)
