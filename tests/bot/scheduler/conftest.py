"""Fixtures for the scheduler tests.  ``database`` (SQLite and PostgreSQL), ``settings`` and
``clock`` (Thursday 3 December 2026, 10:00 in London) come from ``tests/conftest.py``."""

from __future__ import annotations

import pytest

from bot.clock import FixedClock
from tests.bot.scheduler.support import ScriptedTransport


@pytest.fixture
def slack(clock: FixedClock) -> ScriptedTransport:
    """A Slack-like platform at our boundary, recording posts with the clock's time."""
    return ScriptedTransport("slack", clock)
