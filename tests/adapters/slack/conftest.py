"""Fixtures for the Slack adapter: a fake Slack Web API and ``copbot serve`` pointed at it."""

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
from tests.adapters.slack.driver import SIGNING_SECRET, USER, SlackDriver
from tests.adapters.slack.fake_slack import FakeSlack
from tests.conftest import platforms


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.users[USER] = "Steve Analyst"
        yield fake


@pytest.fixture
def slack_settings(settings: Settings) -> Settings:
    """The core settings of the Slack tests (a test module may override this fixture)."""
    return settings


@pytest.fixture
def slack_own_settings(fake_slack: FakeSlack) -> SlackSettings:
    """The Slack adapter's settings for HTTP mode against the fake (API URL given without
    its trailing slash, as people write it)."""
    return SlackSettings(_env_file=None, bot_token="xoxb-test-token",  # type: ignore[call-arg]
                         signing_secret=SIGNING_SECRET,
                         api_url=fake_slack.api_url.rstrip("/"))


@pytest.fixture
async def slack(slack_settings: Settings, slack_own_settings: SlackSettings, database: Database,
                clock: FixedClock, fake_slack: FakeSlack) -> AsyncIterator[SlackDriver]:
    """``copbot serve``'s app on loopback with Slack mounted, and a way to talk to it."""
    runtime = Runtime(slack_settings, clock=clock, database=database,
                      platforms=platforms(slack=slack_own_settings))
    await runtime.start(migrate=False)
    app = await create_app(runtime)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield SlackDriver(f"http://127.0.0.1:{port}", fake_slack, runtime)
    finally:
        await runner.cleanup()
        await runtime.notices.stop()
