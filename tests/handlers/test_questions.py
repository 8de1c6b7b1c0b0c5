"""Asking: answers with their source, honest "not yet" below the threshold, feedback, the log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.console.render import render_text
from bot.settings import Settings
from bot.types import Action, Surface
from storage.models.knowledge import QuestionLog
from tests.handlers.knowledge_fixtures import AE, ENGINES, HES, SPC, add_faq, add_resource, named
from tests.testbot import TestBot


@pytest.fixture(params=ENGINES)
def settings(request: pytest.FixtureRequest, database_url: str) -> Settings:
    return Settings(database_url=database_url, organisers=["console::olive"],
                    search_engine=request.param, _env_file=None)  # type: ignore[call-arg]


async def _log(bot: TestBot) -> list[QuestionLog]:
    async with bot.runtime.database.session() as session:
        return list((await session.execute(select(QuestionLog).order_by(QuestionLog.id)))
                    .scalars())


async def test_a_question_gets_the_answer_its_source_and_feedback_buttons(bot: TestBot) -> None:
    entry = await add_faq(bot, **HES)
    await add_faq(bot, **SPC)
    reply = await bot.say("ask how can I get HES data?")
    assert reply.title == HES["question"]
    assert reply.text == HES["answer"] and reply.markdown  # formatted by each platform
    assert "Apply through DARS with your IG lead. See the guide (https://digital.nhs.uk/dars)." \
        in render_text(reply)  # the console shows the markdown subset as plain text
    assert reply.link is not None and reply.link.url == HES["url"]
    assert reply.link.label == "Source (reviewed 30 June 2026)"
    assert not reply.fields  # the rest is in faq F1: an answer stays short
    assert reply.footer == "Was this helpful? (Q1)"
    assert [(b.action_id, b.value) for b in reply.buttons] == [("feedback", "Q1 yes"),
                                                              ("feedback", "Q1 no")]
    assert entry == "F1"


@pytest.mark.parametrize("surface", [Surface.DM, Surface.MENTION, Surface.COMMAND])
async def test_free_text_is_a_question(bot: TestBot, surface: Surface) -> None:
    await add_faq(bot, **HES)
    reply = await bot.say("how do I get access to hes data?", surface=surface)
    assert reply.title == HES["question"]


async def test_below_the_threshold_the_bot_says_it_does_not_know(bot: TestBot) -> None:
    await add_faq(bot, **HES)
    await add_faq(bot, **SPC)
    reply = await bot.say("When is the Christmas party this year?")
    assert reply.text.startswith("I don't have an answer to that yet.")
    assert "Q1" in reply.text
    # nothing to rate: no answer was given
    assert "feedback" not in [b.action_id for b in reply.buttons]
    assert reply.title is None


async def test_a_weak_match_is_offered_as_did_you_mean_not_as_the_answer(bot: TestBot) -> None:
    await add_faq(bot, **HES)
    reply = await bot.say("HES flamingo migration routes across Lake Nakuru for birdwatchers")
    assert reply.text.startswith("I don't have an answer to that yet.")
    assert "Did you mean" in reply.text
    assert reply.items[0].title == HES["question"]
    [show] = reply.items[0].buttons
    shown = await bot.press(show.action_id, show.value)
    assert shown.title == HES["question"] and shown.link is not None


async def test_the_target_precision_is_a_setting(bot: TestBot) -> None:
    await add_faq(bot, **HES)
    # A loose paraphrase: likely enough to be right for the default 0.9, not for 0.99.
    assert (await bot.say("access to data")).title == HES["question"]
    bot.runtime.settings.answer_precision = 0.99
    reply = await bot.say("access to data")
    assert reply.text.startswith("I don't have an answer to that yet.")
    assert reply.items[0].title == HES["question"]
    assert (await bot.say("how do I get HES data?")).title == HES["question"]


@pytest.mark.parametrize("question", ["A&E waiting times?", "Accident & Emergency waits"])
async def test_abbreviations_find_entries_written_in_full(bot: TestBot, question: str) -> None:
    await add_faq(bot, **AE)
    await add_faq(bot, **HES)
    assert (await bot.say(question)).title == AE["question"]


async def test_expansions_find_entries_written_as_abbreviations(bot: TestBot) -> None:
    await add_faq(bot, question="Who can see SUS data?", answer="Analysts with a DSCRO feed.")
    await add_faq(bot, **SPC)
    reply = await bot.say("who can see secondary uses service data")
    assert reply.title == "Who can see SUS data?"


async def test_every_question_is_logged_with_answer_score_and_feedback(bot: TestBot) -> None:
    await add_faq(bot, **HES)
    answered = await bot.say("how do I get HES data?")
    await bot.say("When is the Christmas party?")
    thanks = await bot.press(*answered.buttons[0].command_text.split(" ", 1))
    # the answer stays in view; only the buttons give way to the thanks
    assert thanks.footer == "Thanks — glad it helped." and not thanks.buttons
    assert (thanks.title, thanks.text, thanks.link) == (answered.title, answered.text,
                                                        answered.link)
    first, second = await _log(bot)
    assert (first.answered, first.faq_entry_id, first.feedback) == (True, 1, "yes")
    assert first.score > second.score
    assert first.text == "how do I get HES data?" and first.public_id == "Q1"
    assert first.feedback_at == bot.clock.now()
    assert (second.answered, second.feedback) == (False, None)


async def test_not_helpful_feedback_is_recorded_and_can_be_changed(bot: TestBot) -> None:
    await add_faq(bot, **HES)
    await bot.say("how do I get HES data?")
    await add_faq(bot, question="Where is HES data documented?", tags="hes",
                  answer="In the HES data dictionary.", url="https://example.org/hes")
    reply = await bot.press("feedback", "Q1 no")
    # the answer stays; the next closest entry and the way to the network are offered
    assert "didn't help" in reply.footer and reply.title == HES["question"]
    assert [b.command_text for b in reply.buttons] == ["escalate Q1", "escalate Q1 anonymous"]
    assert [i.title for i in reply.items] == ["Where is HES data documented?"]
    assert [b.command_text for b in reply.items[0].buttons] == ["faq F2"]
    assert (await _log(bot))[0].feedback == "no"
    await bot.press("feedback", "Q1 yes")
    assert (await _log(bot))[0].feedback == "yes"


async def test_only_the_asker_can_rate_an_answer(bot: TestBot) -> None:
    await add_faq(bot, **HES)
    await bot.say("how do I get HES data?", as_="alice")
    reply = await bot.press("feedback", "Q1 no", as_="bob")
    assert "Only the person who asked Q1" in reply.text
    assert (await _log(bot))[0].feedback is None


async def test_feedback_for_an_unknown_question(bot: TestBot) -> None:
    assert "no question Q99" in (await bot.press("feedback", "Q99 yes")).text
    assert "Usage: feedback" in (await bot.say("feedback maybe")).text


async def test_ask_with_nothing_to_ask(bot: TestBot) -> None:
    reply = await bot.say("ask")
    assert "What would you like to ask?" in reply.text


async def test_new_and_edited_entries_are_answered_straight_away(bot: TestBot) -> None:
    await add_faq(bot, **SPC)
    before = await bot.say("how do I get HES data?")
    assert before.text.startswith("I don't have an answer")
    await add_faq(bot, **HES)
    assert (await bot.say("how do I get HES data?")).title == HES["question"]
    edited = await bot.say('faq edit F2 answer="Ask the DSCRO team."', as_="olive")
    assert edited.text.startswith("Updated FAQ entry F2")
    assert (await bot.say("how do I get HES data?")).text == "Ask the DSCRO team."


async def test_related_resources_come_with_the_answer(bot: TestBot) -> None:
    await add_faq(bot, **SPC)
    await add_resource(bot, title="SPC charts in R with NHSRplotthedots", type="tool",
                       url="https://github.com/nhs-r-community/NHSRplotthedots", tags="spc, r")
    await add_resource(bot, title="Forecasting A&E demand", type="recording",
                       url="https://example.org/forecasting", tags="forecasting")
    reply = await bot.say("what is an SPC chart?")
    assert reply.title == SPC["question"]
    assert [i.title for i in reply.items] == ["SPC charts in R with NHSRplotthedots"]


async def test_faq_entry_by_id(bot: TestBot) -> None:
    await add_faq(bot, **HES)
    member = await bot.say("faq F1")
    assert member.title == HES["question"]
    assert "Status" not in [f.label for f in member.fields]
    organiser = await bot.say("faq F1", as_="olive")
    assert ("Also asked as", HES["alternates"]) in [(f.label, f.value) for f in organiser.fields]
    assert "There is no FAQ entry F7" in (await bot.say("faq F7")).text


async def test_faq_add_is_for_organisers(bot: TestBot) -> None:
    reply = await bot.say(f"faq add {named(**HES)}", as_="alice")
    assert "Only organisers" in reply.text
    assert "don't have an answer" in (await bot.say("how do I get HES data?")).text


async def test_faq_add_without_fields_offers_a_form(bot: TestBot) -> None:
    reply = await bot.say("faq add", as_="olive")
    assert reply.form is not None and reply.form.action_id == "faq add"
    names = [i.name for i in reply.form.inputs]
    assert names[:2] == ["question", "answer"] and "community" in names
    community = next(i for i in reply.form.inputs if i.name == "community")
    assert ("evaluation", "Evaluation") in community.choices
    submitted = await bot.send(bot.incoming(
        as_="olive", action=Action("faq add"),
        form={"question": HES["question"], "answer": "Use DARS.", "url": "", "id": ""}))
    assert submitted.text.startswith("Added FAQ entry F1")


async def test_faq_add_reports_every_bad_field_and_adds_nothing(bot: TestBot) -> None:
    fields = named(question="Q?", url="ftp://x", community="nowhere", reviewed="yesterday")
    reply = await bot.say(f"faq add {fields}", as_="olive")
    assert set(reply.field_errors) == {"answer", "url", "reviewed"}
    assert "answer: required" in reply.text
    reply = await bot.say(f"faq add {named(question='Q?', answer='A', community='nowhere')}",
                          as_="olive")
    assert "no community called “nowhere”" in reply.field_errors["community"]
    reply = await bot.say(f"faq add {named(question='Q?', answer='A', colour='red')}",
                          as_="olive")
    assert "colour" in reply.field_errors
    await add_faq(bot, **HES, id="hes-access")
    reply = await bot.say(f"faq add {named(question='Q?', answer='A', id='hes-access')}",
                          as_="olive")
    assert "F1 already has the id" in reply.field_errors["id"]
    assert (await bot.say("faq F2", as_="olive")).text.startswith("There is no FAQ entry")
