"""A fresh database and a migrated one have the same schema as the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, delete, func, insert, select

from storage.db import Database, migrating
from storage.models import Base, Person
from storage.models.knowledge import QuestionLog
from storage.models.network import Escalation, NetworkAnswer
from tests.conftest import NOW


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


def _downgrade_ids_never_reused(config: Config) -> None:
    command.downgrade(config, "0009_ids_never_reused-1")


async def test_ids_never_reused_keeps_every_row_and_never_hands_an_id_out_twice(
        database: Database) -> None:
    """Recreating the tables on SQLite (a no-op on PostgreSQL) keeps the rows that refer to
    them (no cascade), and afterwards a deleted question's id is not given to the next."""
    async with database.engine.connect() as conn:
        await conn.run_sync(migrating, _downgrade_ids_never_reused)
    # Rows as the schema stood before the migration: inserts that name only the columns
    # it had (later migrations add columns the models already carry).
    async with database.session() as session:
        person_id = (await session.execute(insert(Person).values(
            platform="console", workspace="", user_id="alice", display_name="",
            created_at=NOW, last_seen_at=NOW).returning(Person.id))).scalar_one()
        first_id = (await session.execute(insert(QuestionLog).values(
            person_id=person_id, platform="console", workspace="", channel="general",
            text="How?", asked_at=NOW, answered=False, score=0.0).returning(QuestionLog.id))
        ).scalar_one()
        escalation_id = (await session.execute(insert(Escalation).values(
            question_id=first_id, asker_id=person_id, anonymous=False, status="open",
            escalated_at=NOW).returning(Escalation.id))).scalar_one()
        await session.execute(insert(NetworkAnswer).values(
            escalation_id=escalation_id, person_id=person_id, text="Like this.",
            created_at=NOW))

    await database.upgrade()
    async with database.session() as session:
        assert (await session.execute(select(func.count()).select_from(NetworkAnswer))
                ).scalar_one() == 1
        [kept] = (await session.execute(select(Escalation))).scalars()
        assert kept.question_id == first_id
        await session.execute(delete(QuestionLog))  # as forget me does
    async with database.session() as session:
        again = QuestionLog(person_id=None, platform="console", workspace="",
                            channel="general", text="Why?", asked_at=NOW, answered=False,
                            score=0.0)
        session.add(again)
        await session.flush()
        assert again.id > first_id
        assert (await session.execute(select(func.count()).select_from(Escalation))
                ).scalar_one() == 0  # the escalation went with its question
