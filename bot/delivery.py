"""How the core posts to a platform without knowing it: a :class:`Transport` per platform.

Adapters register one; notifications and scheduled posts go through it.
"""

from __future__ import annotations

from typing import Protocol

from bot.types import ChannelRef, Reply


class DeliveryError(Exception):
    """A platform refused a post.  ``retry_after`` (seconds) is set for rate limits;
    ``permanent`` errors (channel gone, bot removed) are not worth retrying."""

    def __init__(self, message: str, *, retry_after: float | None = None,
                 permanent: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Transport(Protocol):
    platform: str

    async def send(self, target: ChannelRef, reply: Reply) -> str | None:
        """Post ``reply`` to ``target``; returns the platform's message id when it has one.
        Raises :class:`DeliveryError` when the platform refuses."""
        ...


class SendObserver(Protocol):
    def attempted(self, platform: str, *, failed: bool) -> None:
        """Called after every post tried through :class:`Transports`."""
        ...


class Transports:
    """The registered transports, by platform name.  An ``observer`` (metrics) is told of
    every post tried and whether it failed."""

    def __init__(self, observer: SendObserver | None = None) -> None:
        self._by_platform: dict[str, Transport] = {}
        self._observer = observer

    def register(self, transport: Transport) -> None:
        self._by_platform[transport.platform] = transport

    def get(self, platform: str) -> Transport | None:
        return self._by_platform.get(platform)

    def platforms(self) -> list[str]:
        return sorted(self._by_platform)

    async def close(self) -> None:
        """Close what the transports hold open (their pooled HTTP sessions)."""
        for transport in self._by_platform.values():
            close = getattr(transport, "close", None)
            if close is not None:
                await close()

    async def send(self, target: ChannelRef, reply: Reply) -> str | None:
        transport = self._by_platform.get(target.platform)
        if transport is None:
            raise DeliveryError(f"no transport for platform {target.platform!r}", permanent=True)
        if self._observer is None:
            return await transport.send(target, reply)
        try:
            message_id = await transport.send(target, reply)
        except Exception:
            self._observer.attempted(target.platform, failed=True)
            raise
        self._observer.attempted(target.platform, failed=False)
        return message_id
