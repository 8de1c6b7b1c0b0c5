"""``copbot import KIND FILE``: bulk-load communities, events, FAQ entries or resources.

The whole file is validated first; if any row is bad nothing is written and every problem is
listed with its row number.  Re-importing updates rather than duplicates.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.importing import Importer
    from bot.settings import Settings
    from storage.db import Database


# Each importer is imported when its kind is asked for, so ``copbot --help`` stays quick.
def _communities() -> Importer:
    from bot.services.communities import import_communities

    return import_communities


def _faq() -> Importer:
    from bot.services.library_import import import_faq

    return import_faq


def _resources() -> Importer:
    from bot.services.library_import import import_resources

    return import_resources


def _events() -> Importer:
    from bot.services.event_import import import_events

    return import_events


IMPORTERS: dict[str, Callable[[], Importer]] = {
    "communities": _communities,
    "faq": _faq,
    "resources": _resources,
    "events": _events,
}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import", help="import communities, events, FAQ entries or resources (CSV or YAML)",
        description="Validate the whole file, then write it in one go; nothing is written if "
        "any row is bad. Re-importing the same file updates rather than duplicates.",
    )
    parser.add_argument("kind", choices=sorted([*IMPORTERS, "attendance"]),
                        help="what the file holds (attendance: import attendance <event id> "
                        "FILE, a Teams meeting attendance report)")
    parser.add_argument("file", type=Path, help="a .csv, .yaml or .yml file")
    parser.add_argument("report", type=Path, nargs="?", help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def load_importer(kind: str) -> Importer:
    return IMPORTERS[kind]()


async def run_import(database: Database, settings: Settings, kind: str, path: Path) -> str:
    """Validate and import ``path``; raises ImportFailed (nothing written) on any problem."""
    from bot.clock import SystemClock
    from bot.importing import read_rows
    from bot.progress import terminal_track

    rows = read_rows(path)
    importer = load_importer(kind)
    async with database.session() as session:
        return await importer(session, rows, settings, SystemClock().now(),
                              track=terminal_track)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.kind == "attendance":
        from bot.cli.seminars import run_attendance_import

        return await run_attendance_import(str(args.file), args.report, settings)
    if args.report is not None:
        print(f"copbot import {args.kind} takes one file", file=sys.stderr)
        return 2
    from bot.importing import ImportFailed
    from storage.db import Database

    database = Database(settings.database_url)
    try:
        await database.upgrade()
        summary = await run_import(database, settings, args.kind, args.file)
    except ImportFailed as exc:
        print(f"Nothing was imported from {args.file}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    finally:
        await database.dispose()
    print(summary)
    return 0
