"""The scheduler's CLI contract, run as a user would: ``copbot scheduler tick`` (with
``--now``, a dry run), ``copbot deliveries [--status] [--limit]`` and ``copbot worker``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import Base
from tests.bot.scheduler.support import add_event, london

COPBOT = [sys.executable, "-m", "bot"]


async def copbot(*args: str, cwd: Path, stdin: str = "") -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    proc = await asyncio.create_subprocess_exec(
        *COPBOT, *args, cwd=cwd, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture
def workdir(tmp_path: Path, database_url: str) -> Path:
    (tmp_path / ".env").write_text(f"COPBOT_DATABASE_URL={database_url}\n")
    return tmp_path


async def _row_counts(database: Database) -> dict[str, int]:
    async with database.session() as session:
        return {table.name: int(await session.scalar(
                    select(func.count()).select_from(table)) or 0)
                for table in Base.metadata.sorted_tables}


async def test_tick_at_a_given_time_is_a_dry_run_that_sends_and_records_nothing(
        workdir: Path, database: Database) -> None:
    code, _, err = await copbot("chat", "--user", "olive", "--organiser", cwd=workdir,
                                stdin="subscribe reminders\n")
    assert code == 0, err
    event = await add_event(database, london(2026, 12, 3, 11, 0), title="Intro to SPC",
                            created_at=london(2026, 12, 3, 9, 0))
    before = await _row_counts(database)

    code, out, err = await copbot("scheduler", "tick", "--now", "2026-12-03T10:00", cwd=workdir)
    assert code == 0, err
    assert "[message to" not in out and "Intro to SPC" not in out  # nothing was posted
    assert (f"would send channel_reminder  event:{event:<10} console::#console  due Thu 3 Dec "
            "2026, 10:00 GMT") in out
    assert out.rstrip().endswith("Dry run: 1 would be delivered, 0 skipped, 0 failed (as of "
                                 "Thu 3 Dec 2026, 10:00 GMT). Nothing was sent or recorded.")
    assert await _row_counts(database) == before

    # Checked twice, it is still due: the check recorded nothing.
    code, again, _ = await copbot("scheduler", "tick", "--now", "2026-12-03T10:00:30+00:00",
                                  cwd=workdir)
    assert code == 0 and "1 would be delivered" in again
    _, listing, _ = await copbot("deliveries", cwd=workdir)
    assert listing.strip() == "No deliveries yet."
    assert await _row_counts(database) == before


async def test_tick_without_now_sends_what_is_due_once_and_deliveries_lists_it(
        workdir: Path, database: Database) -> None:
    await copbot("chat", "--user", "olive", "--organiser", cwd=workdir,
                 stdin="subscribe reminders\n")
    now = datetime.now(UTC)
    event = await add_event(database, now + timedelta(minutes=30), title="Intro to SPC",
                            created_at=now - timedelta(hours=2))

    code, out, err = await copbot("scheduler", "tick", cwd=workdir)
    assert code == 0, err
    assert "[message to #console]" in out
    assert f"Reminder: #{event} Intro to SPC" in out
    assert f"[Sign up: signup {event}]" in out
    assert f"sent     channel_reminder  event:{event:<10} console::#console" in out
    assert "1 delivered, 0 skipped, 0 failed, 0 to retry" in out  # the 1-hour one

    code, again, _ = await copbot("scheduler", "tick", cwd=workdir)
    assert code == 0 and "[message to" not in again
    assert again.strip().startswith("0 delivered, 0 skipped, 0 failed, 0 to retry")

    code, listing, _ = await copbot("deliveries", "--status", "sent", cwd=workdir)
    assert code == 0
    [line] = listing.splitlines()
    assert line.split()[1:5] == ["sent", "channel_reminder", f"event:{event}",
                                 "console::#console"]
    assert "attempts 1" in line
    _, pending, _ = await copbot("deliveries", "--status", "pending", "--limit", "5",
                                 cwd=workdir)
    assert pending.strip() == "No deliveries with status pending."


async def test_a_dry_run_reports_what_would_be_skipped(workdir: Path,
                                                       database: Database) -> None:
    await copbot("chat", "--user", "olive", "--organiser", cwd=workdir,
                 stdin="subscribe reminders\n")
    await add_event(database, london(2026, 12, 3, 13, 0), created_at=london(2026, 11, 1, 9, 0))
    before = await _row_counts(database)
    code, out, _ = await copbot("scheduler", "tick", "--now", "2026-12-03T10:00", cwd=workdir)
    assert code == 0
    assert "would skip channel_reminder" in out and "missed: due Wed 2 Dec 2026, 13:00 GMT" in out
    assert "Dry run: 0 would be delivered, 2 skipped" in out  # the 7-day and 1-day reminders
    assert await _row_counts(database) == before


async def test_a_dry_run_refuses_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"COPBOT_DATABASE_URL=sqlite+aiosqlite:///{tmp_path / 'empty.db'}\n")
    code, _, err = await copbot("scheduler", "tick", "--now", "2026-12-03T10:00", cwd=tmp_path)
    assert code == 2 and "run copbot db upgrade first" in err and "Traceback" not in err


async def test_bad_arguments_are_refused_clearly(workdir: Path) -> None:
    code, _, err = await copbot("scheduler", "tick", "--now", "next tuesday", cwd=workdir)
    assert code == 2 and "is not an ISO 8601 time" in err and "Traceback" not in err
    code, _, err = await copbot("deliveries", "--status", "lost", cwd=workdir)
    assert code == 2 and "invalid choice" in err
    code, _, err = await copbot("deliveries", "--limit", "0", cwd=workdir)
    assert code == 2 and "--limit must be at least 1" in err


async def test_the_worker_runs_until_sigterm(workdir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    proc = await asyncio.create_subprocess_exec(
        *COPBOT, "worker", cwd=workdir, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), timeout=60)
        assert line.decode().startswith("copbot worker running")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), timeout=30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
