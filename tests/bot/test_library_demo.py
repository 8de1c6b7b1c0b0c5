"""The demo library: loaded once, answerable, linked to the network's communities."""

from __future__ import annotations

from bot.app.demo import load_demo
from tests.testbot import TestBot


async def test_demo_library_loads_once_and_answers(bot: TestBot) -> None:
    summary = await load_demo(bot.runtime)
    assert "9 FAQ entries and 8 library resources" in summary
    assert "FAQ entries" not in await load_demo(bot.runtime)
    reply = await bot.say("how do I work out LOS?")
    assert reply.title == "How should I calculate length of stay?"
    spc = await bot.say("when should I use SPC instead of RAG?")
    assert [i.title for i in spc.items] == ["NHSRplotthedots: SPC charts in R",
                                            "Making Data Count: getting started"]
    assert "Newest in the library" in (await bot.say("resources")).title
