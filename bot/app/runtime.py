"""The assembled bot: settings, database, router and transports, with an explicit lifecycle.

Only entry points (the CLI, the server, tests) hold a Runtime.  Handlers get a Context;
adapters get an :class:`AdapterHost` — never the whole runtime.  A started runtime runs a
:class:`NoticeSender`, which sends the notices its (and other replicas') messages queued.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.app.features import build_registry
from bot.app.platforms import PlatformSettings, load_platform_settings
from bot.clock import Clock, SystemClock
from bot.delivery import Transports
from bot.host import AdapterHost
from bot.router import DATABASE_DOWN, Router
from bot.scheduler.notices import NoticeSender
from bot.settings import Settings
from bot.types import Incoming, Outcome
from storage.db import Database
from storage.repositories.communities import CommunityRepository

if TYPE_CHECKING:  # prometheus_client loads only with COPBOT_METRICS=on
    from bot.metrics import Metrics

log = logging.getLogger(__name__)


class Runtime:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        database: Database | None = None,
        extra_organisers: Iterable[str] = (),
        platforms: PlatformSettings | None = None,
    ) -> None:
        self.settings = settings
        # Each adapter's own settings (read from the environment unless given).
        self.platforms = platforms if platforms is not None else load_platform_settings()
        self.clock: Clock = clock or SystemClock()
        self.database = database or Database(settings.database_url, echo=settings.database_echo)
        self.commands = build_registry()
        self.metrics: Metrics | None = None
        if settings.metrics == "on":
            from bot.metrics import Metrics

            self.metrics = Metrics()
        self.transports = Transports(self.metrics)
        self.notices = NoticeSender(self.database, self.transports, settings, self.clock)
        self.router = Router(self.commands, self.database, settings, self.clock,
                             extra_organisers=extra_organisers, on_notices=self.notices.wake)

    async def start(self, *, migrate: bool = True) -> None:
        """Apply migrations, seed the communities named in settings, start sending notices."""
        if migrate:
            await self.database.upgrade()
        async with self.database.session() as session:
            await CommunityRepository(session).ensure(self.settings.community_seeds())
        await self.notices.start()

    async def stop(self) -> None:
        await self.notices.stop()
        await self.transports.close()
        await self.database.dispose()

    async def dispatch(self, incoming: Incoming) -> Outcome:
        """Handle one message; its notices are in the outbox, and on their way, on return."""
        if self.metrics is None:
            return await self.router.dispatch(incoming)
        started = time.perf_counter()
        outcome = await self.router.dispatch(incoming)
        self.metrics.handled(incoming.platform, outcome, time.perf_counter() - started,
                             DATABASE_DOWN)
        return outcome

    def adapter_host(self) -> AdapterHost:
        return AdapterHost(
            dispatch=self.dispatch,
            register_transport=self.transports.register,
            settings=self.settings,
            database=self.database,
            clock=self.clock,
        )
