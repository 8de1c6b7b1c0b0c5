"""``copbot``: the command line.  Each sub-command lives in its own module with
``add_parser(subparsers)``, listed in :data:`COMMANDS`; the parser it adds sets ``run`` to a
coroutine function taking the parsed arguments and the settings, returning an exit code.  A
parser that also sets ``preflight=True`` runs the offline part of ``copbot check`` first
(long-running commands).  The command modules import their heavy code inside ``run``, so
building the parser (``copbot --help``) stays quick."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from bot.cli import (
    chat,
    check,
    db,
    events,
    imports,
    knowledge,
    organisers,
    report,
    scheduler,
    serve,
    teams,
)

# In the order ``copbot --help`` lists them.
COMMANDS: tuple[Callable[[Any], None], ...] = (
    chat.add_parser,
    check.add_parser,
    serve.add_parser,
    db.add_parser,
    organisers.add_parser,
    imports.add_parser,
    events.add_parser,
    knowledge.add_parser,
    report.add_parser,
    scheduler.add_parser,
    teams.add_parser,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="copbot",
        description="copbot: a Slack and Microsoft Teams chatbot for communities of practice. "
        "Settings come from COPBOT_* environment variables and an optional .env file.",
    )
    parser.add_argument("--log-level", default="WARNING",
                        help="logging level (DEBUG, INFO, WARNING …); default WARNING")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add_parser in COMMANDS:
        add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    # Imported here so that ``copbot --help`` loads neither pydantic nor the commands' code.
    import asyncio

    from bot.app.platforms import load_platform_settings, settings_checks
    from bot.checks import require_offline
    from bot.logs import configure_logging
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        platforms = load_platform_settings()  # every COPBOT_* setting is checked at start
        if getattr(args, "preflight", False):
            require_offline(settings, settings_checks(platforms))
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    configure_logging(args.log_level, settings.log_format)
    try:
        code: int = asyncio.run(args.run(args, settings))
    except KeyboardInterrupt:
        return 130
    except SettingsError as exc:  # e.g. an adapter refusing to start on unsafe settings
        print(exc, file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
