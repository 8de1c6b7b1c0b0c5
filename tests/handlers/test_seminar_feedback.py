"""What they thought: rating with the card's buttons, one optional sentence through a form,
and organisers' summary without names unless people signed (test bot, both databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console.render import render_text
from bot.types import Action
from tests.handlers.test_events import add_event
from tests.testbot import TestBot

STARTS = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)


async def seminar_with_attendees(bot: TestBot, *people: str) -> str:
    event = await add_event(bot, capacity=10)
    for person in people:
        await bot.say("help", as_=person)
    bot.clock.set(STARTS + timedelta(minutes=30))
    for person in people:
        await bot.say(f"attended {event} {person}", as_="olive")
    bot.clock.set(STARTS + timedelta(hours=2))
    return event


async def test_rating_then_one_signed_or_unsigned_sentence(bot: TestBot) -> None:
    event = await seminar_with_attendees(bot, "alice", "bob", "carol")
    rated = await bot.press("rate", f"{event} 4", as_="alice")
    assert rated.text.startswith(f"Thank you — you rated #{event} Intro to SPC charts 4/5.")
    assert rated.form is not None and rated.form.action_id == "rate"
    assert [i.name for i in rated.form.inputs] == ["comment", "sign"]
    # Submitting the form: the same command, its value and the inputs as named fields.
    signed = await bot.send(bot.incoming(
        as_="alice", action=Action("rate", rated.form.value),
        form={"comment": "Clear and practical.", "sign": "yes"}))
    assert "organisers see the comment with your name" in signed.text
    await bot.say(f'rate {event} 2 comment="Too fast for beginners"', as_="bob")
    await bot.press("rate", f"{event} 5", as_="carol")
    await bot.press("rate", f"{event} 3", as_="carol")  # changed her mind: one rating each
    summary = render_text(await bot.say(f"feedback {event}", as_="olive"))
    assert "3 of 3 who came" in summary and "3.0 / 5" in summary
    assert "4: █ 1" in summary and "3: █ 1" in summary and "2: █ 1" in summary
    assert "5:  0" in summary
    assert "“Clear and practical.” (4/5, Alice)" in summary
    assert "“Too fast for beginners” (2/5)" in summary and "Bob" not in summary


async def test_feedback_is_for_people_who_came_and_ratings_are_1_to_5(bot: TestBot) -> None:
    event = await seminar_with_attendees(bot, "alice")
    stranger = await bot.press("rate", f"{event} 5", as_="zed")
    assert "for people who came" in stranger.text
    for bad in ("0", "6", "great"):
        reply = await bot.say(f"rate {event} {bad}", as_="alice")
        assert "is not a rating" in reply.text
    long = await bot.say(f'rate {event} 4 comment="{"very " * 120}good"', as_="alice")
    assert "one sentence" in long.text
    nothing = render_text(await bot.say(f"feedback {event}", as_="olive"))
    assert "No feedback yet (1 recorded as attending)" in nothing
    refused = await bot.say(f"feedback {event}", as_="alice")
    assert "Only organisers" in refused.text
    missing = await bot.say("feedback 99", as_="olive")
    assert "There is no event #99" in missing.text


async def test_answer_feedback_still_works_under_the_same_word(bot: TestBot) -> None:
    reply = await bot.say("feedback Q99 yes", as_="alice")
    assert "There is no question Q99" in reply.text
