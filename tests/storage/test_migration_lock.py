"""Replicas started together on an empty database all come up: migrations take turns under
a lock (a PostgreSQL advisory lock; a lock file beside a SQLite database)."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from storage.db import Database
from tests.conftest import POSTGRES_URL, _backends, _pg_admin

REPLICAS = 3


@pytest.fixture(params=_backends())
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nobody has migrated: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"copbot_fresh_{uuid.uuid4().hex[:10]}"
    _pg_admin(POSTGRES_URL, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _pg_admin(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _start(url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    env["COPBOT_DATABASE_URL"] = url
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0",
        cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def _address(proc: asyncio.subprocess.Process) -> str:
    """The base URL a replica prints once it is serving (or its error output if it died)."""
    assert proc.stdout is not None and proc.stderr is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), timeout=120)).decode()
    if not line.startswith("copbot serving on "):
        err = (await proc.stderr.read()).decode()
        raise AssertionError(f"replica exited with {await proc.wait()}: {err[-2000:]}")
    return line.removeprefix("copbot serving on ").strip()


async def test_replicas_started_together_on_an_empty_database_all_come_up(
        empty_database_url: str, tmp_path: Path) -> None:
    replicas = await asyncio.gather(*(_start(empty_database_url, tmp_path)
                                      for _ in range(REPLICAS)))
    try:
        addresses = await asyncio.gather(*(_address(proc) for proc in replicas))
        async with aiohttp.ClientSession() as http:
            for base in addresses:
                async with http.get(f"{base}/healthz") as resp:
                    assert resp.status == 200
                    assert (await resp.json())["database"] == "ok"
        assert all(proc.returncode is None for proc in replicas)
        database = Database(empty_database_url)
        try:
            assert await database.at_head()
        finally:
            await database.dispose()
    finally:
        for proc in replicas:
            if proc.returncode is None:
                proc.terminate()
        for proc in replicas:
            try:
                await asyncio.wait_for(proc.wait(), timeout=30)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def test_an_unmigrated_database_is_not_at_head(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        assert not await database.at_head()
        await database.upgrade()
        assert await database.at_head()
    finally:
        await database.dispose()
