"""``copbot export attendees <id> [--format csv] [--out FILE]``: an event's registrations as
a spreadsheet (the importer, ``copbot import events FILE``, is registered in
:mod:`bot.cli.imports`)."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.services.events import Attendee
    from bot.settings import Settings

COLUMNS = ("name", "platform", "user_id", "status", "waitlist_position", "signed_up")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export", help="export data (export attendees <id>)",
        description="Export data for organisers.",
    )
    kinds = parser.add_subparsers(dest="export_kind", metavar="WHAT", required=True)
    attendees = kinds.add_parser(
        "attendees", help="an event's registrations, one row each",
        description="One row per registration: name, platform, user id, status (confirmed or "
        "waitlisted), waitlist position and sign-up time in the network's local time "
        "(COPBOT_TIMEZONE). Written to stdout unless --out is given.",
    )
    attendees.add_argument("event_id", help="the event number, e.g. 12 or #12")
    attendees.add_argument("--format", choices=("csv",), default="csv",
                           help="file format (csv)")
    attendees.add_argument("--out", type=Path, default=None, help="write to FILE")
    attendees.set_defaults(run=run_export_attendees)


def attendees_csv(attendees: list[Attendee], settings: Settings) -> str:
    from bot.timefmt import local_iso

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for attendee in attendees:
        writer.writerow((
            attendee.name, attendee.person.platform, attendee.person.user_id, attendee.status,
            attendee.position if attendee.position is not None else "",
            local_iso(attendee.signed_up_at, settings.zone),
        ))
    return buffer.getvalue()


async def run_export_attendees(args: argparse.Namespace, settings: Settings) -> int:
    from bot.errors import UserError
    from bot.services.events import EventService
    from storage.db import Database

    word = str(args.event_id).lstrip("#")
    if not word.isdigit():
        print(f"{args.event_id!r} is not an event number (e.g. 12)", file=sys.stderr)
        return 2
    database = Database(settings.database_url)
    try:
        await database.upgrade()
        async with database.session() as session:
            attendees = await EventService(session, settings).attendees(int(word))
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        await database.dispose()
    text = attendees_csv(attendees, settings)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Wrote {len(attendees)} registrations to {args.out}", file=sys.stderr)
    return 0
