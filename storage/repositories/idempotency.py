"""Platform event ids already handled, so a retried delivery never repeats an action."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.models import ProcessedEvent


class IdempotencyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, key: str, now: datetime) -> bool:
        """True the first time ``key`` is seen; False for every repeat (in any process).

        The claim is part of the caller's unit of work: if handling fails and rolls back, the
        key is released and a platform retry is handled afresh.
        """
        stmt = upsert_insert(self.session, ProcessedEvent).values(
            key=stored_key(key), processed_at=now
        ).on_conflict_do_nothing(index_elements=["key"])
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def forget_older_than(self, cutoff: datetime) -> int:
        """Forget keys handled before ``cutoff`` (housekeeping); returns how many."""
        result = await self.session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.processed_at < cutoff)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


KEY_LENGTH = 255  # the column's length


def stored_key(key: str) -> str:
    """``key`` as stored: a key longer than the column keeps its start and ends with a
    digest of the whole, so two long keys that differ only at the end stay different."""
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[:KEY_LENGTH - len(digest) - 1]}#{digest}"
