"""Per-channel pacing: at most one message per interval to each channel.

Slack allows about one message per second per channel and answers HTTP 429 beyond that, so
the sender waits rather than provoke it.  Teams has no published per-channel figure; its 429s
are honoured by the retry instead.  Time is injected (a monotonic reading, a wall clock and a
sleep) so tests never wait.

The pacer here spaces one process's posts.  Replicas share a channel's next free slot in the
database (:class:`storage.repositories.pacing.ChannelPaceRepository`): the sender reserves a
slot, read against :attr:`ChannelPacer.wall`, before every post to a paced platform.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

from bot.types import ChannelRef

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]

# Seconds between two posts to one channel, by platform (absent: no pacing).
DEFAULT_INTERVALS: Mapping[str, float] = MappingProxyType({"slack": 1.0})


def lane_of(target: ChannelRef) -> str:
    """The rate-limited unit a post counts against: the channel (threads included) or the
    person's direct-message conversation."""
    where = target.conversation_id or f"@{target.user_id}"
    return f"{target.platform}:{target.workspace}:{where}"


class ChannelPacer:
    """Remembers when each channel was last posted to and waits until it may be again."""

    def __init__(self, intervals: Mapping[str, float] = DEFAULT_INTERVALS, *,
                 monotonic: Monotonic = time.monotonic, sleep: Sleep = asyncio.sleep,
                 wall: Monotonic = time.time) -> None:
        self.intervals = intervals
        self.monotonic = monotonic
        self.sleep = sleep
        self.wall = wall  # seconds since the epoch, as every replica reads it
        self._last_post: dict[str, float] = {}

    def interval(self, target: ChannelRef) -> float:
        return self.intervals.get(target.platform, 0.0)

    async def wait(self, target: ChannelRef) -> None:
        """Sleep until ``target``'s channel may take another post."""
        interval = self.interval(target)
        if interval <= 0:
            return
        last = self._last_post.get(lane_of(target))
        if last is None:
            return
        delay = last + interval - self.monotonic()
        if delay > 0:
            await self.sleep(delay)

    def posted(self, target: ChannelRef) -> None:
        """Record that the platform has just answered a post to ``target``.

        The interval runs from the answer, not from sending: the platform has seen the post
        by then, so network delays can never squeeze two posts closer than the interval."""
        if self.interval(target) > 0:
            self._last_post[lane_of(target)] = self.monotonic()
