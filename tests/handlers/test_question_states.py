"""Questions never vanish: with no channel to take them, escalations go to the organisers,
who can list questions by state and answer from the card."""

from __future__ import annotations

from adapters.console.render import render_text
from tests.testbot import TestBot

UNKNOWN = "What is the network's policy on synthetic data?"


async def test_an_escalation_with_no_channel_reaches_the_organisers(bot: TestBot) -> None:
    await bot.say(UNKNOWN, as_="alice")
    reply = await bot.say("escalate Q1", as_="alice")
    assert "I've sent Q1 to the organisers" in reply.text
    [card] = bot.notifications_to("olive")
    assert card.title == "Can you help with Q1?" and card.text == UNKNOWN
    assert not card.public
    assert card.buttons[0].command_text == "answer Q1"
    answered = await bot.press("answer", "Q1 We allow it with a DPIA.", as_="olive")
    assert "sent your answer to the person who asked Q1" in answered.text
    [answer] = bot.notifications_to("alice")
    assert "We allow it with a DPIA." in answer.text


async def test_organisers_list_questions_by_state(bot: TestBot) -> None:
    await bot.say(UNKNOWN, as_="alice")                    # Q1: will be published
    await bot.say("Who runs the R user group?", as_="bob")  # Q2: stays open
    await bot.say("Is there a SQL style guide?", as_="carol")  # Q3: escalated
    await bot.say("escalate Q1", as_="alice")
    await bot.say("escalate Q3", as_="carol")
    await bot.say("answer Q1 We allow it with a DPIA.", as_="olive")
    await bot.say("accept Q1", as_="alice")

    def listed(text: str) -> list[str]:
        return [line[2:] for line in text.splitlines() if line.startswith("• ")]

    assert listed(await bot.text("questions", as_="olive")) == [
        "Q3 · escalated", "Q2 · open", "Q1 · answered"]
    assert "F1" in await bot.text("faq review", as_="olive")
    await bot.say("faq approve F1", as_="olive")
    assert listed(await bot.text("questions published", as_="olive")) == ["Q1 · published"]
    escalated = await bot.say("questions escalated", as_="olive")
    [item] = escalated.items
    assert item.title == "Q3 · escalated" and item.buttons[0].command_text == "answer Q3"
    [opened] = (await bot.say("questions open", as_="olive")).items
    assert opened.buttons[0].command_text == "escalate Q2"
    assert "No answered questions yet." == (await bot.say("questions answered",
                                                          as_="olive")).text
    bad = await bot.say("questions lost", as_="olive")
    assert "open, escalated, answered, published" in bad.text
    assert "Only organisers" in (await bot.say("questions", as_="alice")).text
    assert "Q1" not in render_text(await bot.say("questions open", as_="olive"))
