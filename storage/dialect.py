"""The one place where SQL differs between SQLite and PostgreSQL: ``INSERT … ON CONFLICT``.

Both dialects support it with the same SQLAlchemy API; this picks the right ``insert``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


def upsert_insert(session: AsyncSession, table: Any) -> Any:
    """An ``insert(table)`` that has ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    # Each dialect's module loads when it is used (a SQLite process never loads PostgreSQL's).
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database dialect {name!r}")
