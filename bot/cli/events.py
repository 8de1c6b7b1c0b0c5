"""``copbot export attendees <id> [--format csv] [--out FILE]``: an event's registrations as
a spreadsheet (the importer, ``copbot import events FILE``, is registered in
:mod:`bot.cli.imports`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.csv_export import Cell, write_csv
from bot.cli.seminars import add_export_parsers, write_export
from bot.numbers import is_ascii_number, record_id, shorten

# The database and the services load when a command runs, not for ``copbot --help``.
if TYPE_CHECKING:
    from bot.services.events import Attendee
    from bot.settings import Settings
    from storage.models import Person
    from storage.models.seminars import Attendance

COLUMNS = ("name", "platform", "user_id", "status", "waitlist_position", "signed_up",
           "attended")


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
    add_export_parsers(kinds)


def attendees_csv(attendees: list[Attendee], settings: Settings,
                  came: Sequence[tuple[Attendance, Person]] = ()) -> str:
    """One row per registration; ``attended`` is how attendance was recorded (check-in,
    organiser, report) or empty.  People who came without registering follow, with an empty
    status."""
    from bot.timefmt import local_iso

    how = {attendance.person_id: attendance.source for attendance, _ in came}
    registered = {attendee.person_id for attendee in attendees}
    rows: list[Sequence[Cell]] = [
        (attendee.name, attendee.person.platform, attendee.person.user_id, attendee.status,
         attendee.position if attendee.position is not None else "",
         local_iso(attendee.signed_up_at, settings.zone), how.get(attendee.person_id, ""))
        for attendee in attendees]
    rows += [(person.display_name or person.user_id, person.platform, person.user_id, "", "",
              "", attendance.source)
             for attendance, person in came if person.id not in registered]
    return write_csv(COLUMNS, rows, "registrations")


async def run_export_attendees(args: argparse.Namespace, settings: Settings) -> int:
    from bot.errors import UserError
    from bot.services.events import EventService
    from storage.db import Database
    from storage.repositories.seminars import AttendanceRepository

    word = str(args.event_id).removeprefix("#")
    if not is_ascii_number(word):
        print(f"{args.event_id!r} is not an event number (e.g. 12)", file=sys.stderr)
        return 2
    event_id = record_id(word)
    if event_id is None:
        print(f"There is no event #{shorten(word)}.", file=sys.stderr)
        return 1
    database = Database(settings.database_url)
    try:
        await database.upgrade()
        async with database.session() as session:
            attendees = await EventService(session, settings).attendees(event_id)
            came = await AttendanceRepository(session).of_event(event_id)
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        await database.dispose()
    return write_export(attendees_csv(attendees, settings, came), args.out,
                        f"{len(attendees)} registrations")
