"""``copbot check``: validate the settings and reach everything they point at."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check", help="check the settings, the files they name, the database and platforms",
        description="Validate every COPBOT_* setting and every file a setting names, reach the "
        "database, and where configured call Slack auth.test and fetch a Teams token. Prints "
        "one line per check (OK, FAIL or SKIP); exits 1 if any check failed, 2 if the "
        "settings themselves are invalid.")
    parser.add_argument("--offline", action="store_true",
                        help="only the checks that need no network (what serve, worker, chat "
                        "and scheduler tick run at start)")
    parser.set_defaults(run=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import platforms
    from bot.checks import CheckResult, offline_checks, online_checks

    platform_settings = platforms.load_platform_settings()
    results = [CheckResult("settings", "ok", "every COPBOT_* setting is valid")]
    results += offline_checks(settings, platforms.settings_checks(platform_settings))
    if not args.offline:
        results += await online_checks(settings, platforms.online_checks(platform_settings))
    for result in results:
        print(result.line(), flush=True)
    return 1 if any(result.status == "fail" for result in results) else 0
