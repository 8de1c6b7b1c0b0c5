"""Display names (and work emails, with ``users:read.email``) from ``users.info``, cached, so a
busy channel costs one lookup a person.

A lookup that fails or is slow never holds up a message: the name the payload itself
carries (or none) is used instead, and the next message tries again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from cachetools import TLRUCache
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import CALL_ERRORS, error_code

log = logging.getLogger(__name__)

LOOKUP_TIMEOUT = 1.0
# After a failed lookup, how long to use the fallback before asking Slack again.
RETRY_AFTER = 300.0

_Entry = tuple[float, str, str]  # (seconds to keep it, name, email)


def _until(_key: object, entry: _Entry, now: float) -> float:
    return now + entry[0]


class DisplayNames:
    def __init__(self, client: AsyncWebClient, *, ttl: float = 3600.0, size: int = 10_000,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.ttl = ttl
        self.size = size
        self._cache: TLRUCache[tuple[str, str], _Entry] = TLRUCache(size, _until, timer=now)

    async def get(self, team: str, user: str, fallback: str = "") -> str:
        """The person's display name (or real name, or user name); ``fallback`` if Slack
        cannot tell us right now."""
        return (await self.profile(team, user, fallback))[0]

    async def profile(self, team: str, user: str, fallback: str = "") -> tuple[str, str]:
        """(display name, email): the email is ``""`` unless the app has the
        ``users:read.email`` scope and the profile shows one."""
        key = (team, user)
        cached = self._cache.get(key)
        if cached is not None:
            return cached[1], cached[2]
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT):
                response = await self.client.users_info(user=user)
        except CALL_ERRORS as exc:
            log.warning("users.info for %s failed: %s", user, error_code(exc))
            self._remember(key, fallback, "", RETRY_AFTER)
            return fallback, ""
        found = response.get("user") or {}
        name = name_of(found) or fallback
        email = str((found.get("profile") or {}).get("email") or "")
        self._remember(key, name, email, self.ttl)
        return name, email

    def _remember(self, key: tuple[str, str], name: str, email: str, ttl: float) -> None:
        self._cache[key] = (ttl, name, email)


def name_of(user: Mapping[str, Any]) -> str:
    profile = user.get("profile") or {}
    for candidate in (profile.get("display_name"), profile.get("real_name"),
                      user.get("real_name"), user.get("name")):
        if candidate:
            return str(candidate)
    return ""
