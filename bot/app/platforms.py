"""The platform adapters, listed once: what ``copbot serve`` mounts, what processes that only
post use as transports, and what ``copbot check`` asks.

Each adapter package (``adapters.slack``, ``adapters.teams``) has its own settings class
(``SlackSettings``, ``TeamsSettings``: the platform's ``COPBOT_SLACK_*`` / ``COPBOT_TEAMS_*``
variables, secrets as ``SecretStr``); :class:`PlatformSettings` holds one of each, and each
adapter is handed only its own.  An adapter is cheap to import: it loads its platform SDK only
when its settings are present and it is asked to mount or post.  It offers two functions,
each doing nothing when its settings are absent:

- ``async def mount(app: aiohttp.web.Application, host: AdapterHost, settings) -> bool`` —
  add its routes to the ``copbot serve`` app and register its transport; True if it mounted.
- ``def create_transport(settings, database: Database) -> Transport | None`` — a transport
  for processes that only post (``copbot scheduler tick``, ``copbot worker``).

Its ``checks`` module offers ``NAME``, ``check_settings(settings)`` (raises SettingsError, no
I/O) and ``async check(settings) -> CheckResult | None`` for ``copbot check``; Teams' also
``check_files(settings)`` for the certificate it may name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from adapters import slack, teams
from adapters.slack import checks as slack_checks
from adapters.slack.settings import SlackSettings
from adapters.teams import checks as teams_checks
from adapters.teams.settings import TeamsSettings
from bot.checks import CheckResult, PlatformCheck, SettingsCheck, rule_results
from bot.delivery import Transport
from bot.settings import load
from storage.db import Database

if TYPE_CHECKING:
    from aiohttp import web

    from bot.host import AdapterHost


@dataclass(frozen=True)
class PlatformSettings:
    """Each platform's own settings; an adapter is handed only its own."""

    slack: SlackSettings
    teams: TeamsSettings


def load_platform_settings() -> PlatformSettings:
    """Read ``COPBOT_SLACK_*`` and ``COPBOT_TEAMS_*`` (raises SettingsError naming the
    variable)."""
    return PlatformSettings(slack=load(SlackSettings), teams=load(TeamsSettings))


Mount = Callable[["web.Application", "AdapterHost", PlatformSettings], Awaitable[bool]]
CreateTransport = Callable[[PlatformSettings, Database], Transport | None]

MOUNTS: tuple[tuple[str, Mount], ...] = (
    ("slack", lambda app, host, platforms: slack.mount(app, host, platforms.slack)),
    ("teams", lambda app, host, platforms: teams.mount(app, host, platforms.teams)),
)
TRANSPORTS: tuple[CreateTransport, ...] = (
    lambda platforms, database: slack.create_transport(platforms.slack, database),
    lambda platforms, database: teams.create_transport(platforms.teams, database),
)


def settings_checks(platforms: PlatformSettings) -> tuple[SettingsCheck, ...]:
    """Each adapter's offline checks (its files, then its rules), bound to its settings."""
    def teams_offline() -> list[CheckResult]:
        return (teams_checks.check_files(platforms.teams)
                + rule_results(teams_checks.NAME,
                               partial(teams_checks.check_settings, platforms.teams)))

    return (partial(rule_results, slack_checks.NAME,
                    partial(slack_checks.check_settings, platforms.slack)),
            teams_offline)


def online_checks(platforms: PlatformSettings) -> tuple[tuple[str, PlatformCheck], ...]:
    """Each adapter's ``copbot check`` call, bound to its settings."""
    return ((slack_checks.NAME, partial(slack_checks.check, platforms.slack)),
            (teams_checks.NAME, partial(teams_checks.check, platforms.teams)))


def create_transports(platforms: PlatformSettings, database: Database) -> list[Transport]:
    transports: list[Transport] = []
    for create in TRANSPORTS:
        transport = create(platforms, database)
        if transport is not None:
            transports.append(transport)
    return transports
