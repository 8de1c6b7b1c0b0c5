"""Finding the platform adapters without importing a platform SDK into the core.

An adapter module (``adapters.slack``, ``adapters.teams``) offers two functions, each doing
nothing when its settings are absent:

- ``async def mount(app: aiohttp.web.Application, host: AdapterHost) -> bool`` — add its
  routes to the ``copbot serve`` app and register its transport; True if it mounted.
- ``def create_transport(settings: Settings, database: Database) -> Transport | None`` — a
  transport for processes that only post (``copbot scheduler tick``, ``copbot worker``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from types import ModuleType

from bot.checks import PlatformCheck
from bot.delivery import Transport
from bot.settings import Settings
from storage.db import Database

ADAPTER_MODULES: tuple[str, ...] = ("adapters.slack", "adapters.teams")
# ``copbot check``: each offers ``NAME``, ``check_settings(settings)`` (raises SettingsError,
# no I/O) and ``async check(settings) -> CheckResult | None``; importing one is cheap.
ADAPTER_CHECK_MODULES: tuple[str, ...] = ("adapters.slack.checks", "adapters.teams.checks")


def _check_modules() -> Iterator[ModuleType]:
    for name in ADAPTER_CHECK_MODULES:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name not in (name, name.rpartition(".")[0]):
                raise


def adapter_settings_checks() -> list[tuple[str, Callable[[Settings], None]]]:
    return [(module.NAME, module.check_settings) for module in _check_modules()]


def adapter_online_checks() -> list[tuple[str, PlatformCheck]]:
    return [(module.NAME, module.check) for module in _check_modules()]


def adapter_modules() -> Iterator[ModuleType]:
    for name in ADAPTER_MODULES:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def create_transports(settings: Settings, database: Database) -> list[Transport]:
    transports: list[Transport] = []
    for module in adapter_modules():
        create = getattr(module, "create_transport", None)
        if create is not None:
            transport = create(settings, database)
            if transport is not None:
                transports.append(transport)
    return transports
