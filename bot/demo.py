"""``copbot chat --demo``: a realistic data set for an NHS analyst network.

Each feature contributes a seeder; the demo loads only into an empty database (no events,
FAQ entries or resources yet), so running it twice changes nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime import Runtime
from bot.settings import Settings

# "module:function" seeders: async (session, settings, now) -> str | None.  A seeder returns
# None when its data is already there; otherwise a one-line summary.
SEEDERS: tuple[str, ...] = ("bot.services.event_demo:seed_events",
                           "bot.services.library_demo:seed_library")

Seeder = Callable[[AsyncSession, Settings, datetime], Awaitable[str | None]]


async def load_demo(runtime: Runtime) -> str:
    now = runtime.clock.now()
    summaries = []
    async with runtime.database.session() as session:
        for path in SEEDERS:
            module_name, _, function = path.partition(":")
            seeder: Seeder = getattr(importlib.import_module(module_name), function)
            summary = await seeder(session, runtime.settings, now)
            if summary:
                summaries.append(summary)
    if not summaries:
        return "Demo data: nothing to add (the database already has data)."
    return "Demo data loaded: " + "; ".join(summaries) + "."
