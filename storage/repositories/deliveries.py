"""The delivery outbox and channel subscriptions.

The outbox's guarantees live in the SQL here: a delivery is created at most once per
(kind, subject, target, scheduled time) by ``INSERT … ON CONFLICT DO NOTHING``, and claimed
by a conditional UPDATE that only matches a pending row whose lease is free, so two
schedulers can never both hold it.  Every later write names the claim token, so a process
whose lease ran out cannot overwrite what the new holder did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import ColumnElement, Table, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.types import ChannelRef
from storage.dialect import upsert_insert
from storage.models.deliveries import (
    ALL_COMMUNITIES,
    FAILED,
    PENDING,
    SENT,
    SKIPPED,
    ChannelSubscription,
    Delivery,
)
from storage.repositories.posted import PostedMessageRepository

DeliveryKey = tuple[str, str, str, datetime]


@dataclass(frozen=True, slots=True)
class PlannedDelivery:
    """A delivery found due: ``status`` is pending, or skipped with ``reason``."""

    kind: str
    subject: str
    target: ChannelRef
    scheduled_at: datetime
    event_id: int | None = None
    status: str = PENDING
    reason: str = ""
    content: str | None = None  # a notice's rendered message

    @property
    def key(self) -> DeliveryKey:
        return (self.kind, self.subject, self.target.key, self.scheduled_at)


@dataclass(frozen=True, slots=True)
class SentRecord:
    """A post the platform accepted: ``extra_attempts`` counts tries beyond the first.  A
    ``thread_subject`` is recorded with the message id (see PostedMessageRepository)."""

    delivery_id: int
    token: str
    message_id: str | None
    extra_attempts: int = 0
    thread_subject: str | None = None
    target: ChannelRef | None = None


def channel_ref(row: Delivery | ChannelSubscription) -> ChannelRef:
    """Where a delivery or subscription posts."""
    return ChannelRef(
        platform=row.platform,
        workspace=row.workspace,
        conversation_id=row.conversation_id,
        thread_id=row.thread_id or None,
        user_id=row.user_id if isinstance(row, Delivery) else None,
    )


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def keys_between(self, since: datetime, until: datetime) -> set[DeliveryKey]:
        """Keys of deliveries scheduled in (``since``, ``until``]."""
        result = await self.session.execute(
            select(Delivery.kind, Delivery.subject, Delivery.target, Delivery.scheduled_at)
            .where(Delivery.scheduled_at > since, Delivery.scheduled_at <= until)
        )
        return {(r.kind, r.subject, r.target, r.scheduled_at) for r in result}

    async def forget_finished_before(self, cutoff: datetime) -> int:
        """Delete sent and skipped deliveries scheduled and last updated before ``cutoff``
        (housekeeping); pending and failed ones are kept.  Returns how many went."""
        result = await self.session.execute(
            delete(Delivery)
            .where(Delivery.scheduled_at < cutoff, Delivery.updated_at < cutoff,
                   Delivery.status.in_((SENT, SKIPPED)))
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def ready_rows(self, now: datetime, limit: int,
                         platforms: Iterable[str]) -> Sequence[Delivery]:
        """The deliveries :meth:`ready` finds, as rows (for a dry run)."""
        ids = [delivery_id for delivery_id, _ in await self.ready(now, limit, platforms)]
        result = await self.session.execute(
            select(Delivery).where(Delivery.id.in_(ids))
            .order_by(Delivery.scheduled_at, Delivery.id))
        return result.scalars().all()

    async def status_counts(self) -> dict[str, int]:
        """How many deliveries have each status (for metrics)."""
        result = await self.session.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status))
        return {status: int(count) for status, count in result}

    async def oldest_pending(self, now: datetime) -> tuple[datetime | None, datetime | None]:
        """(When the oldest pending delivery was created, the earliest time a pending
        delivery has been ready to send since, up to ``now``), for metrics."""
        result = await self.session.execute(
            select(func.min(Delivery.created_at),
                   func.min(Delivery.next_attempt_at).filter(Delivery.next_attempt_at <= now))
            .where(Delivery.status == PENDING))
        created, ready = result.one()
        return created, ready

    async def add(self, planned: Sequence[PlannedDelivery], now: datetime) -> None:
        """Create deliveries; any that already exist (made by anyone) are left alone."""
        if not planned:
            return
        rows = [
            {
                "kind": p.kind,
                "subject": p.subject,
                "target": p.target.key,
                "scheduled_at": p.scheduled_at,
                "event_id": p.event_id,
                "platform": p.target.platform,
                "workspace": p.target.workspace,
                "conversation_id": p.target.conversation_id,
                "thread_id": p.target.thread_id,
                "user_id": p.target.user_id,
                "status": p.status,
                "attempts": 0,
                "next_attempt_at": p.scheduled_at,
                "last_error": p.reason,
                "content": p.content,
                "created_at": now,
                "updated_at": now,
            }
            for p in planned
        ]
        stmt = upsert_insert(self.session, Delivery).on_conflict_do_nothing(
            index_elements=["kind", "subject", "target", "scheduled_at"])
        await self.session.execute(stmt, rows)

    async def ready(self, now: datetime, limit: int, platforms: Iterable[str],
                    kinds: Iterable[str] | None = None) -> list[tuple[int, ChannelRef]]:
        """(id, where to) of pending deliveries on ``platforms`` (of ``kinds``, if given)
        that may be claimed now, oldest first."""
        stmt = (
            select(Delivery.id, Delivery.platform, Delivery.workspace, Delivery.conversation_id,
                   Delivery.thread_id, Delivery.user_id)
            .where(Delivery.status == PENDING, Delivery.next_attempt_at <= now,
                   or_(Delivery.lease_expires_at.is_(None), Delivery.lease_expires_at <= now),
                   Delivery.platform.in_(list(platforms)))
            .order_by(Delivery.scheduled_at, Delivery.id)
            .limit(limit)
        )
        if kinds is not None:
            stmt = stmt.where(Delivery.kind.in_(list(kinds)))
        result = await self.session.execute(stmt)
        return [(row.id, ChannelRef(row.platform, row.workspace, row.conversation_id,
                                    row.thread_id, row.user_id)) for row in result]

    async def claim(self, ids: Iterable[int], token: str, now: datetime,
                    lease: timedelta) -> Sequence[Delivery]:
        """Claim those of ``ids`` still pending with a free lease; returns what was claimed.

        The WHERE clause is re-checked by the database against the latest committed row, so
        of several concurrent claimers exactly one matches each row.
        """
        ids = list(ids)
        claimable = (Delivery.id.in_(ids), Delivery.status == PENDING,
                     Delivery.next_attempt_at <= now,
                     or_(Delivery.lease_expires_at.is_(None), Delivery.lease_expires_at <= now))
        # On PostgreSQL, rows another scheduler is claiming this instant are skipped rather
        # than waited for (SQLite has one writer at a time and no FOR UPDATE).  Two plain
        # statements, not a subquery: PostgreSQL may plan that as a nested loop when its
        # statistics lag behind a burst of new deliveries.
        free = (await self.session.execute(
            select(Delivery.id).where(*claimable).with_for_update(skip_locked=True)
        )).scalars().all()
        if not free:
            return []
        await self.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(free), *claimable[1:])
            .values(claim_token=token, lease_expires_at=now + lease,
                    attempts=Delivery.attempts + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(
            select(Delivery).where(Delivery.id.in_(free), Delivery.claim_token == token)
            .order_by(Delivery.scheduled_at, Delivery.id)
            .execution_options(populate_existing=True)
        )
        return result.scalars().all()

    async def mark_sent(self, delivery_id: int, token: str, message_id: str | None,
                        extra_attempts: int, now: datetime) -> bool:
        return await self._finish(delivery_id, token, now, status=SENT, message_id=message_id,
                                  attempts=Delivery.attempts + extra_attempts, last_error="")

    async def mark_sent_many(self, sent: Sequence[SentRecord], now: datetime) -> None:
        """Record many posts the platforms accepted, in one statement, with the threads of
        posted notices.  A delivery whose claim was taken over meanwhile (its token no longer
        matches) is left alone."""
        if not sent:
            return
        table = cast(Table, Delivery.__table__)
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.claim_token == bindparam("b_token"))
            .values(status=SENT, message_id=bindparam("b_message"), last_error="",
                    attempts=table.c.attempts + bindparam("b_extra"), claim_token=None,
                    lease_expires_at=None, updated_at=now)
        )
        await self.session.execute(stmt, [
            {"b_id": r.delivery_id, "b_token": r.token, "b_message": r.message_id,
             "b_extra": r.extra_attempts} for r in sent])
        posted = PostedMessageRepository(self.session)
        for r in sent:
            if r.thread_subject and r.message_id and r.target is not None:
                await posted.add(r.target.platform, r.target.workspace,
                                 r.target.conversation_id, r.message_id, r.thread_subject, now)

    async def mark_skipped(self, delivery_id: int, token: str, reason: str,
                           now: datetime) -> bool:
        return await self._finish(delivery_id, token, now, status=SKIPPED, last_error=reason,
                                  attempts=Delivery.attempts - 1)

    async def mark_failed(self, delivery_id: int, token: str, error: str, extra_attempts: int,
                          now: datetime) -> bool:
        return await self._finish(delivery_id, token, now, status=FAILED, last_error=error,
                                  attempts=Delivery.attempts + extra_attempts)

    async def retry_later(self, delivery_id: int, token: str, error: str, extra_attempts: int,
                          at: datetime, now: datetime) -> bool:
        """Release the claim; the delivery stays pending until ``at``."""
        return await self._finish(delivery_id, token, now, status=PENDING, last_error=error,
                                  attempts=Delivery.attempts + extra_attempts,
                                  next_attempt_at=at)

    async def release(self, delivery_id: int, token: str, now: datetime) -> bool:
        """Give a claim back untried: the delivery is pending again as it was."""
        return await self._finish(delivery_id, token, now, attempts=Delivery.attempts - 1)

    async def _finish(self, delivery_id: int, token: str, now: datetime,
                      **values: object) -> bool:
        result = await self.session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.claim_token == token)
            .values(claim_token=None, lease_expires_at=None, updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def listing(self, status: str | None, limit: int) -> Sequence[Delivery]:
        """The most recently scheduled deliveries (optionally of one status)."""
        stmt = select(Delivery).order_by(Delivery.scheduled_at.desc(), Delivery.id.desc())
        if status is not None:
            stmt = stmt.where(Delivery.status == status)
        result = await self.session.execute(stmt.limit(limit))
        return result.scalars().all()


class SubscriptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, channel: ChannelRef, community: str, kinds: Iterable[str],
                  now: datetime) -> list[str]:
        """Subscribe ``channel``; returns the kinds that were new."""
        added = []
        for kind in kinds:
            stmt = upsert_insert(self.session, ChannelSubscription).values(
                platform=channel.platform, workspace=channel.workspace,
                conversation_id=channel.conversation_id, thread_id=channel.thread_id or "",
                community=community, kind=kind, created_at=now,
            ).on_conflict_do_nothing()
            result = await self.session.execute(stmt)
            if result.rowcount:  # type: ignore[attr-defined]
                added.append(kind)
        return added

    async def remove(self, channel: ChannelRef, community: str | None,
                     kinds: Iterable[str] | None) -> int:
        """Remove subscriptions of ``channel`` (all communities/kinds when None)."""
        stmt = delete(ChannelSubscription).where(*_same_channel(channel))
        if community is not None:
            stmt = stmt.where(ChannelSubscription.community == community)
        if kinds is not None:
            stmt = stmt.where(ChannelSubscription.kind.in_(list(kinds)))
        result = await self.session.execute(stmt)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def for_channel(self, channel: ChannelRef) -> Sequence[ChannelSubscription]:
        result = await self.session.execute(
            select(ChannelSubscription).where(*_same_channel(channel))
            .order_by(ChannelSubscription.community, ChannelSubscription.kind)
        )
        return result.scalars().all()

    async def of_kind(self, kind: str) -> Sequence[ChannelSubscription]:
        result = await self.session.execute(
            select(ChannelSubscription).where(ChannelSubscription.kind == kind)
            .order_by(ChannelSubscription.id)
        )
        return result.scalars().all()

    async def channels_for(self, kind: str, community: str | None) -> list[ChannelRef]:
        """The channels subscribed to ``kind`` that take posts about ``community`` (a slug,
        or None for the whole network), each once."""
        found: dict[ChannelRef, None] = {}
        for row in await self.of_kind(kind):
            if covers([row.community], community):
                found[channel_ref(row)] = None
        return list(found)


def covers(communities: Iterable[str], community: str | None) -> bool:
    """Whether subscriptions to ``communities`` take posts about ``community`` (None: an
    event for the whole network, which every subscription takes)."""
    scopes = set(communities)
    return community is None or ALL_COMMUNITIES in scopes or community in scopes


def _same_channel(channel: ChannelRef) -> tuple[ColumnElement[bool], ...]:
    return (
        ChannelSubscription.platform == channel.platform,
        ChannelSubscription.workspace == channel.workspace,
        ChannelSubscription.conversation_id == channel.conversation_id,
        ChannelSubscription.thread_id == (channel.thread_id or ""),
    )
