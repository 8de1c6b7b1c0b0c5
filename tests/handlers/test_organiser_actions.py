"""Organisers' actions with guard rails: removing a registration, cancelling only after
confirming, and names (never internal keys) wherever people are shown."""

from __future__ import annotations

from tests.handlers.test_events import add_event
from tests.testbot import TestBot


async def test_removing_a_confirmed_attendee_moves_the_waitlist_up_and_tells_both(
        bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    for who in ("alice", "bob", "carol"):
        await bot.say(f"signup {event}", as_=who)
    reply = await bot.say(f"attendees remove {event} Alice", as_="olive")
    assert reply.text == (f"Removed Alice's place at #{event} Intro to SPC charts; they were "
                          "told. Moved up from the waitlist and told: Bob.")
    [removed] = bot.notifications_to("alice")
    assert removed.title == f"Your place was removed: #{event} Intro to SPC charts"
    [promoted] = bot.notifications_to("bob")
    assert promoted.title == f"You're in: #{event} Intro to SPC charts"
    assert bot.notifications_to("carol") == []
    roster = await bot.text(f"attendees {event}", as_="olive")
    assert "1. Bob" in roster and "Alice" not in roster and "1. Carol" in roster
    assert "You have a place" not in await bot.text("my events", as_="alice")


async def test_removing_from_the_waitlist_promotes_nobody(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    for who in ("alice", "bob"):
        await bot.say(f"signup {event}", as_=who)
    reply = await bot.say(f"attendees remove {event} console::bob", as_="olive")
    assert "Removed Bob's waitlist place" in reply.text and "Moved up" not in reply.text
    [removed] = bot.notifications_to("bob")
    assert "place on the waitlist was removed" in removed.title
    assert bot.notifications_to("alice") == []


async def test_removing_someone_not_registered_changes_nothing(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    await bot.say(f"signup {event}", as_="alice")
    nobody = await bot.say(f"attendees remove {event} Zed", as_="olive")
    assert f"Nobody called “Zed” is registered for #{event}" in nobody.text
    bare = await bot.say(f"attendees remove {event}", as_="olive")
    assert "Whom?" in bare.text
    refused = await bot.say(f"attendees remove {event} Alice", as_="alice")
    assert "Only organisers" in refused.text
    assert "1. Alice" in await bot.text(f"attendees {event}", as_="olive")
    assert bot.transport.sent == []


async def test_event_cancel_asks_first(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    for who in ("alice", "bob"):
        await bot.say(f"signup {event}", as_=who)
    ask = await bot.say(f"event cancel {event}", as_="olive")
    assert "tells the 2 registered people" in ask.text and "cannot be undone" in ask.text
    [button] = ask.buttons
    assert button.command_text == f"event cancel {event} confirm"
    assert bot.transport.sent == []
    assert f"#{event} Intro to SPC charts" in await bot.text("events", as_="carol")
    done = await bot.press("event cancel", f"{event} confirm", as_="olive")
    assert "2 registered people were told" in done.text
    again = await bot.say(f"event cancel {event}", as_="olive")
    assert "already cancelled" in again.text


async def test_organisers_are_listed_by_name(bot: TestBot) -> None:
    await bot.say("help", as_="olive")
    text = await bot.text("organisers", as_="olive")
    assert "Olive (console::olive, from settings)" in text


async def test_members_see_an_owners_name_not_their_key(bot: TestBot) -> None:
    await bot.say("help", as_="priya")
    await bot.say('faq add question="How do I get HES access?" answer="Ask the IG team." '
                  'owner="console::priya"', as_="olive")
    await bot.say('faq add question="Where are the SPC templates?" answer="On the wiki." '
                  'owner="console::nobody-yet"', as_="olive")
    shown = await bot.text("faq F1", as_="alice")
    assert "Owner: Priya" in shown and "console::" not in shown
    answered = await bot.text("How do I get HES access?", as_="alice")
    assert "Ask the IG team." in answered and "console::" not in answered
    unknown = await bot.text("faq F2", as_="alice")
    assert "console::" not in unknown and "Owner" not in unknown
