"""Shared pieces of the attack tables: the row counts that must not move, the log that must
hold no traceback, and the Slack and Teams fixtures (the real SDKs against the local fakes)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models.base import Base
from tests.adapters.slack.conftest import fake_slack, slack, slack_own_settings, slack_settings
from tests.adapters.teams.conftest import copbot, fake_teams

__all__ = ["copbot", "fake_slack", "fake_teams", "slack", "slack_own_settings",
           "slack_settings"]


async def row_counts(database: Database) -> dict[str, int]:
    """How many rows each table holds (the migration bookkeeping aside)."""
    counts: dict[str, int] = {}
    async with database.session() as session:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = int(await session.scalar(
                select(func.count()).select_from(table)) or 0)
    return counts


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing a person can send may leave a traceback in the log."""
    traced = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.exc_info]
    assert traced == []


def warnings_from(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == logger and r.levelno == logging.WARNING]
