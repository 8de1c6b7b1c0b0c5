"""Shared fixtures: a migrated database on SQLite and (when configured) PostgreSQL, a fixed
clock, an in-process test bot, and a guard that refuses any non-loopback connection.

Set ``COPBOT_TEST_POSTGRES_URL`` (e.g. ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``)
to run every database test on PostgreSQL too.  Each test session creates its own scratch
database on that server, so parallel runs never meet; if the server cannot be reached the
tests fail rather than skip.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.settings import SlackSettings
from adapters.teams.settings import TeamsSettings
from bot.app.platforms import PlatformSettings
from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import Database
from tests.testbot import TestBot

POSTGRES_URL = os.environ.get("COPBOT_TEST_POSTGRES_URL", "")

# ---------------------------------------------------------------------------- network guard
_real_connect = socket.socket.connect


def _is_local(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return True  # unix sockets


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
        raise ConnectionRefusedError(f"tests may only reach loopback, not {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _offline() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


# ---------------------------------------------------------------------------- the extra
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``semantic`` need the [semantic] extra: skipped in a venv without it, so
    the README's test command passes on a fresh clone with ``.[dev]`` alone."""
    if item.get_closest_marker("semantic") is not None:
        from storage.search import embedding

        if not embedding.available():
            pytest.skip("the [semantic] extra is not installed")


# ---------------------------------------------------------------------------- databases
def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def _pg_admin(server_url: str, *statements: str) -> None:
    """Run ``statements`` (CREATE/DROP DATABASE) on the server of ``server_url``."""
    import asyncio

    import asyncpg
    from sqlalchemy.engine import make_url

    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(
        hide_password=False)

    async def run() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="session")
def postgres_template_url() -> Iterator[str]:
    """A PostgreSQL database for this test session, migrated once: the template every
    PostgreSQL test database is copied from (tests never connect to it); dropped at the end."""
    import asyncio

    from sqlalchemy.engine import make_url

    if not POSTGRES_URL:
        pytest.skip("COPBOT_TEST_POSTGRES_URL is not set")
    name = f"copbot_test_{uuid.uuid4().hex[:10]}"
    _pg_admin(POSTGRES_URL, f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        template = Database(url)
        asyncio.run(_migrate_and_close(template))
        yield url
    finally:
        _pg_admin(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _migrate_and_close(database: Database) -> None:
    try:
        await database.upgrade()
    finally:
        await database.dispose()


_pg_database_counter = iter(range(1_000_000))


def _pg_copy(template_url: str) -> Iterator[str]:
    from sqlalchemy.engine import make_url

    url = make_url(template_url)
    name = f"{url.database}_{next(_pg_database_counter)}"
    _pg_admin(POSTGRES_URL, f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _pg_admin(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_server_url(postgres_template_url: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for tests that need PostgreSQL itself."""
    yield from _pg_copy(postgres_template_url)


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for a database of each configured kind, migrated (PostgreSQL: a copy of the
    session's migrated template) or empty (SQLite)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
        return
    yield from _pg_copy(request.getfixturevalue("postgres_template_url"))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated, empty database (SQLite and, when configured, PostgreSQL)."""
    db = Database(database_url)
    await db.upgrade()
    try:
        yield db
    finally:
        await db.dispose()


# ---------------------------------------------------------------------------- the bot
# Thursday 3 December 2026, 10:00 in London (GMT = UTC in winter).
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        organisers=["console::olive"],
        _env_file=None,  # type: ignore[call-arg]
    )


def platforms(*, slack: SlackSettings | None = None,
              teams: TeamsSettings | None = None) -> PlatformSettings:
    """Platform settings for a test: the ones given, the others empty (no .env read)."""
    return PlatformSettings(
        slack=slack or SlackSettings(_env_file=None),  # type: ignore[call-arg]
        teams=teams or TeamsSettings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture
async def bot(settings: Settings, clock: FixedClock, database: Database) -> AsyncIterator[TestBot]:
    """An in-process bot on a migrated database; ``olive`` is an organiser."""
    testbot = TestBot(settings, clock, database)
    await testbot.start()
    try:
        yield testbot
    finally:
        await testbot.stop()
