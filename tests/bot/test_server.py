"""``copbot serve``'s health endpoint, including a database outage and recovery."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy.engine import make_url

from bot.app.runtime import Runtime
from bot.app.server import create_app
from bot.router import DATABASE_DOWN
from bot.settings import Settings
from bot.types import Incoming
from storage.db import Database
from tests.tcpproxy import TcpProxy


async def _serve(runtime: Runtime) -> AsyncIterator[str]:
    app = await create_app(runtime)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def server(settings: Settings, database: Database) -> AsyncIterator[str]:
    runtime = Runtime(settings, database=database)
    await runtime.start(migrate=False)
    async for url in _serve(runtime):
        yield url
    await runtime.notices.stop()


async def test_healthz_reports_the_database(server: str) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{server}/healthz") as resp:
        assert resp.status == 200
        assert (await resp.json())["database"] == "ok"


async def test_platform_routes_are_absent_without_settings(server: str) -> None:
    async with aiohttp.ClientSession() as http:
        for path in ("/slack/events", "/api/messages"):
            async with http.post(f"{server}{path}", data=b"{}") as resp:
                assert resp.status == 404


async def test_healthz_follows_a_postgres_outage(postgres_server_url: str) -> None:
    url = make_url(postgres_server_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    database = Database(proxied)
    runtime = Runtime(Settings(database_url=proxied, _env_file=None),  # type: ignore[call-arg]
                      database=database)
    await runtime.start()
    try:
        async for base in _serve(runtime):
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{base}/healthz") as resp:
                    assert resp.status == 200
                await proxy.cut()
                async with http.get(f"{base}/healthz") as resp:
                    assert resp.status == 503
                    assert (await resp.json())["database"] == "unreachable"
                outcome = await runtime.dispatch(Incoming(
                    platform="console", workspace="", channel="c", user_id="alice",
                    text="communities"))
                assert outcome.reply is not None
                assert outcome.reply.text == DATABASE_DOWN
                await proxy.start()  # same port again
                async with http.get(f"{base}/healthz") as resp:
                    assert resp.status == 200
    finally:
        await runtime.notices.stop()
        await proxy.cut()
        await database.dispose()


async def test_metrics_are_off_unless_switched_on(server: str) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{server}/metrics") as resp:
        assert resp.status == 404
