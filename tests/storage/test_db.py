"""Units of work: read-only ones neither wait for SQLite's writer nor write."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import Community


async def _count(session: AsyncSession) -> int:
    result = await session.execute(select(func.count()).select_from(Community))
    return int(result.scalar_one())


async def test_a_read_does_not_wait_for_a_long_write(database: Database) -> None:
    async with database.session() as session:
        session.add(Community(slug="before", name="Before", description=""))
    async with database.session() as writing:
        writing.add(Community(slug="pending", name="Pending", description=""))
        await writing.flush()
        async with asyncio.timeout(2), database.read_session() as reading:
            assert await _count(reading) == 1  # the committed row, not the pending one


async def test_a_read_session_refuses_to_write(database: Database) -> None:
    with pytest.raises(DBAPIError):
        async with database.read_session() as session:
            session.add(Community(slug="sneaky", name="Sneaky", description=""))
    async with database.session() as session:  # the same connections write again
        session.add(Community(slug="honest", name="Honest", description=""))
    async with database.read_session() as session:
        assert await _count(session) == 1
