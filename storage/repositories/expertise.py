"""Members' declared expertise."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.models import Person
from storage.models.network import Expertise


class ExpertiseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, person_id: int, topic: str, key: str, now: datetime) -> bool:
        stmt = upsert_insert(self.session, Expertise).values(
            person_id=person_id, topic=topic, key=key, added_at=now
        ).on_conflict_do_nothing(index_elements=["person_id", "key"])
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def remove(self, person_id: int, keys: Sequence[str]) -> int:
        result = await self.session.execute(
            delete(Expertise).where(Expertise.person_id == person_id, Expertise.key.in_(keys))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def of(self, person_id: int) -> Sequence[Expertise]:
        result = await self.session.execute(
            select(Expertise).where(Expertise.person_id == person_id).order_by(Expertise.topic)
        )
        return result.scalars().all()

    async def everyone(self) -> Sequence[tuple[Expertise, Person]]:
        result = await self.session.execute(
            select(Expertise, Person).join(Person, Person.id == Expertise.person_id)
        )
        return [(row[0], row[1]) for row in result.all()]
