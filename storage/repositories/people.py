"""People and organisers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.types import Person as PersonRef
from storage.dialect import upsert_insert
from storage.models import Organiser, Person


def person_ref(row: Person) -> PersonRef:
    """The core's value for a stored person."""
    return PersonRef(row.platform, row.workspace, row.user_id, row.display_name)


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def touch(self, person: PersonRef, now: datetime, *, email: str = "") -> Person:
        """Record that ``person`` spoke now; keeps the latest display name and the email
        the platform gave, if any."""
        values = {
            "platform": person.platform,
            "workspace": person.workspace,
            "user_id": person.user_id,
            "display_name": person.display_name,
            "created_at": now,
            "last_seen_at": now,
        }
        update: dict[str, object] = {"last_seen_at": now}
        if person.display_name:
            update["display_name"] = person.display_name
        if email:
            values["email"] = update["email"] = email.strip().lower()
        stmt = upsert_insert(self.session, Person).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "workspace", "user_id"], set_=update
        ).returning(Person).execution_options(populate_existing=True)
        # One round trip: both dialects return the inserted or updated row.
        result = await self.session.execute(stmt)
        row: Person = result.scalar_one()
        return row

    async def find(self, platform: str, workspace: str, user_id: str) -> Person | None:
        result = await self.session.execute(
            select(Person).where(
                Person.platform == platform,
                Person.workspace == workspace,
                Person.user_id == user_id,
            ).execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()


    async def names_for_keys(self, keys: Iterable[str]) -> dict[str, str]:
        """``platform:workspace:user`` keys of people the bot knows → their display names
        (the user id when they have none).  Keys of unknown people and other text are left
        out."""
        names: dict[str, str] = {}
        for key in set(keys):
            parts = split_person_key(key)
            if parts is None:
                continue
            person = await self.find(*parts)
            if person is not None:
                names[key] = person.display_name or person.user_id
        return names


def split_person_key(key: str) -> tuple[str, str, str] | None:
    """``slack:T1:U2`` → ("slack", "T1", "U2"); None when ``key`` is not a person key."""
    parts = key.strip().split(":", 2)
    if len(parts) != 3 or not parts[0] or not parts[2] or " " in parts[0]:
        return None
    return parts[0], parts[1], parts[2]


class OrganiserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, platform: str, workspace: str, user_id: str, now: datetime) -> bool:
        """Add an organiser; False if they already were one."""
        stmt = upsert_insert(self.session, Organiser).values(
            platform=platform, workspace=workspace, user_id=user_id, added_at=now
        ).on_conflict_do_nothing()
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def remove(self, platform: str, workspace: str, user_id: str) -> bool:
        result = await self.session.execute(
            delete(Organiser).where(
                Organiser.platform == platform,
                Organiser.workspace == workspace,
                Organiser.user_id == user_id,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def list(self) -> Sequence[Organiser]:
        result = await self.session.execute(
            select(Organiser).order_by(Organiser.platform, Organiser.workspace, Organiser.user_id)
        )
        return result.scalars().all()

    async def contains(self, person: PersonRef) -> bool:
        result = await self.session.execute(
            select(Organiser.id).where(
                Organiser.platform == person.platform,
                Organiser.workspace == person.workspace,
                Organiser.user_id == person.user_id,
            )
        )
        return result.first() is not None
