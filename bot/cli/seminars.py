"""The seminar cycle on the command line: ``copbot import attendance <event id> FILE`` and
the exports ``copbot export feedback <id>``, ``export topics`` and ``export learning``.

``import`` and ``export`` are parsers owned by :mod:`bot.cli.imports` and
:mod:`bot.cli.events`; they hand over to the functions here.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.csv_export import event_number

# The database and the services load when a command runs, not for ``copbot --help``.
if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.settings import Settings

async def run_attendance_import(event_word: str, path: Path | None, settings: Settings) -> int:
    """Record who came from a Teams attendance report; lists every row matching nobody."""
    from bot.clock import SystemClock
    from bot.errors import UserError
    from bot.services.attendance import AttendanceService
    from bot.services.attendance_report import ReportUnreadable, parse_report
    from storage.db import Database

    event_id = event_number(event_word)
    if event_id is None or path is None:
        print("usage: copbot import attendance <event id> FILE (e.g. copbot import attendance "
              "12 'Attendance report.csv')", file=sys.stderr)
        return 2
    try:
        participants = parse_report(await asyncio.to_thread(path.read_bytes))
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except ReportUnreadable as exc:
        print(f"{path.name}: {exc}", file=sys.stderr)
        return 1
    database = Database(settings.database_url)
    try:
        await database.upgrade()
        async with database.session() as session:
            result = await AttendanceService(session, settings).import_report(
                event_id, participants, SystemClock().now())
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        await database.dispose()
    print(f"#{result.event.id} {result.event.title}: {len(participants)} participants in the "
          f"report; {len(result.recorded)} recorded as attending, {len(result.already)} "
          f"already recorded, {len(result.unmatched)} not matched.")
    if result.unmatched:
        print("Not matched (nothing was guessed; mark them with attended <id> <person> if "
              "you know who they are):")
        for row in result.unmatched:
            email = f" <{row.participant.email}>" if row.participant.email else ""
            print(f"  line {row.participant.line}: {row.participant.name or '(no name)'}"
                  f"{email} — {row.reason}")
    return 0


# ---------------------------------------------------------------------- exports
Query = Callable[["AsyncSession", argparse.Namespace, "Settings"], Awaitable[tuple[str, int]]]


async def _export(args: argparse.Namespace, settings: Settings, query: Query,
                  noun: str) -> int:
    from bot.errors import UserError
    from storage.db import Database

    database = Database(settings.database_url)
    try:
        await database.upgrade()
        async with database.session() as session:
            text, count = await query(session, args, settings)
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        await database.dispose()
    return write_export(text, args.out, f"{count} {noun}")


def write_export(text: str, out: Path | None, what: str) -> int:
    """An export to stdout, or to ``out``; then one line on stderr saying what was exported
    (and where).  The exit code."""
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        print(f"Exported {what}.", file=sys.stderr)
        return 0
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Wrote {what} to {out}", file=sys.stderr)
    return 0


def add_export_parsers(kinds: Any) -> None:
    """``export feedback``, ``export topics`` and ``export learning``."""
    feedback = kinds.add_parser(
        "feedback", help="a seminar's feedback, one row per response",
        description="One row per response: rating (1-5), comment, and the name only when "
        "the person chose to sign their comment.")
    feedback.add_argument("event_id", help="the event number, e.g. 12")
    feedback.add_argument("--out", type=Path, default=None, help="write to FILE")
    feedback.set_defaults(run=_export_feedback)
    topics = kinds.add_parser(
        "topics", help="suggested seminar topics with their votes",
        description="One row per topic: id, title, community, status, votes, the seminar "
        "planned for it and when it was suggested.")
    topics.add_argument("--out", type=Path, default=None, help="write to FILE")
    topics.set_defaults(run=_export_topics)
    learning = kinds.add_parser(
        "learning", help="who attended which seminar, with hours (for CPD records)",
        description="One row per person and seminar attended: name, platform, user id, "
        "email, event, title, date, hours and how attendance was recorded.")
    learning.add_argument("--year", type=int, default=None,
                          help="only seminars in this calendar year (local time)")
    learning.add_argument("--out", type=Path, default=None, help="write to FILE")
    learning.set_defaults(run=_export_learning)


# The row builders (and the database code under them) load only when an export runs.
async def _export_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.seminar_exports import feedback_rows

    return await _export(args, settings, feedback_rows, "responses")


async def _export_topics(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.seminar_exports import topic_rows

    return await _export(args, settings, topic_rows, "topics")


async def _export_learning(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.seminar_exports import learning_rows

    return await _export(args, settings, learning_rows, "rows")
