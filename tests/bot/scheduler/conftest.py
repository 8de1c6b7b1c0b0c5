"""Fixtures for the scheduler tests: the shared ``database`` fixture (SQLite and PostgreSQL)
with scheduler settings, a fixed clock and a Slack-like recording transport."""

from __future__ import annotations

import pytest

from bot.clock import FixedClock
from bot.settings import Settings
from tests.bot.scheduler.support import ScriptedTransport, london, settings_for


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture
def clock() -> FixedClock:
    # Thursday 3 December 2026, 10:00 in London.
    return FixedClock(london(2026, 12, 3, 10, 0))


@pytest.fixture
def slack(clock: FixedClock) -> ScriptedTransport:
    return ScriptedTransport("slack", clock)
