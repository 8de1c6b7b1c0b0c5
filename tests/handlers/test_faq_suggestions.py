"""``faq suggestions``: a "No" on an answer and a question the network answered become review
items; one press adds the question as a phrasing of an entry, used from the next question."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.settings import Settings
from bot.types import Surface
from tests.handlers.knowledge_fixtures import ENGINES, HES, SPC, add_faq
from tests.handlers.test_network import ANSWER, question_id, setup_network
from tests.testbot import TestBot

# Nothing in common with the HES entry's words: the FAQ cannot answer it.
UNKNOWN = "Who signs off requests for hospital records for a service evaluation?"


@pytest.fixture(params=ENGINES)
def settings(request: pytest.FixtureRequest, database_url: str) -> Settings:
    return Settings(database_url=database_url, organisers=["console::olive"],
                    search_engine=request.param, _env_file=None)  # type: ignore[call-arg]


async def answered_by_network(bot: TestBot, question: str) -> str:
    """Ask ``question`` (not answered), escalate it and have Bob answer it in the thread."""
    await setup_network(bot)
    unknown = await bot.say(question, as_="alice")
    assert unknown.text.startswith("I don't have an answer to that yet.")
    q = question_id(unknown)
    await bot.say(f"escalate {q}", as_="alice")
    reply = replace(bot.incoming(ANSWER, as_="bob", channel="experts", surface=Surface.MENTION),
                    thread_id="m1")
    assert "sent your answer" in (await bot.send(reply)).text
    return q


async def test_a_question_the_network_answered_becomes_a_phrasing_used_at_once(
        bot: TestBot) -> None:
    hes = await add_faq(bot, **HES)
    await add_faq(bot, **SPC)
    q = await answered_by_network(bot, UNKNOWN)

    listed = await bot.say("faq suggestions", as_="olive")
    [item] = listed.items
    assert item.title == f"{q}: {UNKNOWN}" and "network" in item.text
    add = next(b for b in item.buttons if b.label == f"Add as a phrasing of {hes}")
    done = await bot.press(add.action_id, add.value, as_="olive")
    assert f"another way of asking {hes}" in done.text

    again = await bot.say(UNKNOWN, as_="dave")  # no restart: the index follows the library
    assert again.title == HES["question"]
    shown = await bot.say(f"faq {hes}", as_="olive")
    assert ("Also asked as", f"{HES['alternates']} | {UNKNOWN}") in [
        (f.label, f.value) for f in shown.fields]
    assert "No suggestions" in (await bot.say("faq suggestions", as_="olive")).text


async def test_a_not_helpful_answer_is_listed_with_other_entries_and_can_be_dismissed(
        bot: TestBot) -> None:
    hes = await add_faq(bot, **HES)
    spc = await add_faq(bot, **SPC)
    answered = await bot.say("how do I get HES data?", as_="alice")
    assert answered.title == HES["question"]
    await bot.press("feedback", "Q1 no", as_="alice")

    [item] = (await bot.say("faq suggestions", as_="olive")).items
    assert item.title == "Q1: how do I get HES data?"
    assert f"not helpful when answered with {hes}" in item.text
    labels = [b.label for b in item.buttons]
    assert f"Add as a phrasing of {hes}" not in labels  # not the entry that failed
    assert labels[-1] == "Dismiss"
    dismissed = await bot.press("faq dismiss", "Q1", as_="olive")
    assert "Dismissed Q1" in dismissed.text
    assert "No suggestions" in (await bot.say("faq suggestions", as_="olive")).text
    again = await bot.say("faq phrasing Q1 " + spc, as_="olive")
    assert "already been reviewed" in again.text


async def test_only_organisers_review_and_bad_input_changes_nothing(bot: TestBot) -> None:
    hes = await add_faq(bot, **HES)
    await bot.say("how do I get HES data?", as_="alice")
    await bot.press("feedback", "Q1 no", as_="alice")
    assert "Only organisers" in (await bot.say("faq suggestions", as_="alice")).text
    assert "Only organisers" in (await bot.say(f"faq phrasing Q1 {hes}", as_="alice")).text
    assert "There is no question Q99" in (await bot.say(f"faq phrasing Q99 {hes}",
                                                         as_="olive")).text
    assert "no published FAQ entry F99" in (await bot.say("faq phrasing Q1 F99",
                                                           as_="olive")).text
    assert "For example: faq phrasing Q12 F3" in (await bot.say("faq phrasing Q1",
                                                                 as_="olive")).text
    assert "For example: faq dismiss Q12" in (await bot.say("faq dismiss", as_="olive")).text
    [item] = (await bot.say("faq suggestions", as_="olive")).items  # still there
    assert item.title.startswith("Q1:")
