"""``copbot``: the command line.  Each sub-command lives in its own module with
``add_parser(subparsers)``; the parser it adds sets ``run`` to a coroutine function taking
the parsed arguments and the settings, returning an exit code.  A parser that also sets
``preflight=True`` runs the offline part of ``copbot check`` first (long-running commands)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "bot.cli.chat",
    "bot.cli.check",
    "bot.cli.serve",
    "bot.cli.db",
    "bot.cli.organisers",
    "bot.cli.imports",
    "bot.cli.events",
    "bot.cli.knowledge",
    "bot.cli.report",
    "bot.cli.scheduler",
    "bot.cli.teams",
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
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    # Imported here so that ``copbot --help`` loads neither pydantic nor the commands' code.
    import asyncio

    from bot.checks import require_offline
    from bot.logs import configure_logging
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        if getattr(args, "preflight", False):
            require_offline(settings)
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
