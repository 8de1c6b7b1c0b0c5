"""``copbot serve``: the web server for Slack, Teams, calendar feeds and health checks."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve", help="run the web server (Slack, Teams, calendar feeds, /healthz)",
        description="Run the aiohttp server. Applies database migrations on start. Stops "
        "gracefully on SIGTERM.",
    )
    parser.add_argument("--host", default=None, help="address to listen on (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=None,
                        help="port (default: COPBOT_PORT, else $PORT, else 3978)")
    parser.set_defaults(run=run, preflight=True)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app.runtime import Runtime
    from bot.app.server import serve

    host = args.host or settings.host
    port = args.port if args.port is not None else settings.listen_port(os.environ.get("PORT"))
    await serve(Runtime(settings), host, port)
    return 0
