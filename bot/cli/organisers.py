"""``copbot organisers add|remove|list``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "organisers", help="add, remove or list organisers",
        description="Organisers are named platform:workspace:user, e.g. slack:T123:U456, "
        "teams:<tenant-id>:<aad-object-id> or console::alice. COPBOT_ORGANISERS names more.",
    )
    actions = parser.add_subparsers(dest="organisers_command", metavar="ACTION", required=True)
    for name, help_text in (("add", "make someone an organiser"),
                            ("remove", "remove an organiser")):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("who", help="platform:workspace:user")
        action.set_defaults(run=run)
    listing = actions.add_parser("list", help="list organisers")
    listing.set_defaults(run=run)


def _split(who: str) -> tuple[str, str, str] | None:
    parts = who.split(":", 2)
    if len(parts) != 3 or not parts[0] or not parts[2]:
        return None
    return parts[0], parts[1], parts[2]


async def run(args: argparse.Namespace, settings: Settings) -> int:
    who = getattr(args, "who", None)
    key = _split(who) if who else None
    if who is not None and key is None:
        print(f"{who!r} is not platform:workspace:user (e.g. slack:T123:U456 or console::alice)",
              file=sys.stderr)
        return 2
    from bot.clock import SystemClock
    from storage.db import Database
    from storage.repositories.people import OrganiserRepository

    database = Database(settings.database_url)
    try:
        await database.upgrade()
        async with database.session() as session:
            repo = OrganiserRepository(session)
            if args.organisers_command == "add":
                assert key is not None
                added = await repo.add(*key, now=SystemClock().now())
                print(f"{who} is {'now' if added else 'already'} an organiser.")
            elif args.organisers_command == "remove":
                assert key is not None
                removed = await repo.remove(*key)
                print(f"{who} {'is no longer' if removed else 'was not'} an organiser.")
                if who in settings.organisers:
                    print("They are still named in COPBOT_ORGANISERS.")
            else:
                for key_text in settings.organisers:
                    print(f"{key_text}\t(settings)")
                for org in await repo.list():
                    print(f"{org.platform}:{org.workspace}:{org.user_id}")
    finally:
        await database.dispose()
    return 0
