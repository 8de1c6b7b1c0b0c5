"""``copbot scheduler tick``, ``copbot deliveries`` and ``copbot worker``: scheduled posts
from the command line, for cron-driven deployments, checks (``tick --now``, a dry run) and
operators."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import TYPE_CHECKING, Any

# The scheduler, the database and the platform transports load when a command runs.
if TYPE_CHECKING:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.delivery import Transports
    from bot.scheduler.posts import TickReport
    from bot.settings import Settings
    from storage.db import Database


def add_parser(subparsers: Any) -> None:
    scheduler = subparsers.add_parser(
        "scheduler", help="run the scheduled posts once (scheduler tick)",
        description="Scheduled posts: seminar reminders and weekly digests.")
    actions = scheduler.add_subparsers(dest="scheduler_command", metavar="ACTION",
                                       required=True)
    tick = actions.add_parser(
        "tick", help="send everything due now, or with --now show what a tick would do",
        description="Without --now: run everything due now once and exit, printing what was "
        "delivered, skipped or failed. Posts for console subscriptions are printed here too. "
        "Safe to run from cron alongside running servers: nothing is sent twice. "
        "With --now: a dry run for checks, at any moment: print what would be delivered, "
        "skipped or failed then, and send and record nothing.")
    tick.add_argument("--now", default=None, metavar="ISO8601",
                      help="dry run as if it were this moment, e.g. 2026-12-07T09:00 (local "
                      "time in COPBOT_TIMEZONE unless an offset is given); nothing is sent "
                      "or written to the database")
    tick.set_defaults(run=run_tick, preflight=True)

    deliveries = subparsers.add_parser(
        "deliveries", help="list the delivery outbox",
        description="The outbox of scheduled posts, most recently due first.")
    deliveries.add_argument("--status", default=None,
                            help="only deliveries with this status (pending, sent, failed …)")
    deliveries.add_argument("--limit", type=int, default=50, help="at most N rows (default 50)")
    deliveries.set_defaults(run=run_deliveries)

    worker = subparsers.add_parser(
        "worker", help="run the scheduler only (no web server)",
        description="Send scheduled posts until SIGTERM: a tick every 30 s and the weekly "
        "digest on time, and notices within a second of being queued. Any number may run, "
        "alongside copbot serve.")
    worker.set_defaults(run=run_worker, preflight=True)


def parse_now(text: str, zone: ZoneInfo) -> datetime:
    """ISO 8601, or a written date and time such as 07/12/2026 09:00 (day first, as every
    command and import reads dates); without an offset it is local time in ``zone``."""
    from bot.timefmt import parse_local_datetime

    return parse_local_datetime(text, zone)


def _transports(settings: Settings, database: Database, *, console: bool) -> Transports:
    from adapters.console.session import ConsoleTransport
    from bot.app.platforms import create_transports, load_platform_settings
    from bot.delivery import Transports

    transports = Transports()
    for transport in create_transports(load_platform_settings(), database):
        transports.register(transport)
    if console:
        transports.register(ConsoleTransport(sys.stdout))
    return transports


def print_report(report: TickReport, settings: Settings, *, dry_run: bool = False) -> None:
    from bot.timefmt import format_datetime

    words = DRY_RUN_WORDS if dry_run else {}
    for result in report.results:
        detail = f"  {result.detail}" if result.detail else ""
        outcome = words.get(result.outcome, result.outcome)
        print(f"{outcome:<8} {result.kind:<17} {result.subject:<16} {result.target}  "
              f"due {format_datetime(result.scheduled_at, settings.zone)}{detail}")
    when = format_datetime(report.now, settings.zone)
    if dry_run:
        print(f"Dry run: {report.count('sent')} would be delivered, {report.count('skipped')} "
              f"skipped, {report.count('failed')} failed (as of {when}). Nothing was sent or "
              "recorded.")
        return
    print(f"{report.count('sent')} delivered, {report.count('skipped')} skipped, "
          f"{report.count('failed')} failed, {report.count('retry')} to retry "
          f"(as of {when}).")


# How a dry run names each outcome (the same column width as a real tick's).
DRY_RUN_WORDS = {"sent": "would send", "skipped": "would skip", "failed": "would fail"}


async def run_tick(args: argparse.Namespace, settings: Settings) -> int:
    from bot.clock import SystemClock
    from bot.scheduler.posts import ScheduledPosts
    from storage.db import Database

    if args.now:
        try:
            now = parse_now(args.now, settings.zone)
        except ValueError:
            print(f"--now {args.now!r} is not an ISO 8601 time like 2026-12-07T09:00",
                  file=sys.stderr)
            return 2
        return await _dry_run(now, settings)
    database = Database(settings.database_url)
    transports = _transports(settings, database, console=True)
    try:
        await database.upgrade()
        posts = ScheduledPosts(database, transports, settings, SystemClock())
        report = await posts.tick()
    finally:
        await transports.close()
        await database.dispose()
    print_report(report, settings)
    return 1 if report.count("failed") else 0


async def _dry_run(now: datetime, settings: Settings) -> int:
    """``tick --now``: what a tick at ``now`` would do; nothing is sent or written (not even
    migrations: a database that is not at the schema's head is refused)."""
    from bot.scheduler.policy import SchedulePolicy
    from bot.scheduler.preview import preview_tick
    from storage.db import Database

    database = Database(settings.database_url)
    try:
        if not await database.at_head():
            print("The database is not up to date: run copbot db upgrade first.",
                  file=sys.stderr)
            return 2
        platforms = _transports(settings, database, console=True).platforms()
        report = await preview_tick(database, SchedulePolicy.from_settings(settings), now,
                                    platforms)
    finally:
        await database.dispose()
    print_report(report, settings, dry_run=True)
    return 1 if report.count("failed") else 0


async def run_deliveries(args: argparse.Namespace, settings: Settings) -> int:
    from bot.timefmt import format_datetime
    from storage.db import Database
    from storage.models.deliveries import STATUSES
    from storage.repositories.deliveries import DeliveryRepository

    if args.status is not None and args.status not in STATUSES:
        print(f"argument --status: invalid choice: {args.status!r} (choose from "
              f"{', '.join(STATUSES)})", file=sys.stderr)
        return 2
    if args.limit < 1:
        print("--limit must be at least 1", file=sys.stderr)
        return 2
    database = Database(settings.database_url)
    try:
        await database.upgrade()
        async with database.session() as session:
            rows = await DeliveryRepository(session).listing(args.status, args.limit)
    finally:
        await database.dispose()
    if not rows:
        print("No deliveries" + (f" with status {args.status}." if args.status else " yet."))
        return 0
    for row in rows:
        note = row.last_error or (f"message {row.message_id}" if row.message_id else "")
        print(f"{row.id:>6}  {row.status:<8} {row.kind:<17} {row.subject:<16} {row.target}  "
              f"due {format_datetime(row.scheduled_at, settings.zone)}  "
              f"attempts {row.attempts}" + (f"  {note}" if note else ""))
    return 0


async def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.clock import SystemClock
    from bot.scheduler.notices import NoticeSender
    from bot.scheduler.posts import ScheduledPosts
    from bot.scheduler.wakeup import Wakeup
    from storage.db import Database

    database = Database(settings.database_url)
    transports = _transports(settings, database, console=False)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await database.upgrade()
        wakeup = Wakeup(ScheduledPosts(database, transports, settings, SystemClock()))
        notices = NoticeSender(database, transports, settings, SystemClock())
        await wakeup.start()
        await notices.start()
        platforms = ", ".join(transports.platforms()) or "nothing (no platform is configured)"
        print(f"copbot worker running: scheduled posts to {platforms}", flush=True)
        try:
            await stop.wait()
        finally:
            await notices.stop()
            await wakeup.stop()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await transports.close()
        await database.dispose()
    return 0
