"""Calendar files and the subscribable feeds, read back with the ``icalendar`` library as a
calendar client would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import icalendar
import pytest
from aiohttp import web

from bot.app.server import create_app
from tests.testbot import TestBot

SPC = ('event add title="Intro to SPC charts" start="{start}" duration=90m capacity=2 '
       'community={community} link=https://meet.example/spc speaker="Dr Ada Shewhart"')


async def add(bot: TestBot, start: str = "2026-12-10 14:00", community: str = "analysis",
              ) -> str:
    reply = await bot.say(SPC.format(start=start, community=community), as_="olive")
    assert reply.title is not None and reply.title.startswith("Created #")
    return reply.title.split()[1].lstrip("#")


async def download(bot: TestBot, event: str, who: str = "alice") -> icalendar.Calendar:
    reply = await bot.say(f"calendar {event}", as_=who)
    assert reply.file is not None, reply.text
    assert reply.file.content_type.startswith("text/calendar")
    return icalendar.Calendar.from_ical(reply.file.content)


async def test_the_file_has_zone_alarm_and_a_stable_uid(bot: TestBot) -> None:
    event = await add(bot)
    await bot.say(f"signup {event}", as_="alice")
    calendar = await download(bot, event)
    [vevent] = calendar.events
    assert vevent.uid == "event-1@midlands-decision-support-network.copbot"
    assert vevent.start.isoformat() == "2026-12-10T14:00:00+00:00"
    assert str(vevent.start.tzinfo) == "Europe/London"
    assert vevent.end - vevent.start == timedelta(minutes=90)
    [zone] = calendar.timezones
    assert zone.tz_name == "Europe/London"
    [alarm] = vevent.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    [when] = vevent.alarms.times
    assert when.trigger == vevent.start - timedelta(minutes=15)
    assert vevent.get("location") == "Online"
    assert vevent.sequence == 0


async def test_a_change_re_downloads_as_an_update_of_the_same_entry(bot: TestBot) -> None:
    event = await add(bot)
    await bot.say(f"signup {event}", as_="alice")
    before = (await download(bot, event)).events[0]
    await bot.say(f"event edit {event} time=15:00", as_="olive")
    after = (await download(bot, event)).events[0]
    assert after.uid == before.uid
    assert after.sequence > before.sequence
    assert after.start.hour == 15


async def test_summer_event_in_the_file_is_in_bst(bot: TestBot) -> None:
    bot.clock.set(datetime(2026, 5, 1, tzinfo=UTC))
    event = await add(bot, start="2026-07-02 09:30")
    await bot.say(f"signup {event}", as_="alice")
    [vevent] = (await download(bot, event)).events
    assert (vevent.start.hour, vevent.start.minute) == (9, 30)
    assert vevent.start.utcoffset() == timedelta(hours=1)
    assert vevent.start.astimezone(UTC).hour == 8


@pytest.fixture
async def feeds(bot: TestBot) -> AsyncIterator[str]:
    app = await create_app(bot.runtime)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def fetch(url: str) -> tuple[int, str, bytes]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.read()


async def test_feeds_list_upcoming_events_without_joining_links(bot: TestBot,
                                                                feeds: str) -> None:
    spc = await add(bot)
    await add(bot, start="2026-12-11 10:00", community="evaluation")
    await add(bot, start="2026-12-04 10:00")  # past by the time the feed is read
    bot.clock.set(datetime(2026, 12, 5, tzinfo=UTC))
    cancelled = await add(bot, start="2026-12-12 10:00")
    await bot.say(f"event cancel {cancelled} confirm", as_="olive")
    await add(bot, start="2027-06-01 10:00")  # far beyond the chat's 60-day window
    bot.clock.set(datetime(2027, 1, 4, tzinfo=UTC))  # 4 Dec is now 31 days ago
    status, content_type, body = await fetch(f"{feeds}/calendar.ics")
    assert status == 200 and content_type.startswith("text/calendar")
    assert b"meet.example" not in body
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body and b"X-PUBLISHED-TTL:PT1H" in body
    calendar = icalendar.Calendar.from_ical(body)
    by_uid = {str(e.uid).split("@")[0]: e for e in calendar.events}
    # the last 30 days and everything after, the cancelled one shown as cancelled
    assert sorted(by_uid) == ["event-1", "event-2", f"event-{cancelled}", "event-5"]
    gone = by_uid[f"event-{cancelled}"]
    assert gone["STATUS"] == "CANCELLED" and int(gone["SEQUENCE"]) == 1
    assert by_uid["event-1"]["STATUS"] == "CONFIRMED" and int(by_uid["event-1"]["SEQUENCE"]) == 0
    status, _, body = await fetch(f"{feeds}/calendar/analysis.ics")
    assert status == 200
    analysis = sorted(str(e.uid).split("@")[0] for e in icalendar.Calendar.from_ical(body).events)
    assert analysis == [f"event-{spc}", f"event-{cancelled}", "event-5"]  # not evaluation's
    status, _, _ = await fetch(f"{feeds}/calendar/astrology.ics")
    assert status == 404


async def test_a_calendar_name_with_a_comma_is_escaped(bot: TestBot, feeds: str) -> None:
    bot.runtime.settings.network_name = "Analysts, Modellers; and Friends"
    status, _, body = await fetch(f"{feeds}/calendar.ics")
    assert status == 200  # TEXT values: "," and ";" escaped (RFC 5545 3.3.11)
    assert b"X-WR-CALNAME:Analysts\\, Modellers\\; and Friends" in body
    assert b"\r\nNAME:Analysts\\, Modellers\\; and Friends" in body


async def test_a_personal_link_carries_my_events_and_joining_links_with_a_place(
        bot: TestBot, feeds: str) -> None:
    bot.runtime.settings.public_url = "https://copbot.example.org/"
    spc = await add(bot)
    other = await add(bot, start="2026-12-11 10:00", community="evaluation")
    await bot.say(f"signup {spc}", as_="alice")
    await bot.say(f"signup {other}", as_="alice")
    await bot.say(f"signup {other}", as_="bob")
    await bot.say(f"signup {other}", as_="carol")  # capacity 2: carol waits
    reply = await bot.say(f"calendar {spc}", as_="alice")
    assert reply.link is not None and reply.link.label == "Add to calendar"
    prefix = "https://copbot.example.org/calendar/personal/"
    assert reply.link.url.startswith(prefix) and reply.link.url.endswith(".ics")
    assert "https://copbot.example.org/calendar.ics" in reply.text
    token = reply.link.url[len(prefix):-len(".ics")]
    assert len(token) >= 40  # unguessable
    again = await bot.say(f"calendar {other}", as_="alice")
    assert again.link == reply.link  # one link per person, holding all their events

    status, content_type, body = await fetch(f"{feeds}/calendar/personal/{token}.ics")
    assert status == 200 and content_type.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(body)
    assert sorted(str(e.uid).split("@")[0] for e in calendar.events) == [
        f"event-{spc}", f"event-{other}"]
    assert b"meet.example/spc" in body  # alice holds places: her joining links

    await bot.say(f"signup {spc}", as_="carol")
    mine = (await bot.say(f"calendar {spc}", as_="carol")).link
    assert mine is not None and mine != reply.link
    status, _, body = await fetch(mine.url.replace("https://copbot.example.org", feeds))
    events = {str(e.uid).split("@")[0]: e for e in icalendar.Calendar.from_ical(body).events}
    assert set(events) == {f"event-{spc}", f"event-{other}"}
    assert "meet.example" not in str(events[f"event-{other}"].get("URL", ""))  # waiting
    status, _, _ = await fetch(f"{feeds}/calendar/personal/{'x' * 43}.ics")
    assert status == 404


async def test_a_cancelled_event_stays_in_my_calendar_marked_cancelled(
        bot: TestBot, feeds: str) -> None:
    bot.runtime.settings.public_url = "https://copbot.example.org"
    spc = await add(bot)
    kept = await add(bot, start="2026-12-11 10:00")
    for event in (spc, kept):
        await bot.say(f"signup {event}", as_="alice")
    link = (await bot.say(f"calendar {spc}", as_="alice")).link
    assert link is not None
    local = link.url.replace("https://copbot.example.org", feeds)
    before = {str(e.uid).split("@")[0]: e for e in
              icalendar.Calendar.from_ical((await fetch(local))[2]).events}
    assert before[f"event-{spc}"].get("STATUS") == "CONFIRMED"

    await bot.say(f"event cancel {spc} confirm", as_="olive")
    status, _, body = await fetch(local)
    after = {str(e.uid).split("@")[0]: e for e in icalendar.Calendar.from_ical(body).events}
    assert status == 200 and set(after) == {f"event-{spc}", f"event-{kept}"}
    gone = after[f"event-{spc}"]
    assert gone.get("STATUS") == "CANCELLED"
    assert gone.sequence > before[f"event-{spc}"].sequence  # calendars take it as an update
    assert "URL" not in gone and "meet.example" not in str(gone.get("DESCRIPTION"))
    assert "was cancelled" in str(gone.get("DESCRIPTION"))
    assert after[f"event-{kept}"].get("STATUS") == "CONFIRMED"

    await bot.say(f"cancel {kept}", as_="alice")  # giving up a place takes it off
    status, _, body = await fetch(local)
    assert {str(e.uid).split("@")[0] for e in icalendar.Calendar.from_ical(body).events} == {
        f"event-{spc}"}


async def test_forgetting_a_person_ends_their_calendar_link(bot: TestBot, feeds: str) -> None:
    bot.runtime.settings.public_url = "https://copbot.example.org"
    spc = await add(bot)
    await bot.say(f"signup {spc}", as_="alice")
    link = (await bot.say(f"calendar {spc}", as_="alice")).link
    assert link is not None
    local = link.url.replace("https://copbot.example.org", feeds)
    assert (await fetch(local))[0] == 200
    await bot.say("forget me confirm", as_="alice")
    assert (await fetch(local))[0] == 404
