"""Alembic environment.  Migrations run on a connection handed in by ``Database.upgrade``
(or, from the ``alembic`` command line, on one made from ``COPBOT_DATABASE_URL``)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from storage.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_from_settings() -> None:
    from bot.settings import load_settings
    from storage.db import Database

    async def go() -> None:
        database = Database(load_settings().database_url)
        try:
            async with database.engine.begin() as conn:
                await conn.run_sync(_run)
        finally:
            await database.dispose()

    asyncio.run(go())


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    _run_from_settings()
