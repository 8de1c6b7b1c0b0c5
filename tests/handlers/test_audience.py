"""Who may see each answer: handlers mark what holds someone's own or restricted data as
personal, and what others read in a channel or group chat carries nobody's own state."""

from __future__ import annotations

from dataclasses import replace

from bot.types import Reply, Surface
from tests.handlers.test_events import add_event, buttons
from tests.testbot import TestBot

LINK = "https://meet.example/spc"


async def in_channel(bot: TestBot, text: str, as_: str = "alice") -> Reply:
    """``text`` said with an @mention in a channel, where everyone reads the thread."""
    incoming = replace(bot.incoming(text, as_=as_, surface=Surface.MENTION), shared=True)
    return await bot.send(incoming)


def labels(reply: Reply) -> list[str]:
    return [f.label for f in reply.fields] + [f.label for i in reply.items for f in i.fields]


async def test_answers_about_oneself_are_personal(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    signed_up = await in_channel(bot, f"signup {event}")
    assert signed_up.personal and signed_up.link is not None and signed_up.link.url == LINK
    waiting = await in_channel(bot, f"signup {event}", as_="bob")
    assert waiting.personal and "position 1" in waiting.text
    for text in ("my events", f"calendar {event}", "my data", "forget me", f"event {event}"):
        assert (await in_channel(bot, text)).personal, text
    for text in (f"attendees {event}", "organisers", "faq review"):
        assert (await in_channel(bot, text, as_="olive")).personal, text


async def test_a_channel_sees_no_ones_own_place(bot: TestBot) -> None:
    event = await add_event(bot)
    await bot.say(f"signup {event}", as_="alice")

    listing = await in_channel(bot, "events")
    assert not listing.personal
    assert "You" not in labels(listing)
    assert buttons(listing) == [f"signup {event}"]

    # Someone with no place gets the card everyone may see, in the thread.
    card = await in_channel(bot, f"event {event}", as_="carol")
    assert not card.personal and "You" not in labels(card) and LINK not in str(card)

    # In her DM the list is hers: her place is on its line, Details leads to Cancel.
    mine = await bot.say("events", as_="alice")
    assert "you have a place" in mine.items[0].text and buttons(mine) == [f"event {event}"]
