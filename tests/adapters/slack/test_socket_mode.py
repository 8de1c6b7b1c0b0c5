"""Socket Mode: the same listeners over a WebSocket, for networks without a public URL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from adapters.slack.settings import SlackSettings
from bot.app.runtime import Runtime
from bot.app.server import create_app
from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import Database
from tests.adapters.slack.driver import USER, payload
from tests.adapters.slack.fake_slack import FakeSlack
from tests.conftest import platforms


@pytest.fixture
async def socket_app(settings: Settings, database: Database, clock: FixedClock,
                     fake_slack: FakeSlack) -> AsyncIterator[web.Application]:
    socket_settings = SlackSettings(_env_file=None,  # type: ignore[call-arg]
                                    bot_token="xoxb-test-token", app_token="xapp-test-token",
                                    api_url=fake_slack.api_url)
    runtime = Runtime(settings, clock=clock, database=database,
                      platforms=platforms(slack=socket_settings))
    await runtime.start(migrate=False)
    app = await create_app(runtime)
    runner = web.AppRunner(app)
    await runner.setup()  # runs the startup hooks: Socket Mode connects
    try:
        yield app
    finally:
        await runner.cleanup()
        await runtime.notices.stop()


async def test_slash_command_over_socket_mode(socket_app: web.Application,
                                              fake_slack: FakeSlack) -> None:
    assert not any(r.resource is not None and r.resource.canonical == "/slack/events"
                   for r in socket_app.router.routes()), "no public endpoint in Socket Mode"
    body = payload("slash_command") | {"text": "communities"}
    ack = await fake_slack.send_envelope("slash_commands", body)
    assert ack["payload"]["response_type"] == "ephemeral"
    assert ack["payload"]["blocks"][0]["text"]["text"].startswith("*Communities")
    [opened] = fake_slack.calls_to("apps.connections.open")
    assert opened.headers["Authorization"] == "Bearer xapp-test-token"


async def test_dm_over_socket_mode(socket_app: web.Application, fake_slack: FakeSlack) -> None:
    ack = await fake_slack.send_envelope("events_api", payload("message_im"))
    assert ack["envelope_id"] == "env-1"
    [post] = await fake_slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "D024BE91L"
    assert [c.params["user"] for c in fake_slack.calls_to("users.info")] == [USER]
