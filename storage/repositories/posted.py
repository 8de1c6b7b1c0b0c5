"""Messages the bot posted whose threads it must recognise later."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.models.network import PostedMessage


class PostedMessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, platform: str, workspace: str, conversation_id: str, message_id: str,
                  subject: str, now: datetime) -> None:
        stmt = upsert_insert(self.session, PostedMessage).values(
            platform=platform, workspace=workspace, conversation_id=conversation_id,
            message_id=message_id, subject=subject, posted_at=now,
        ).on_conflict_do_nothing()
        await self.session.execute(stmt)

    async def subject_of(self, platform: str, workspace: str, conversation_id: str,
                         message_id: str) -> str | None:
        result = await self.session.execute(
            select(PostedMessage.subject).where(
                PostedMessage.platform == platform,
                PostedMessage.workspace == workspace,
                PostedMessage.conversation_id == conversation_id,
                PostedMessage.message_id == message_id,
            )
        )
        return result.scalar_one_or_none()

    async def about(self, subject: str) -> Sequence[PostedMessage]:
        result = await self.session.execute(
            select(PostedMessage).where(PostedMessage.subject == subject)
            .order_by(PostedMessage.id))
        return result.scalars().all()
