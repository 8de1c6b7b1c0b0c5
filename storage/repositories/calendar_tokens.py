"""Personal calendar links: the token in ``/calendar/personal/<token>.ics`` and its owner."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.models.events import CalendarToken


class CalendarTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def token_for(self, person_id: int, now: datetime) -> str:
        """The person's token, made on first use (two first uses at once keep one)."""
        await self.session.execute(
            upsert_insert(self.session, CalendarToken)
            .values(person_id=person_id, token=secrets.token_urlsafe(32), created_at=now)
            .on_conflict_do_nothing(index_elements=["person_id"]))
        token = await self.session.scalar(
            select(CalendarToken.token).where(CalendarToken.person_id == person_id))
        assert token is not None
        return token

    async def owner(self, token: str) -> int | None:
        """The person whose link holds ``token``; None for any other text."""
        return await self.session.scalar(
            select(CalendarToken.person_id).where(CalendarToken.token == token))
