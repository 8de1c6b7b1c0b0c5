"""Sign-ups per second through the event service, and the latency of ``events``.

    python bench/signups.py [--signups 300] [--queries 300]
                            [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]

For SQLite (a file in a temporary directory) and, when a PostgreSQL URL is given (or
``COPBOT_TEST_POSTGRES_URL`` is set), a scratch PostgreSQL database created for the run and
dropped after it:

- sign-ups/s with 1, 10 and 50 members signing up at once, each sign-up its own unit of work
  through ``EventService.signup`` (half the sign-ups get a place, half join the waitlist);
  the baseline is a bare ``INSERT`` of a registration row in its own unit of work at the
  same concurrency; "overbooked" counts places given beyond the event's capacity (the event's
  own count must agree with its registrations, or the script stops);
- p50/p99 latency of the ``events`` command through the real router with 1,000 upcoming
  events; the baseline is ``help`` through the same router (parsing, the person upsert and
  the commit, without the events queries).

Figures only: there are no targets to pass or fail here.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bot.app.runtime import Runtime
from bot.services.event_fields import EventDraft
from bot.services.events import EventService
from bot.settings import Settings
from bot.types import Incoming
from bot.types import Person as PersonRef
from storage.db import Database
from storage.dialect import upsert_insert
from storage.models.events import CONFIRMED, WAITLISTED, Event, Registration
from storage.repositories.people import PeopleRepository

CONCURRENCY = (1, 10, 50)
UPCOMING = 1000


async def create_event(database: Database, settings: Settings, capacity: int,
                       starts_at: datetime, now: datetime, title: str = "Bench seminar") -> int:
    draft = EventDraft(title=title, starts_at=starts_at,
                       ends_at=starts_at + timedelta(hours=1), capacity=capacity,
                       timezone=settings.timezone)
    async with database.session() as session:
        return (await EventService(session, settings).create(draft, created_by=None,
                                                             now=now)).id


async def create_people(database: Database, count: int, prefix: str, now: datetime,
                        ) -> list[int]:
    async with database.session() as session:
        people = PeopleRepository(session)
        return [(await people.touch(PersonRef("bench", "", f"{prefix}-{n}"), now)).id
                for n in range(count)]


async def run_concurrently(jobs: list[Callable[[], Awaitable[object]]], workers: int,
                           ) -> float:
    """Run ``jobs`` with ``workers`` at a time; jobs per second."""
    queue = list(reversed(jobs))

    async def worker() -> None:
        while queue:
            await queue.pop()()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return len(jobs) / (time.perf_counter() - started)


async def bench_signups(database: Database, settings: Settings, count: int,
                        ) -> list[tuple[str, str]]:
    now = datetime.now(UTC)
    rows = []
    for workers in CONCURRENCY:
        tag = uuid.uuid4().hex[:6]
        # Baseline: a bare INSERT of one registration row per unit of work.
        bare_event = await create_event(database, settings, count, now + timedelta(days=3), now)
        bare_people = await create_people(database, count, f"bare-{tag}", now)

        def bare(person_id: int, event_id: int = bare_event) -> Callable[[], Awaitable[None]]:
            async def insert() -> None:
                async with database.session() as session:
                    await session.execute(upsert_insert(session, Registration).values(
                        event_id=event_id, person_id=person_id, status=WAITLISTED,
                        signed_up_at=now, updated_at=now))
            return insert

        baseline = await run_concurrently([bare(p) for p in bare_people], workers)
        # The real thing: half get a place, half join the waitlist.
        event = await create_event(database, settings, count // 2, now + timedelta(days=3), now)
        people = await create_people(database, count, f"member-{tag}", now)

        def signup(person_id: int, event_id: int = event) -> Callable[[], Awaitable[None]]:
            async def go() -> None:
                async with database.session() as session:
                    await EventService(session, settings).signup(event_id, person_id,
                                                                 now=datetime.now(UTC))
            return go

        rate = await run_concurrently([signup(p) for p in people], workers)
        overbooked = await overbooking(database, event, count // 2)
        rows.append((f"sign-ups, {workers:>2} at once",
                     f"{rate:8.0f}/s   (bare INSERT {baseline:8.0f}/s, "
                     f"{rate / baseline:4.2f}×), overbooked {overbooked}"))
    return rows


async def bench_events_latency(runtime: Runtime, queries: int) -> list[tuple[str, str]]:
    now = datetime.now(UTC)
    window = timedelta(days=runtime.settings.events_window_days - 1)
    for n in range(UPCOMING):
        await create_event(runtime.database, runtime.settings, 30,
                           now + timedelta(hours=1) + window * n / UPCOMING, now,
                           title=f"Seminar {n}")

    async def timed(text: str) -> list[float]:
        latencies = []
        for n in range(queries + 20):
            incoming = Incoming(platform="bench", workspace="", channel="bench",
                                user_id=f"reader-{n % 20}", text=text,
                                event_id=uuid.uuid4().hex)
            started = time.perf_counter()
            outcome = await runtime.dispatch(incoming)
            elapsed = time.perf_counter() - started
            assert outcome.reply is not None
            if n >= 20:  # warm-up
                latencies.append(elapsed * 1000)
        return latencies

    events = await timed("events")
    helps = await timed("help")
    return [(f"`events`, {UPCOMING} upcoming",
             f"p50 {pct(events, 50):6.1f} ms  p99 {pct(events, 99):6.1f} ms   "
             f"(`help` p50 {pct(helps, 50):5.1f} ms  p99 {pct(helps, 99):5.1f} ms)")]


def pct(values: list[float], percentile: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percentile - 1] \
        if percentile < 100 else max(values)


async def overbooking(database: Database, event_id: int, capacity: int) -> int:
    """Places given beyond ``capacity``, counted from the registrations themselves; the
    event's own count of places must agree with them."""
    async with database.session() as session:
        confirmed = int((await session.execute(
            select(func.count(Registration.id)).where(Registration.event_id == event_id,
                                                      Registration.status == CONFIRMED)
        )).scalar_one())
        counted = int((await session.execute(
            select(Event.confirmed_count).where(Event.id == event_id))).scalar_one())
    if confirmed != counted:
        raise SystemExit(f"event {event_id}: {confirmed} confirmed registrations but "
                         f"confirmed_count {counted}")
    return max(0, confirmed - capacity)


