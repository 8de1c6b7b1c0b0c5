"""``copbot chat --demo``: a realistic data set for an NHS analyst network.

Each feature contributes a seeder; the demo loads only into an empty database (no events,
FAQ entries or resources yet), so running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.runtime import Runtime
from bot.services.event_demo import seed_events
from bot.services.library_demo import seed_library
from bot.settings import Settings

Seeder = Callable[[AsyncSession, Settings, datetime], Awaitable[str | None]]
"""Returns None when its data is already there; otherwise a one-line summary."""

SEEDERS: tuple[Seeder, ...] = (seed_events, seed_library)


async def load_demo(runtime: Runtime) -> str:
    now = runtime.clock.now()
    summaries = []
    async with runtime.database.session() as session:
        for seeder in SEEDERS:
            summary = await seeder(session, runtime.settings, now)
            if summary:
                summaries.append(summary)
    if not summaries:
        return "Demo data: nothing to add (the database already has data)."
    return "Demo data loaded: " + "; ".join(summaries) + "."
