"""``copbot chat``: talk to the bot in the terminal as the console platform."""

from __future__ import annotations

import argparse
import gc
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the runtime is imported when the command runs, not for --help
    from bot.settings import Settings
    from bot.types import Incoming, Outcome

DEMO_DATABASE = "copbot-demo.db"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "chat", help="talk to the bot in the terminal",
        description="Talk to the bot as the console platform. On a terminal, an interactive "
        "prompt (type a button's number to press it). With piped input, each line is one "
        "message and each reply is followed by a line containing only ---.",
    )
    parser.add_argument("--user", default=None, help="your user id (default: your login name)")
    parser.add_argument("--name", default=None, help="your display name (default: the user id)")
    parser.add_argument("--organiser", action="store_true",
                        help="act as an organiser for this session")
    parser.add_argument("--demo", action="store_true",
                        help=f"try the bot on the demo data set, kept in its own database "
                        f"./{DEMO_DATABASE} (the configured database is never touched)")
    parser.add_argument("--demo-database", default=Path(DEMO_DATABASE), type=Path,
                        metavar="PATH", help=f"with --demo: where the demo database lives "
                        f"(default ./{DEMO_DATABASE})")
    parser.add_argument("--reset", action="store_true",
                        help="with --demo: delete the demo database and start afresh")
    parser.add_argument("--files", default=".", type=Path,
                        help="where to save files the bot sends (calendar files); default here")
    parser.set_defaults(run=run, preflight=True)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"


def demo_settings(settings: Settings, path: Path) -> Settings:
    """The same settings, pointed at the demo's own SQLite file."""
    return settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{path}"})


def prepare_demo_database(path: Path, *, reset: bool) -> Path:
    path = path.resolve()
    if reset:
        path.unlink(missing_ok=True)
    return path


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.reset and not args.demo:
        print("--reset only applies to the demo database: add --demo.", file=sys.stderr)
        return 2
    if args.demo:
        path = prepare_demo_database(args.demo_database, reset=args.reset)
        settings = demo_settings(settings, path)
        print(f"Demo database: {path} (the configured database is not used; "
              "--demo --reset starts it afresh).", file=sys.stderr)
    from adapters.console.session import ConsoleSession, ConsoleTransport, is_interactive
    from bot.app.demo import load_demo
    from bot.app.runtime import Runtime

    user = args.user or _default_user()
    person_key = f"console::{user}"
    runtime = Runtime(settings, extra_organisers=[person_key] if args.organiser else [])
    runtime.transports.register(ConsoleTransport(sys.stdout))
    await runtime.start()
    # What start-up made (modules, models, the command registry) lives as long as the
    # session: later garbage collections need not walk it again.
    gc.freeze()

    async def dispatch(incoming: Incoming) -> Outcome:
        # Each line's notices are printed before its reply, as they go: one conversation.
        outcome = await runtime.dispatch(incoming)
        await runtime.notices.send_now()
        return outcome

    try:
        if args.demo:
            summary = await load_demo(runtime)
            print(summary, file=sys.stderr)
        session = ConsoleSession(dispatch, user_id=user, display_name=args.name or user,
                                 out=sys.stdout, files_dir=args.files)
        if is_interactive(sys.stdin):
            await session.run_interactive(settings.network_name)
        else:
            await session.run_script(sys.stdin)
    finally:
        await runtime.stop()
    return 0
