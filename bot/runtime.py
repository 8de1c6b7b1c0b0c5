"""The assembled bot: settings, database, router and transports, with an explicit lifecycle.

Only entry points (the CLI, the server, tests) hold a Runtime.  Handlers get a Context;
adapters get an :class:`AdapterHost` — never the whole runtime.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from bot.clock import Clock, SystemClock
from bot.delivery import DeliveryError, Transport, Transports
from bot.metrics import Metrics
from bot.router import DATABASE_DOWN, Router
from bot.settings import Settings
from bot.types import Incoming, Notification, Outcome
from handlers import build_registry
from storage.db import Database
from storage.repositories.communities import CommunityRepository
from storage.repositories.posted import PostedMessageRepository

log = logging.getLogger(__name__)

Dispatch = Callable[[Incoming], Awaitable[Outcome]]


@dataclass(frozen=True)
class AdapterHost:
    """What an adapter may use: dispatch messages, register a transport, read settings,
    and the database for platform bookkeeping (conversation references)."""

    dispatch: Dispatch
    deliver: Callable[[Notification], Awaitable[None]]
    register_transport: Callable[[Transport], None]
    settings: Settings
    database: Database
    clock: Clock


class Runtime:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        database: Database | None = None,
        extra_organisers: Iterable[str] = (),
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.database = database or Database(settings.database_url, echo=settings.database_echo)
        self.commands = build_registry()
        self.router = Router(self.commands, self.database, settings, self.clock,
                             extra_organisers=extra_organisers)
        self.metrics = Metrics() if settings.metrics == "on" else None
        self.transports = Transports(self.metrics)

    async def start(self, *, migrate: bool = True) -> None:
        """Apply migrations and seed the communities named in settings."""
        if migrate:
            await self.database.upgrade()
        async with self.database.session() as session:
            await CommunityRepository(session).ensure(self.settings.community_seeds())

    async def stop(self) -> None:
        await self.database.dispose()

    async def dispatch(self, incoming: Incoming) -> Outcome:
        """Handle one message and deliver its notifications."""
        outcome = await self.handle(incoming)
        for notification in outcome.notifications:
            await self.deliver(notification)
        return outcome

    async def handle(self, incoming: Incoming) -> Outcome:
        """Handle one message without delivering its notifications (the caller does)."""
        if self.metrics is None:
            return await self.router.dispatch(incoming)
        started = time.perf_counter()
        outcome = await self.router.dispatch(incoming)
        self.metrics.handled(incoming.platform, outcome, time.perf_counter() - started,
                             DATABASE_DOWN)
        return outcome

    async def deliver(self, notification: Notification) -> None:
        try:
            message_id = await self.transports.send(notification.target, notification.reply)
        except DeliveryError as exc:
            log.warning("could not deliver notification to %s: %s",
                        notification.target.key, exc)
            return
        if notification.subject and message_id:
            target = notification.target
            try:
                async with self.database.session() as session:
                    await PostedMessageRepository(session).add(
                        target.platform, target.workspace, target.conversation_id, message_id,
                        notification.subject, self.clock.now())
            except Exception:
                log.exception("could not record posted message %s", message_id)

    def adapter_host(self) -> AdapterHost:
        return AdapterHost(
            dispatch=self.handle,
            deliver=self.deliver,
            register_transport=self.transports.register,
            settings=self.settings,
            database=self.database,
            clock=self.clock,
        )
