"""Upcoming events for the HTTP benchmarks (``slack_http.py``, ``teams_http.py``), so that
``events``, ``event <id>``, ``my events`` and ``signup <id>`` answer as they would in use:
a list with places and buttons, one event's card, a sign-up under the event's lock.

The database is migrated and given :data:`EVENTS` upcoming events (in the next weeks, room
for everyone) unless it has them already, so a PostgreSQL database can be reused between
runs.  :func:`seed` returns the id of the first, for ``event <id>`` and ``signup <id>``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.services.event_fields import EventDraft
from bot.services.events import EventService
from bot.settings import Settings
from storage.db import Database
from storage.models.events import Event

EVENTS = 8
TITLE = "Bench seminar"


async def seed(database_url: str) -> int:
    """Migrate ``database_url`` and make sure it holds the bench's upcoming events."""
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    database = Database(database_url)
    try:
        await database.upgrade()
        now = datetime.now(UTC)
        async with database.session() as session:
            first = (await session.execute(
                select(func.min(Event.id)).where(Event.title.startswith(TITLE),
                                                 Event.starts_at > now + timedelta(days=1))
            )).scalar_one_or_none()
            if first is not None:
                return int(first)
            service = EventService(session, settings)
            ids = []
            for day in range(EVENTS):
                starts = (now + timedelta(days=3 + 2 * day)).replace(minute=0, second=0,
                                                                      microsecond=0)
                draft = EventDraft(title=f"{TITLE} {day + 1}", starts_at=starts,
                                   ends_at=starts + timedelta(hours=1), capacity=10_000,
                                   timezone=settings.timezone, location="Online",
                                   join_link="https://example.org/join",
                                   speaker="Bench Speaker", description="A benchmark event.")
                ids.append((await service.create(draft, created_by=None, now=now)).id)
            return min(ids)
    finally:
        await database.dispose()
