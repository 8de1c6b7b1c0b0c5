"""Per-channel pacing shared by every replica: one slot at a time, reserved in the database."""

from __future__ import annotations

from sqlalchemy import case
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.models.deliveries import ChannelPace


class ChannelPaceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def reserve(self, lane: str, now: float, interval: float, count: int = 1) -> float:
        """Reserve ``lane``'s next ``count`` free slots of ``interval`` seconds each; returns
        when the first starts (``now`` or later, in seconds since the epoch), the others
        following one ``interval`` apart.

        One atomic upsert: concurrent reservations for a lane (from any replica) queue up one
        after another, each ``interval`` after the last."""
        span = interval * count
        insert = upsert_insert(self.session, ChannelPace)
        stmt = insert.values(lane=lane, next_send_at=now + span).on_conflict_do_update(
            index_elements=["lane"],
            set_={"next_send_at": case((ChannelPace.next_send_at > now,
                                        ChannelPace.next_send_at), else_=now) + span},
        ).returning(ChannelPace.next_send_at)
        next_send_at = float((await self.session.execute(stmt)).scalar_one())
        return next_send_at - span

    async def reserve_many(self, counts: dict[str, int], now: float,
                           interval: float) -> dict[str, float]:
        """:meth:`reserve` for many lanes at once, in one statement: ``counts`` gives how
        many slots each lane needs; returns when each lane's first slot starts."""
        if not counts:
            return {}
        insert = upsert_insert(self.session, ChannelPace)
        # A lane's span is what its new row would hold past ``now``.
        span = insert.excluded.next_send_at - now
        stmt = insert.values([{"lane": lane, "next_send_at": now + interval * count}
                              for lane, count in counts.items()]).on_conflict_do_update(
            index_elements=["lane"],
            set_={"next_send_at": case((ChannelPace.next_send_at > now,
                                        ChannelPace.next_send_at), else_=now) + span},
        ).returning(ChannelPace.lane, ChannelPace.next_send_at)
        ends = {lane: float(end) for lane, end in await self.session.execute(stmt)}
        return {lane: ends[lane] - interval * count for lane, count in counts.items()}
