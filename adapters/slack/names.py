"""Display names from ``users.info``, cached, so a busy channel costs one lookup a person.

A lookup that fails or is slow never holds up a message: the name the payload itself
carries (or none) is used instead, and the next message tries again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import CALL_ERRORS, error_code

log = logging.getLogger(__name__)

LOOKUP_TIMEOUT = 1.0
# After a failed lookup, how long to use the fallback before asking Slack again.
RETRY_AFTER = 300.0


class DisplayNames:
    def __init__(self, client: AsyncWebClient, *, ttl: float = 3600.0, size: int = 10_000,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.ttl = ttl
        self.size = size
        self._now = now
        self._cache: OrderedDict[tuple[str, str], tuple[float, str]] = OrderedDict()

    async def get(self, team: str, user: str, fallback: str = "") -> str:
        """The person's display name (or real name, or user name); ``fallback`` if Slack
        cannot tell us right now."""
        key = (team, user)
        cached = self._cache.get(key)
        if cached is not None and cached[0] > self._now():
            self._cache.move_to_end(key)
            return cached[1]
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT):
                response = await self.client.users_info(user=user)
        except CALL_ERRORS as exc:
            log.warning("users.info for %s failed: %s", user, error_code(exc))
            self._remember(key, fallback, RETRY_AFTER)
            return fallback
        name = name_of(response.get("user") or {}) or fallback
        self._remember(key, name, self.ttl)
        return name

    def _remember(self, key: tuple[str, str], name: str, ttl: float) -> None:
        self._cache[key] = (self._now() + ttl, name)
        self._cache.move_to_end(key)
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)


def name_of(user: Mapping[str, Any]) -> str:
    profile = user.get("profile") or {}
    for candidate in (profile.get("display_name"), profile.get("real_name"),
                      user.get("real_name"), user.get("name")):
        if candidate:
            return str(candidate)
    return ""
