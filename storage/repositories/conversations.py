"""Stored conversation references (where the bot was installed or spoken to).

The reference itself is opaque JSON text owned by the platform adapter; the other fields are
lookup keys.  Saving is an upsert on (platform, workspace, conversation_id), so install events,
retries and every message keep one row per conversation, current.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.models.conversations import CHANNEL, PERSONAL, StoredConversation


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    """What an adapter knows about a conversation.  Empty names mean "not known here" and
    never overwrite a name stored earlier."""

    platform: str
    workspace: str
    conversation_id: str
    kind: str
    reference: str
    channel_name: str = ""
    team_id: str = ""
    team_name: str = ""
    user_id: str = ""
    member_id: str = ""


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save(self, record: ConversationRecord, now: datetime) -> None:
        """Store or refresh a reference; a saved conversation is active again."""
        values: dict[str, Any] = {
            "platform": record.platform,
            "workspace": record.workspace,
            "conversation_id": record.conversation_id,
            "kind": record.kind,
            "channel_name": record.channel_name,
            "team_id": record.team_id,
            "team_name": record.team_name,
            "user_id": record.user_id,
            "member_id": record.member_id,
            "reference": record.reference,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        changes: dict[str, Any] = {
            "kind": record.kind, "reference": record.reference, "active": True,
            "updated_at": now,
        }
        for key in ("channel_name", "team_id", "team_name", "user_id", "member_id"):
            if values[key]:
                changes[key] = values[key]
        stmt = upsert_insert(self.session, StoredConversation).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "workspace", "conversation_id"], set_=changes)
        await self.session.execute(stmt)

    async def find(self, platform: str, workspace: str,
                   conversation_id: str) -> StoredConversation | None:
        result = await self.session.execute(
            select(StoredConversation).where(
                StoredConversation.platform == platform,
                StoredConversation.workspace == workspace,
                StoredConversation.conversation_id == conversation_id,
            ).execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def personal(self, platform: str, workspace: str,
                       user_id: str) -> StoredConversation | None:
        """The person's 1:1 chat with the bot, if the bot has one (active or not)."""
        result = await self.session.execute(
            select(StoredConversation).where(
                StoredConversation.platform == platform,
                StoredConversation.workspace == workspace,
                StoredConversation.user_id == user_id,
                StoredConversation.kind == PERSONAL,
            ).order_by(StoredConversation.active.desc(), StoredConversation.updated_at.desc(),
                       StoredConversation.id.desc()).limit(1)
            .execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def latest_in(self, platform: str, workspace: str) -> StoredConversation | None:
        """The most recently refreshed active conversation in a workspace (any kind)."""
        result = await self.session.execute(
            select(StoredConversation).where(
                StoredConversation.platform == platform,
                StoredConversation.workspace == workspace,
                StoredConversation.active.is_(True),
            ).order_by(StoredConversation.updated_at.desc(), StoredConversation.id.desc())
            .limit(1))
        return result.scalar_one_or_none()

    async def channels(self, platform: str, workspace: str) -> Sequence[StoredConversation]:
        """Active channels, by team and channel name."""
        result = await self.session.execute(
            select(StoredConversation).where(
                StoredConversation.platform == platform,
                StoredConversation.workspace == workspace,
                StoredConversation.kind == CHANNEL,
                StoredConversation.active.is_(True),
            ).order_by(StoredConversation.team_name, StoredConversation.channel_name))
        return result.scalars().all()

    async def rename_channel(self, platform: str, workspace: str, conversation_id: str,
                             name: str, now: datetime) -> bool:
        return bool(await self._set(platform, workspace,
                                    StoredConversation.conversation_id == conversation_id,
                                    channel_name=name, updated_at=now))

    async def rename_team(self, platform: str, workspace: str, team_id: str, name: str,
                          now: datetime) -> int:
        return await self._set(platform, workspace, StoredConversation.team_id == team_id,
                               team_name=name, updated_at=now)

    async def deactivate(self, platform: str, workspace: str, conversation_id: str,
                         now: datetime) -> bool:
        """The bot left (or lost access to) one conversation."""
        return bool(await self._set(platform, workspace,
                                    StoredConversation.conversation_id == conversation_id,
                                    active=False, updated_at=now))

    async def deactivate_team(self, platform: str, workspace: str, team_id: str,
                              now: datetime) -> int:
        """The bot was removed from a team: every channel of it."""
        return await self._set(platform, workspace, StoredConversation.team_id == team_id,
                               active=False, updated_at=now)

    async def _set(self, platform: str, workspace: str, which: ColumnElement[bool],
                   **values: Any) -> int:
        """Update the matching conversations of one workspace; returns how many."""
        result = await self.session.execute(
            update(StoredConversation).where(
                StoredConversation.platform == platform,
                StoredConversation.workspace == workspace,
                which,
            ).values(**values))
        return int(result.rowcount)  # type: ignore[attr-defined]
