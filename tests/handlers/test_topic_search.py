"""Near-duplicate topic suggestions are found by the engine questions use
(``COPBOT_SEARCH_ENGINE``): with the semantic engine, also when worded differently."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from tests.handlers.knowledge_fixtures import ENGINES
from tests.testbot import TestBot


@pytest.fixture(params=ENGINES)
def settings(request: pytest.FixtureRequest, database_url: str) -> Settings:
    return Settings(database_url=database_url, organisers=["console::olive"],
                    search_engine=request.param, _env_file=None)  # type: ignore[call-arg]


async def test_a_reworded_topic_is_offered_before_a_new_one_is_made(bot: TestBot) -> None:
    await bot.say("suggest Forecasting A&E demand", as_="alice")
    offered = await bot.say("suggest forecasting demand in A&E", as_="bob")
    assert offered.text.startswith("Did you mean one of these?")
    unrelated = await bot.say("suggest Writing reproducible R packages", as_="carol")
    assert unrelated.text.startswith("Thanks — T2")


@pytest.mark.semantic
@pytest.mark.parametrize("settings", ["semantic"], indirect=True)
async def test_the_semantic_engine_offers_a_reworded_topic(bot: TestBot) -> None:
    await bot.say("suggest Linking hospital records", as_="alice")
    offered = await bot.say("suggest record linkage of patient data", as_="bob")
    assert offered.text.startswith("Did you mean one of these?"), offered.text
    assert [i.title for i in offered.items] == ["T1 Linking hospital records"]
    unrelated = await bot.say("suggest the office christmas party", as_="carol")
    assert unrelated.text.startswith("Thanks — T2")
