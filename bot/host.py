"""What an adapter is given: a way to dispatch messages and to register its transport, with
the settings, database and clock — never the whole runtime."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.delivery import Transport
from bot.settings import Settings
from bot.types import Incoming, Outcome
from storage.db import Database

Dispatch = Callable[[Incoming], Awaitable[Outcome]]


@dataclass(frozen=True)
class AdapterHost:
    """What an adapter may use: dispatch messages, register a transport, read settings,
    and the database for platform bookkeeping (conversation references)."""

    dispatch: Dispatch
    register_transport: Callable[[Transport], None]
    settings: Settings
    database: Database
    clock: Clock
