"""``copbot``: the command line.  Each sub-command lives in its own module with
``add_parser(subparsers)``, listed in :data:`COMMANDS`; the parser it adds sets ``run`` to a
coroutine function taking the parsed arguments and the settings, returning an exit code.  A
parser that also sets ``preflight=True`` runs the offline part of ``copbot check`` first
(long-running commands).  The command modules import their heavy code inside ``run``, so
building the parser (``copbot --help``) stays quick."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from typing import Any

AddParser = Callable[[Any], None]


# One loader per command module: it imports the module only when called, so ``copbot chat``
# loads bot.cli.chat alone (``copbot --help`` loads them all).
def _chat() -> AddParser:
    from bot.cli import chat
    return chat.add_parser


def _check() -> AddParser:
    from bot.cli import check
    return check.add_parser


def _serve() -> AddParser:
    from bot.cli import serve
    return serve.add_parser


def _db() -> AddParser:
    from bot.cli import db
    return db.add_parser


def _organisers() -> AddParser:
    from bot.cli import organisers
    return organisers.add_parser


def _imports() -> AddParser:
    from bot.cli import imports
    return imports.add_parser


def _events() -> AddParser:
    from bot.cli import events
    return events.add_parser


def _knowledge() -> AddParser:
    from bot.cli import knowledge
    return knowledge.add_parser


def _report() -> AddParser:
    from bot.cli import report
    return report.add_parser


def _scheduler() -> AddParser:
    from bot.cli import scheduler
    return scheduler.add_parser


def _teams() -> AddParser:
    from bot.cli import teams
    return teams.add_parser


# In the order ``copbot --help`` lists them.
COMMANDS: tuple[Callable[[], AddParser], ...] = (
    _chat, _check, _serve, _db, _organisers, _imports, _events, _knowledge, _report, _scheduler,
    _teams,
)
# The loader of each top-level command (``copbot --help`` and any command not listed here
# load them all).  A test checks this against what the modules add.
COMMAND_HOMES: dict[str, Callable[[], AddParser]] = {
    "chat": _chat,
    "check": _check,
    "serve": _serve,
    "db": _db,
    "organisers": _organisers,
    "import": _imports,
    "export": _events,
    "ask": _knowledge,
    "report": _report,
    "scheduler": _scheduler,
    "deliveries": _scheduler,
    "worker": _scheduler,
    "teams-manifest": _teams,
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
    loaders = (COMMAND_HOMES[word],) if word in COMMAND_HOMES else COMMANDS
    for load in loaders:
        load()(subparsers)
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
    finally:
        # The process is about to exit: spare it the final garbage collection over every
        # object the libraries made (about a fifth of a short command's CPU time).
        gc.freeze()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
