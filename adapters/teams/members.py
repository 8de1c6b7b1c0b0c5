"""Work emails from Teams member lookups (``GET v3/conversations/{id}/members/{member}``),
cached, so a busy chat costs one lookup a person.

A lookup that fails or is slow never holds up a message: the message goes on without an
email and the next one tries again after a while.  The email is only used to match people in
meeting attendance reports.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from cachetools import TLRUCache
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.connector import ConnectorClientBase

log = logging.getLogger(__name__)

LOOKUP_TIMEOUT = 1.0
RETRY_AFTER = 300.0  # seconds without asking again after a failed lookup

_Entry = tuple[float, str]  # (seconds to keep it, email)


def _until(_key: object, entry: _Entry, now: float) -> float:
    return now + entry[0]


class MemberEmails:
    def __init__(self, *, ttl: float = 3600.0, size: int = 10_000,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.size = size
        self._cache: TLRUCache[str, _Entry] = TLRUCache(size, _until, timer=now)

    async def email_of(self, activity: Activity, services: Any) -> str:
        """The sender's email (or user principal name), ``""`` when Teams does not say."""
        sender = activity.from_property
        conversation = activity.conversation
        if sender is None or not sender.id or conversation is None or not conversation.id:
            return ""
        key = sender.id
        cached = self._cache.get(key)
        if cached is not None:
            return cached[1]
        client = services.get(ConnectorClientBase) if services is not None else None
        if client is None:
            return ""
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT):
                member = await client.conversations.get_conversation_member(
                    conversation.id.split(";")[0], sender.id)
        except Exception as exc:  # the platform edge: any failure means "no email now"
            log.info("Teams member lookup for %s failed: %s", sender.id, exc)
            self._remember(key, "", RETRY_AFTER)
            return ""
        extra = member.model_extra or {}
        email = str(extra.get("email") or extra.get("userPrincipalName") or "")
        email = email if "@" in email else ""
        self._remember(key, email, self.ttl)
        return email

    def _remember(self, key: str, email: str, ttl: float) -> None:
        self._cache[key] = (ttl, email)
