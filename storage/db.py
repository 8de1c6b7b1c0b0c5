"""The database: engine, units of work, migrations and a health probe.

One code path for SQLite (the embedded default) and PostgreSQL.  SQLite runs in WAL mode
with foreign keys on, and every unit of work that may write starts with ``BEGIN IMMEDIATE``
so that two writers queue on the busy timeout instead of failing to upgrade a read lock.
Units of work that only read (:meth:`Database.read_session`) begin no transaction.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# Alembic (and the SQLite migration lock) load only when there is a migration to apply.
if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from filelock import FileLock

MIGRATIONS = Path(__file__).parent / "migrations"
# How long a unit of work waits for SQLite's single writer before giving up.
WRITER_WAIT = 30.0
# The key of the PostgreSQL advisory lock held while migrating (any constant bigint).
MIGRATION_LOCK = 0x636F70626F74  # "copbot"
# The execution option that marks :meth:`Database.read_session` connections.
READ_ONLY = "copbot_read_only"

# Errors that mean "the database cannot be reached", as opposed to a bug in a query.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    OSError,
    TimeoutError,
)


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database could not be reached (not a bug in a query)."""
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    cause = exc.__cause__ or exc.__context__
    return cause is not None and cause is not exc and isinstance(cause, OSError)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class Database:
    """Owns the engine.  Creating one does no I/O; call :meth:`dispose` when done."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 20
            kwargs["connect_args"] = {"timeout": 5}
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        read_only = {READ_ONLY: True} if self.dialect == "sqlite" else {
            "postgresql_readonly": True}
        self._reader_engine: AsyncEngine | None = None
        if self.dialect == "postgresql":
            # Reads get connections of their own on which every statement is a read-only
            # transaction by itself: no BEGIN and COMMIT round trips around a unit of work
            # that only reads (two of its four or five round trips), and still no writes.
            self._reader_engine = create_async_engine(
                url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10,
                isolation_level="AUTOCOMMIT", connect_args={
                    "timeout": 5,
                    "server_settings": {"default_transaction_read_only": "on"}})
            self._read_engine = self._reader_engine
        else:
            self._read_engine = self.engine.execution_options(**read_only)
        self._readers = async_sessionmaker(self._read_engine, expire_on_commit=False)
        # SQLite allows one writer; every unit of work begins IMMEDIATE.  Queueing them here
        # avoids SQLite's busy handler, which sleeps in growing steps while it waits (seconds
        # of tail latency under load).  Other processes still queue on the busy timeout.
        self._writer: asyncio.Lock | None = asyncio.Lock() if self.dialect == "sqlite" else None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed if the block succeeds, rolled back if it raises.
        Never open one unit of work inside another in the same task."""
        if self._writer is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with asyncio.timeout(WRITER_WAIT):
            await self._writer.acquire()
        try:
            async with self.sessions() as session, session.begin():
                yield session
        finally:
            self._writer.release()

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work that only reads: anything it writes is refused.  On SQLite it does
        not queue for the writer (WAL readers never wait for it).  On both databases each
        statement reads in a transaction of its own (no BEGIN/COMMIT round trips), so two
        reads in one unit of work may see different moments."""
        async with self._readers() as session, session.begin():
            yield session

    async def probe(self) -> None:
        """Run a trivial query; raises whatever connecting or querying raises."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def ping(self) -> bool:
        """True when a trivial query succeeds within a few seconds."""
        try:
            async with asyncio.timeout(5):
                await self.probe()
            return True
        except Exception as exc:
            if is_unavailable(exc):
                return False
            raise

    async def at_head(self) -> bool:
        """True when every migration has been applied (reads only)."""
        from alembic.script import ScriptDirectory

        async with self._read_engine.connect() as conn:
            current = await conn.run_sync(_current_heads)
        script = ScriptDirectory.from_config(alembic_config())
        return _applied(script, current) == {r.revision for r in script.walk_revisions()}

    async def upgrade(self) -> None:
        """Apply every Alembic migration (``copbot db upgrade``).

        Does nothing, without loading Alembic, when the database already records exactly the
        latest revisions.  Otherwise any number of processes may call this at once on the
        same database: they take turns under a lock (a PostgreSQL advisory lock; for SQLite a
        lock file beside the database) and wait for it rather than fail, so the first
        migrates and the rest find the schema at head."""
        if await self._at_heads():
            return
        if self.dialect == "postgresql":
            await self._upgrade_postgresql()
            return
        lock = self._migration_lock_file()
        if lock is None:  # an in-memory database: no other process can see it
            async with self.engine.connect() as conn:
                await conn.run_sync(migrating, _upgrade_to_heads)
            return
        await asyncio.to_thread(lock.acquire)
        try:
            async with self.engine.connect() as conn:
                await conn.run_sync(migrating, _upgrade_to_heads)
        finally:
            lock.release()

    async def _upgrade_postgresql(self) -> None:
        # A session-level advisory lock on the connection that migrates: held across the
        # migration's own transaction, released explicitly (or by PostgreSQL if we die).
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            await conn.commit()
            try:
                await conn.run_sync(migrating, _upgrade_to_heads)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"),
                                   {"key": MIGRATION_LOCK})
                await conn.commit()

    def _migration_lock_file(self) -> FileLock | None:
        database = make_url(self.url).database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        from filelock import FileLock  # only when migrating

        # thread_local=False: acquired in a worker thread, released in the event loop's.
        return FileLock(f"{database}.migrate.lock", thread_local=False)

    async def _at_heads(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
                current = {str(row[0]) for row in rows}
        except Exception:  # no version table yet, or anything odd: let Alembic decide
            return False
        return bool(current) and current == migration_heads()

    async def dispose(self) -> None:
        if self._reader_engine is not None:
            await self._reader_engine.dispose()
        await self.engine.dispose()


_REVISION = re.compile(r"^revision(?:\s*:[^=]*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^(?:down_revision|depends_on)(?:\s*:[^=]*)?=(.*)$", re.MULTILINE)


def migration_heads() -> set[str]:
    """The revisions no other revision builds on or depends on, read from the migration
    files' headers: what Alembic records in ``alembic_version`` once every migration ran.
    A header this cannot read makes the set differ from the table, so Alembic runs."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            return set()
        revisions.add(found.group(1))
        for down in _DOWN.finditer(source):
            parents.update(re.findall(r"[\"']([^\"']+)[\"']", down.group(1)))
    return revisions - parents


def _current_heads(connection: Connection) -> set[str]:
    from alembic.migration import MigrationContext

    return set(MigrationContext.configure(connection).get_current_heads())


def _applied(script: ScriptDirectory, current: set[str]) -> set[str]:
    """The revisions applied when the database records ``current``: those and everything
    they revise or depend on (the version table keeps only the newest of each branch)."""
    applied: set[str] = set()
    todo = list(current)
    while todo:
        revision = script.get_revision(todo.pop())
        if revision is None or revision.revision in applied:
            continue
        applied.add(revision.revision)
        for before in (revision.down_revision, revision.dependencies):
            todo += [before] if isinstance(before, str) else list(before or ())
    return applied


def migrating(connection: Connection, migrate: Callable[[Config], None]) -> None:
    """Run ``migrate`` (an Alembic command on a config bound to ``connection``) in one
    transaction.  On SQLite foreign keys are off meanwhile (the pragma only changes outside a
    transaction): a migration that recreates a table must not cascade into the rows that
    refer to it.  They are on again afterwards."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _set_foreign_keys(connection, on=False)
    try:
        with connection.begin():
            config = alembic_config()
            config.attributes["connection"] = connection
            migrate(config)
    finally:
        if sqlite:
            _set_foreign_keys(connection, on=True)


def _set_foreign_keys(connection: Connection, *, on: bool) -> None:
    cursor = connection.connection.cursor()  # the driver's, so no transaction begins
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    finally:
        cursor.close()


def _upgrade_to_heads(config: Config) -> None:
    from alembic import command

    command.upgrade(config, "heads")


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions are off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        read_only = bool(conn.get_execution_options().get(READ_ONLY))
        info = conn.connection.info  # per pooled connection: switch only when it changes
        if info.get(READ_ONLY, False) != read_only:
            conn.exec_driver_sql(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
            info[READ_ONLY] = read_only
        if not read_only:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        # A read-only unit of work begins no transaction: each statement reads a snapshot of
        # its own (in WAL mode readers never wait), which saves the BEGIN's hand-off to
        # aiosqlite's thread, as on PostgreSQL (see Database.read_session).
