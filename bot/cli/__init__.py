"""``copbot``: the command line.  Each sub-command lives in its own module with
``add_parser(subparsers)``; the parser it adds sets ``run`` to a coroutine function taking
the parsed arguments and the settings, returning an exit code.  A parser that also sets
``preflight=True`` runs the offline part of ``copbot check`` first (long-running commands)."""

from __future__ import annotations

import argparse
import gc
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
# The module that adds each top-level command: ``copbot chat`` imports only bot.cli.chat
# (``copbot --help`` and any command not listed here import them all).  A test checks this
# against what the modules add.
COMMAND_HOMES = {
    "chat": "bot.cli.chat",
    "check": "bot.cli.check",
    "serve": "bot.cli.serve",
    "db": "bot.cli.db",
    "organisers": "bot.cli.organisers",
    "import": "bot.cli.imports",
    "export": "bot.cli.events",
    "ask": "bot.cli.knowledge",
    "report": "bot.cli.report",
    "scheduler": "bot.cli.scheduler",
    "deliveries": "bot.cli.scheduler",
    "worker": "bot.cli.scheduler",
    "teams-manifest": "bot.cli.teams",
}


def _command_word(argv: Sequence[str]) -> str | None:
    """The sub-command named in ``argv`` (the first word that is not an option)."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help"):  # the top-level help lists every command
            return None
        if word == "--log-level":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv`` naming a known command, only that command's module loads."""
    parser = argparse.ArgumentParser(
        prog="copbot",
        description="copbot: a Slack and Microsoft Teams chatbot for communities of practice. "
        "Settings come from COPBOT_* environment variables and an optional .env file.",
    )
    parser.add_argument("--log-level", default="WARNING",
                        help="logging level (DEBUG, INFO, WARNING …); default WARNING")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    word = _command_word(argv) if argv is not None else None
    modules = (COMMAND_HOMES[word],) if word in COMMAND_HOMES else COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
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
    finally:
        # The process is about to exit: spare it the final garbage collection over every
        # object the libraries made (about a fifth of a short command's CPU time).
        gc.freeze()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
