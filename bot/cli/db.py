"""``copbot db upgrade``: apply the database migrations."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="database maintenance (db upgrade)")
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="apply every pending migration")
    upgrade.set_defaults(run=run_upgrade)


async def run_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.db import Database

    database = Database(settings.database_url)
    try:
        await database.upgrade()
    finally:
        await database.dispose()
    print("Database is up to date.")
    return 0
