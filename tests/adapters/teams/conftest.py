"""Copbot served on loopback with the Teams adapter mounted, talking to a fake Bot Framework."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app.runtime import Runtime
from bot.app.server import create_app
from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import Database
from tests.adapters.teams.fake_connector import TENANT, FakeBotFramework

# Olive is an organiser (by AAD object id); the fixtures' sender, Alice, is a member.
OLIVE = {"id": "29:1oliveMemberId9Xp82wekVXkbOSaJo1L8hynrdocgKu3ydRKxx6P5",
         "name": "Olive Organiser", "aadObjectId": "0000000a-0000-4000-8000-0000000011fe"}
ALICE_AAD = "aaaaaaaa-0000-4000-8000-00000000a11c"
ALICE_CHAT = "a:1personalChatWithAliceVF4K2uXl-hg-wn2SSWJZYK7Cqox93Xp82wekVXkbOSaJo1L8hyn"
# Changes that make a personal-chat fixture come from Olive, in her own 1:1 chat.
AS_OLIVE = {"from": OLIVE, "conversation": {
    "conversationType": "personal", "tenantId": TENANT,
    "id": "a:1personalChatWithOliveQ9m3Lr0-xq-Zk7ndT2vBf5Hc8Wj4Ys6Pu1Ea9Gi3Ko7Mn2Rt"}}


@dataclass
class Answer:
    status: int
    body: Any


@dataclass
class Copbot:
    """The server under test and the fake Teams around it."""

    url: str
    runtime: Runtime
    teams: FakeBotFramework

    async def post(self, activity: dict[str, Any], *, token: str | None = "valid",
                   authorization: str | None = None) -> Answer:
        """POST an activity to /api/messages, signed like Teams does unless told otherwise."""
        headers = {}
        if authorization is not None:
            headers["Authorization"] = authorization
        elif token is not None:
            headers["Authorization"] = "Bearer " + (
                self.teams.token() if token == "valid" else token)
        async with aiohttp.ClientSession() as http, http.post(
                f"{self.url}/api/messages", json=activity, headers=headers) as resp:
            text = await resp.text()
            body = await resp.json(content_type=None) if text else None
            return Answer(resp.status, body)

    async def send(self, fixture: str, **changes: Any) -> Answer:
        """Send an activity; messages it queued for others have been sent on return (by the
        runtime's notice sender, from the outbox)."""
        answer = await self.post(self.teams.activity(fixture, **changes))
        await self.runtime.notices.send_now()
        return answer


@pytest.fixture
async def fake_teams() -> AsyncIterator[FakeBotFramework]:
    async with FakeBotFramework() as teams:
        yield teams


async def serve(runtime: Runtime) -> tuple[web.AppRunner, str]:
    app = await create_app(runtime)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


@pytest.fixture
async def copbot(fake_teams: FakeBotFramework, settings: Settings, database: Database,
                 clock: FixedClock) -> AsyncIterator[Copbot]:
    organisers = [*settings.organisers, f"teams:{TENANT}:{OLIVE['aadObjectId']}"]
    configured = settings.model_copy(update={"organisers": organisers})
    async with running(Runtime(configured, clock=clock, database=database,
                               platforms=fake_teams.platforms()), fake_teams) as copbot:
        yield copbot


@asynccontextmanager
async def running(runtime: Runtime, fake_teams: FakeBotFramework) -> AsyncIterator[Copbot]:
    """``runtime`` started and served on loopback; its server and notice sender stopped after
    (the shared test database stays open)."""
    await runtime.start(migrate=False)
    runner, url = await serve(runtime)
    try:
        yield Copbot(url, runtime, fake_teams)
    finally:
        await runner.cleanup()
        await runtime.notices.stop()
        await runtime.transports.close()
