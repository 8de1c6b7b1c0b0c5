"""The platform adapters, listed once: what ``copbot serve`` mounts, what processes that only
post use as transports, and what ``copbot check`` asks.

Each adapter package (``adapters.slack``, ``adapters.teams``) is cheap to import: it loads its
platform SDK only when its settings are present and it is asked to mount or post.  It offers
two functions, each doing nothing when its settings are absent:

- ``async def mount(app: aiohttp.web.Application, host: AdapterHost) -> bool`` — add its
  routes to the ``copbot serve`` app and register its transport; True if it mounted.
- ``def create_transport(settings: Settings, database: Database) -> Transport | None`` — a
  transport for processes that only post (``copbot scheduler tick``, ``copbot worker``).

Its ``checks`` module offers ``NAME``, ``check_settings(settings)`` (raises SettingsError, no
I/O) and ``async check(settings) -> CheckResult | None`` for ``copbot check``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from adapters import slack, teams
from adapters.slack import checks as slack_checks
from adapters.teams import checks as teams_checks
from bot.checks import PlatformCheck, SettingsCheck
from bot.delivery import Transport
from bot.settings import Settings
from storage.db import Database

if TYPE_CHECKING:
    from aiohttp import web

    from bot.host import AdapterHost

Mount = Callable[["web.Application", "AdapterHost"], Awaitable[bool]]
CreateTransport = Callable[[Settings, Database], Transport | None]

MOUNTS: tuple[tuple[str, Mount], ...] = (("slack", slack.mount), ("teams", teams.mount))
TRANSPORTS: tuple[CreateTransport, ...] = (slack.create_transport, teams.create_transport)
SETTINGS_CHECKS: tuple[tuple[str, SettingsCheck], ...] = (
    (slack_checks.NAME, slack_checks.check_settings),
    (teams_checks.NAME, teams_checks.check_settings),
)
ONLINE_CHECKS: tuple[tuple[str, PlatformCheck], ...] = (
    (slack_checks.NAME, slack_checks.check),
    (teams_checks.NAME, teams_checks.check),
)


def create_transports(settings: Settings, database: Database) -> list[Transport]:
    transports: list[Transport] = []
    for create in TRANSPORTS:
        transport = create(settings, database)
        if transport is not None:
            transports.append(transport)
    return transports
