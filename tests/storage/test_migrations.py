"""A fresh database and a migrated one have the same schema as the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from storage.db import Database
from storage.models import Base


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(database: Database) -> None:
    async with database.engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == []


async def test_upgrade_is_idempotent(database: Database) -> None:
    await database.upgrade()
    async with database.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


def _check_names(connection: Connection) -> dict[str, set[str]]:
    from sqlalchemy import CheckConstraint, inspect

    inspector = inspect(connection)
    found = {}
    for table in Base.metadata.sorted_tables:
        expected = {str(c.name) for c in table.constraints if isinstance(c, CheckConstraint)}
        actual = {str(c["name"]) for c in inspector.get_check_constraints(table.name)}
        if expected or actual:
            found[table.name] = {"expected": expected, "actual": actual}  # type: ignore[dict-item]
    return found  # type: ignore[return-value]


async def test_check_constraints_have_the_models_names(database: Database) -> None:
    """Autogenerate does not compare CHECK constraints, so their names are checked here."""
    async with database.engine.connect() as conn:
        found = await conn.run_sync(_check_names)
    assert found, "the schema has CHECK constraints (capacity, delivery status)"
    for table, names in found.items():
        assert names["expected"] == names["actual"], table  # type: ignore[index]