async def bench(url: str, args: argparse.Namespace) -> list[tuple[str, str]]:
    settings = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    runtime = Runtime(settings)
    await runtime.start()
    try:
        rows = await bench_signups(runtime.database, settings, args.signups)
        rows += await bench_events_latency(runtime, args.queries)
    finally:
        await runtime.stop()
    return rows


async def scratch_postgres(server_url: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = f"copbot_bench_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    return url.set(database=name).render_as_string(hide_password=False), drop


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signups", type=int, default=300,
                        help="sign-ups per concurrency level (default 300)")
    parser.add_argument("--queries", type=int, default=300,
                        help="timed `events` and `help` messages (default 300)")
    parser.add_argument("--postgres", default=os.environ.get("COPBOT_TEST_POSTGRES_URL", ""),
                        help="a PostgreSQL server URL (a scratch database is made on it)")
    args = parser.parse_args()
    results: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        results += [("sqlite", *row) for row in await bench(sqlite_url, args)]
    if args.postgres:
        url, drop = await scratch_postgres(args.postgres)
        try:
            results += [("postgresql", *row) for row in await bench(url, args)]
        finally:
            await drop()
    else:
        print("(no PostgreSQL URL: pass --postgres or set COPBOT_TEST_POSTGRES_URL)")
    width = max(len(row[1]) for row in results)
    for backend, measure, value in results:
        print(f"{backend:<11} {measure:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
