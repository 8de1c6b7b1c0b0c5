"""Keeping the stored conversation references current from what Teams tells the bot.

Installs (``installationUpdate``, ``conversationUpdate`` with the bot among the members
added), channel and team renames, channel deletion and the bot's removal all arrive as
activities; every message refreshes its conversation too, so a reference is never older than
the last time anyone spoke there.  Each call is its own short unit of work.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime

from microsoft_agents.activity import Activity, ActivityTypes

from adapters.teams.convert import (
    PLATFORM,
    channel_data,
    channel_record,
    conversation_record,
    data_field,
    is_bot,
    split_thread,
    tenant_of,
)
from bot.clock import Clock
from storage.db import Database
from storage.models.conversations import StoredConversation
from storage.repositories.conversations import ConversationRecord, ConversationRepository

log = logging.getLogger(__name__)

_REMOVED = ("remove", "remove-upgrade")


class ConversationBook:
    """Where the Teams adapter remembers conversations (backed by ``conversations``).

    Messages arrive far more often than references change, so :meth:`remember` skips the
    write when this process already stored the same record; installs, renames and removals
    always write (and forget what was cached, so a later message writes again)."""

    def __init__(self, database: Database, clock: Clock, *, cache_size: int = 10_000) -> None:
        self.database = database
        self.clock = clock
        self.cache_size = cache_size
        self._saved: OrderedDict[tuple[str, str], ConversationRecord] = OrderedDict()

    def _now(self) -> datetime:
        return self.clock.now()

    async def save(self, record: ConversationRecord) -> None:
        async with self.database.session() as session:
            await ConversationRepository(session).save(record, self._now())

    async def remember(self, activity: Activity) -> None:
        """Store or refresh the reference of the conversation ``activity`` came from."""
        record = conversation_record(activity)
        if record is None:
            return
        key = (record.workspace, record.conversation_id)
        if self._saved.get(key) == record:
            self._saved.move_to_end(key)
            return
        await self.save(record)
        self._saved[key] = record
        if len(self._saved) > self.cache_size:
            self._saved.popitem(last=False)

    async def follow(self, activity: Activity) -> None:
        """Apply an install, removal or rename (conversationUpdate / installationUpdate)."""
        self._saved.clear()
        if activity.type == ActivityTypes.installation_update:
            if activity.action in _REMOVED:
                await self._bot_removed(activity)
            else:
                await self.remember(activity)
            return
        removed = [m for m in activity.members_removed or () if is_bot(activity, m)]
        if removed:
            await self._bot_removed(activity)
            return
        event = str(channel_data(activity).get("eventType") or "")
        data = channel_data(activity)
        tenant = tenant_of(activity)
        async with self.database.session() as session:
            repo = ConversationRepository(session)
            if event in ("channelCreated", "channelRestored"):
                channel_id = data_field(data, "channel", "id")
                name = data_field(data, "channel", "name")
                if channel_id:
                    await repo.save(channel_record(activity, channel_id, name), self._now())
            elif event == "channelRenamed":
                channel_id = data_field(data, "channel", "id")
                name = data_field(data, "channel", "name")
                if channel_id and not await repo.rename_channel(PLATFORM, tenant, channel_id,
                                                                name, self._now()):
                    await repo.save(channel_record(activity, channel_id, name), self._now())
            elif event == "channelDeleted":
                await repo.deactivate(PLATFORM, tenant, data_field(data, "channel", "id"),
                                      self._now())
            elif event == "teamRenamed":
                await repo.rename_team(PLATFORM, tenant, data_field(data, "team", "id"),
                                       data_field(data, "team", "name"), self._now())
            elif event in ("teamDeleted", "teamHardDeleted"):
                await repo.deactivate_team(PLATFORM, tenant, data_field(data, "team", "id"),
                                           self._now())
            elif event not in ("channelShared", "channelUnshared"):
                record = conversation_record(activity)
                if record is not None:
                    await repo.save(record, self._now())

    async def _bot_removed(self, activity: Activity) -> None:
        tenant = tenant_of(activity)
        team_id = data_field(channel_data(activity), "team", "id")
        async with self.database.session() as session:
            repo = ConversationRepository(session)
            if team_id:
                count = await repo.deactivate_team(PLATFORM, tenant, team_id, self._now())
                log.info("bot removed from team %s (%d conversations)", team_id, count)
            if activity.conversation is not None:
                conversation_id, _ = split_thread(activity.conversation.id)
                await repo.deactivate(PLATFORM, tenant, conversation_id, self._now())

    async def conversation(self, tenant: str, conversation_id: str) -> StoredConversation | None:
        async with self.database.session() as session:
            return await ConversationRepository(session).find(PLATFORM, tenant, conversation_id)

    async def personal(self, tenant: str, user_id: str) -> StoredConversation | None:
        async with self.database.session() as session:
            return await ConversationRepository(session).personal(PLATFORM, tenant, user_id)

    async def latest_in(self, tenant: str) -> StoredConversation | None:
        async with self.database.session() as session:
            return await ConversationRepository(session).latest_in(PLATFORM, tenant)

    async def deactivate(self, tenant: str, conversation_id: str) -> None:
        self._saved.pop((tenant, conversation_id), None)
        async with self.database.session() as session:
            await ConversationRepository(session).deactivate(PLATFORM, tenant, conversation_id,
                                                             self._now())
