"""Who came: check-in within its window, organisers marking people, the attendees list paged
for a big seminar (the in-process test bot, both databases).  The clock starts on Thu 3 Dec
2026 10:00 UTC; the seminar runs Thu 10 Dec 14:00–15:30 GMT; ``olive`` is an organiser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console.render import render_text
from storage.db import Database
from storage.models import Person
from storage.models.seminars import Attendance
from tests.handlers.test_events import add_event, buttons
from tests.testbot import TestBot

STARTS = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)


async def test_check_in_is_open_from_15_minutes_before_to_the_end(bot: TestBot) -> None:
    event = await add_event(bot, capacity=5)
    await bot.say(f"signup {event}", as_="alice")
    bot.clock.set(STARTS - timedelta(minutes=16))
    early = await bot.press("checkin", event, as_="alice")
    assert "opens at Thu 10 Dec 2026, 13:45" in early.text
    bot.clock.set(STARTS - timedelta(minutes=15))
    done = await bot.press("checkin", event, as_="alice")
    assert done.text == f"Checked in to #{event} Intro to SPC charts. Enjoy the seminar!"
    again = await bot.press("checkin", event, as_="alice")
    assert "already checked in" in again.text
    bot.clock.set(STARTS + timedelta(minutes=91))
    late = await bot.press("checkin", event, as_="bob")
    assert "check-in is closed" in late.text
    roster = render_text(await bot.say(f"attendees {event}", as_="olive"))
    came = roster.split("Confirmed")[0]
    assert "Came (1):" in came and "Alice (console) — check-in" in came


async def test_check_in_is_for_people_with_a_place(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    await bot.say(f"signup {event}", as_="alice")
    await bot.say(f"signup {event}", as_="bob")  # waitlisted
    bot.clock.set(STARTS)
    refused = await bot.press("checkin", event, as_="bob")
    assert "Check-in is for people with a place" in refused.text
    nothing = render_text(await bot.say(f"attendees {event}", as_="olive"))
    assert "Came (0):" in nothing


async def test_organisers_mark_attendance_by_name_email_or_user_id(bot: TestBot) -> None:
    event = await add_event(bot, capacity=5)
    await bot.say("help", as_="alice")
    await bot.say("help", as_="bob")
    too_soon = await bot.say(f"attended {event} Alice", as_="olive")
    assert "has not started yet" in too_soon.text
    bot.clock.set(STARTS + timedelta(minutes=30))
    marked = await bot.say(f"attended {event} Alice", as_="olive")
    assert marked.text == f"Recorded: Alice attended #{event} Intro to SPC charts."
    by_id = await bot.say(f"attended {event} bob", as_="olive")
    assert "Recorded: Bob attended" in by_id.text
    twice = await bot.say(f"attended #{event} alice", as_="olive")
    assert "already recorded" in twice.text
    unknown = await bot.say(f"attended {event} Zed Nobody", as_="olive")
    assert "I don't know anyone called “Zed Nobody”" in unknown.text
    refused = await bot.say(f"attended {event} Alice", as_="bob")
    assert "Only organisers" in refused.text
    usage = await bot.say(f"attended {event}", as_="olive")
    assert "Give the event and the person" in usage.text
    roster = render_text(await bot.say(f"attendees {event}", as_="olive"))
    assert "Came (2):" in roster and "Alice (console) — organiser" in roster


async def test_two_people_with_one_name_are_never_guessed(bot: TestBot) -> None:
    event = await add_event(bot, capacity=5)
    await bot.send(bot.incoming("help", as_="u1", platform="slack", workspace="T1"))
    await bot.say("help", as_="u1")  # "U1" on the console too
    bot.clock.set(STARTS)
    ambiguous = await bot.say(f"attended {event} U1", as_="olive")
    assert "More than one person" in ambiguous.text
    assert "slack, user id u1" in ambiguous.text and "console, user id u1" in ambiguous.text
    roster = render_text(await bot.say(f"attendees {event}", as_="olive"))
    assert "Came (0):" in roster


async def test_attendees_of_a_500_person_seminar_are_paged(bot: TestBot,
                                                           database: Database) -> None:
    event = int(await add_event(bot, capacity=5))
    async with database.session() as session:
        people = [Person(platform="slack", workspace="T1", user_id=f"U{n:03}",
                         display_name=f"Analyst {n:03}", created_at=STARTS,
                         last_seen_at=STARTS) for n in range(500)]
        session.add_all(people)
        await session.flush()
        session.add_all(Attendance(event_id=event, person_id=p.id, source="report",
                                   recorded_at=STARTS + timedelta(seconds=n))
                        for n, p in enumerate(people))
    first = await bot.say(f"attendees {event}", as_="olive")
    text = render_text(first)
    assert "Came (500):" in text and "1. Analyst 000" in text and "25. Analyst 024" in text
    assert "26. Analyst 025" not in text and "…and 475 more" in text
    assert buttons(first) == [f"attendees {event} page=2"]
    second = await bot.press("attendees", f"{event} page=2", as_="olive")
    assert "26. Analyst 025" in render_text(second) and "…and 450 more" in render_text(second)
    last = await bot.say(f"attendees {event} page=20", as_="olive")
    assert "500. Analyst 499" in render_text(last) and "more" not in render_text(last)
    assert buttons(last) == []
    bad = await bot.say(f"attendees {event} page=x", as_="olive")
    assert "page= takes a page number" in bad.text
