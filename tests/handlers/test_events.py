"""Events as members and organisers see them in chat (the in-process test bot, both
databases).  The clock reads Thu 3 Dec 2026 10:00 UTC; ``olive`` is an organiser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from adapters.console.render import render_text
from bot.types import Action, Reply
from tests.testbot import RecordingTransport, TestBot

SPC = ('event add title="Intro to SPC charts" start="2026-12-10 14:00" duration=90m '
       'capacity={capacity} community=analysis link=https://meet.example/spc '
       'speaker="Dr Ada Shewhart"')


async def add_event(bot: TestBot, capacity: int = 2, text: str = SPC) -> str:
    reply = await bot.say(text.format(capacity=capacity), as_="olive")
    assert reply.title and reply.title.startswith("Created #"), render_text(reply)
    return reply.title.split()[1].lstrip("#")


def buttons(reply: Reply) -> list[str]:
    found = [b.command_text for b in reply.buttons]
    for item in reply.items:
        found += [b.command_text for b in item.buttons]
    return found


async def test_event_add_names_the_event_and_members_see_it_listed(bot: TestBot) -> None:
    reply = await bot.say(SPC.format(capacity=30), as_="olive")
    assert reply.title == "Created #1 Intro to SPC charts"
    assert "signup 1" in reply.text
    listing = await bot.say("events", as_="alice")
    [item] = listing.items
    assert item.title == "#1 Intro to SPC charts"
    text = render_text(listing)
    assert "Thu 10 Dec 2026, 14:00–15:30 GMT" in text
    assert "30 of 30 left" in text and "Analysis" in text
    assert "signup 1" in buttons(listing)


async def test_signup_confirms_then_waitlists_and_twice_is_harmless(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    first = await bot.say(f"signup {event}", as_="alice")
    assert first.title == f"You're registered: #{event} Intro to SPC charts"
    assert first.link is not None and first.link.label == "Join"
    assert buttons(first) == [f"calendar {event}", f"cancel {event}"]
    again = await bot.say(f"signup #{event}", as_="alice")
    assert "already registered" in again.text and "#1" in again.text
    waiting = await bot.say(f"signup #{event}", as_="bob")
    assert "waitlist at position 1" in waiting.text
    assert buttons(waiting) == [f"cancel {event}"]
    listing = render_text(await bot.say("events", as_="carol"))
    assert "Full — waitlist open (1 waiting)" in listing
    assert f"[Join waitlist: signup {event}]" in listing


async def test_cancel_promotes_the_first_waitlisted_and_notifies_them(bot: TestBot) -> None:
    event = await add_event(bot, capacity=2)
    for who in ("alice", "bob", "carol", "dan"):
        await bot.say(f"signup {event}", as_=who)
    reply = await bot.say(f"cancel {event}", as_="alice")
    assert "given up your place at #1" in reply.text
    [notice] = bot.notifications_to("carol")
    assert notice.title == "You're in: #1 Intro to SPC charts"
    assert any(f.value == "https://meet.example/spc" for f in notice.fields)
    assert bot.notifications_to("dan") == []
    dan = render_text(await bot.say(f"event {event}", as_="dan"))
    assert "waitlist, position 1" in dan
    roster = render_text(await bot.say(f"attendees {event}", as_="olive"))
    confirmed, waiting = roster.split("Waitlist")
    assert "Bob" in confirmed and "Carol" in confirmed and "Alice" not in roster
    assert "1. Dan" in waiting


async def test_joining_link_only_for_confirmed_registrants_and_organisers(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    link = "https://meet.example/spc"
    assert link not in render_text(await bot.say(f"event {event}", as_="alice"))
    await bot.say(f"signup {event}", as_="alice")
    await bot.say(f"signup {event}", as_="bob")
    assert link in render_text(await bot.say(f"event {event}", as_="alice"))
    assert link not in render_text(await bot.say(f"event {event}", as_="bob"))
    assert link not in render_text(await bot.say("events", as_="alice"))
    assert link in render_text(await bot.say(f"event {event}", as_="olive"))
    assert link in render_text(await bot.say("my events", as_="alice"))
    assert link not in render_text(await bot.say("my events", as_="bob"))
    # people with a place get a Join button (an open-URL link), not an address in a list
    card = await bot.say(f"event {event}", as_="alice")
    assert card.link is not None and (card.link.label, card.link.url) == ("Join", link)
    assert (await bot.say(f"event {event}", as_="bob")).link is None
    calendar = next(b for b in card.buttons if b.action_id == "calendar")
    assert calendar.new_message  # its answer never replaces the card with Join and Cancel


async def test_buttons_follow_the_members_status(bot: TestBot) -> None:
    event = await add_event(bot, capacity=5)
    assert f"signup {event}" in buttons(await bot.say(f"event {event}", as_="alice"))
    await bot.press("signup", event, as_="alice")
    card = await bot.say(f"event {event}", as_="alice")
    assert f"cancel {event}" in buttons(card) and f"signup {event}" not in buttons(card)
    await bot.press("cancel", event, as_="alice")
    assert f"signup {event}" in buttons(await bot.say(f"event {event}", as_="alice"))


async def test_signup_closes_when_the_event_starts(bot: TestBot) -> None:
    event = await add_event(bot)
    bot.clock.set(datetime(2026, 12, 10, 14, 0, tzinfo=UTC))
    reply = await bot.say(f"signup {event}", as_="alice")
    assert "already started" in reply.text
    card = await bot.say(f"event {event}", as_="alice")
    assert f"signup {event}" not in buttons(card)
    assert "closed" in render_text(card)


async def test_my_events_lists_places_and_waitlist_positions(bot: TestBot) -> None:
    first = await add_event(bot, capacity=1)
    second = await add_event(bot, capacity=1, text=SPC.replace("2026-12-10", "2026-12-17"))
    await bot.say(f"signup {second}", as_="bob")
    await bot.say(f"signup {first}", as_="alice")
    await bot.say(f"signup {second}", as_="alice")
    mine = await bot.say("my events", as_="alice")
    assert [i.title.split()[0] for i in mine.items] == [f"#{first}", f"#{second}"]
    text = render_text(mine)
    assert "you have a place" in text and "waitlist, position 1" in text
    assert "no upcoming events" in (await bot.say("my events", as_="carol")).text


async def test_events_by_community(bot: TestBot) -> None:
    await add_event(bot)
    await add_event(bot, text=SPC.replace("community=analysis", "community=evaluation")
                    .replace("Intro to SPC charts", "Evaluating social prescribing"))
    evaluation = await bot.say("events evaluation", as_="alice")
    assert [i.title for i in evaluation.items] == ["#2 Evaluating social prescribing"]
    unknown = await bot.say("events astrology", as_="alice")
    assert "no community called “astrology”" in unknown.text and "analysis" in unknown.text


async def test_event_add_reports_every_problem_at_once_and_saves_nothing(bot: TestBot) -> None:
    reply = await bot.say('event add title="" start="2026-13-45 25:00" duration=soon '
                          "capacity=lots community=astrology link=ftp://x colour=red",
                          as_="olive")
    for field in ("title", "start", "duration", "capacity", "community", "link", "colour"):
        assert f"• {field}:" in reply.text, reply.text
    assert set(reply.field_errors) >= {"title", "start", "capacity", "community", "link"}
    missing = await bot.say("event add title=Something", as_="olive")
    assert "• start: missing" in missing.text and "• capacity: missing" in missing.text
    assert "No events" in (await bot.say("events", as_="alice")).text


async def test_event_add_refuses_the_past_and_the_skipped_hour(bot: TestBot) -> None:
    past = await bot.say(SPC.format(capacity=5).replace("2026-12-10", "2026-12-01"),
                         as_="olive")
    assert "• start: must be in the future" in past.text
    bot.clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    skipped = await bot.say(SPC.format(capacity=5).replace("2026-12-10 14:00",
                                                           "2026-03-29 01:30"), as_="olive")
    assert "does not exist" in skipped.text and "clocks go forward" in skipped.text


async def test_event_add_without_fields_offers_a_form_that_submits(bot: TestBot) -> None:
    reply = await bot.say("event add", as_="olive")
    assert reply.form is not None and reply.form.action_id == "event add"
    assert [i.name for i in reply.form.inputs] == [
        "title", "date", "time", "duration", "capacity", "community", "location", "link",
        "speaker", "description"]
    community = next(i for i in reply.form.inputs if i.name == "community")
    assert ("analysis", "Analysis") in community.choices
    form = {"title": "R for NHS analysts", "date": "2026-12-15", "time": "10:00",
            "duration": "2h", "capacity": "12", "community": "analysis", "location": "",
            "link": "", "speaker": "", "description": "Bring a laptop"}
    created = await bot.send(bot.incoming(as_="olive", action=Action("event add"), form=form))
    assert created.title == "Created #1 R for NHS analysts", render_text(created)
    assert "Tue 15 Dec 2026, 10:00–12:00 GMT" in render_text(created)
    bad = await bot.send(bot.incoming(as_="olive", action=Action("event add"),
                                      form={**form, "time": "", "capacity": "0"}))
    assert set(bad.field_errors) == {"time", "capacity"}
    assert "• Places:" in bad.text and "capacity" not in bad.text  # the labels on the form


async def test_members_cannot_use_organiser_commands(bot: TestBot) -> None:
    event = await add_event(bot)
    for command in ("event add title=x", f"event cancel {event}", f"attendees {event}",
                    f"event capacity {event} 9", f"event edit {event} title=x"):
        assert "Only organisers" in (await bot.say(command, as_="alice")).text


async def test_raising_capacity_promotes_in_order_and_tells_them(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    for who in ("alice", "bob", "carol", "dan"):
        await bot.say(f"signup {event}", as_=who)
    reply = await bot.say(f"event capacity {event} 3", as_="olive")
    assert "Bob, Carol" in reply.text
    assert len(bot.notifications_to("bob")) == 1 and len(bot.notifications_to("carol")) == 1
    assert bot.notifications_to("dan") == []
    refused = await bot.say(f"event capacity {event} 2", as_="olive")
    assert "cannot go below 3" in refused.text


async def test_cancelling_an_event_tells_every_registrant_once(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    for who in ("alice", "bob"):
        await bot.say(f"signup {event}", as_=who)
    reply = await bot.say(f"event cancel {event} confirm", as_="olive")
    assert "2 registered people were told" in reply.text
    again = await bot.say(f"event cancel {event} confirm", as_="olive")
    assert "already cancelled" in again.text
    for who in ("alice", "bob"):
        [notice] = bot.notifications_to(who)
        assert notice.title == "Cancelled: #1 Intro to SPC charts"
    assert "No events" in (await bot.say("events", as_="alice")).text
    assert "cancelled" in (await bot.say(f"signup {event}", as_="carol")).text


async def test_editing_the_time_tells_registrants(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    await bot.say(f"signup {event}", as_="alice")
    await bot.say(f"signup {event}", as_="bob")
    reply = await bot.say(f'event edit {event} time=15:00 location="Room 2"', as_="olive")
    assert "2 registered people were told" in reply.text
    [alice] = bot.notifications_to("alice")
    assert any(f.value == "Thu 10 Dec 2026, 15:00–16:30 GMT" for f in alice.fields)
    assert any(f.value == "Room 2" for f in alice.fields)
    form = await bot.say(f"event edit {event}", as_="olive")
    assert form.form is not None and form.form.value == event
    values = {i.name: i.value for i in form.form.inputs}
    assert values["time"] == "15:00" and values["duration"] == "1h30m"
    # Submitting the form unchanged changes nothing and tells nobody.
    await bot.send(bot.incoming(as_="olive", action=Action("event edit", event), form=values))
    assert len(bot.notifications_to("alice")) == 1


async def test_calendar_file_only_for_a_confirmed_place(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    assert "signup 1" in (await bot.say(f"calendar {event}", as_="alice")).text
    await bot.say(f"signup {event}", as_="alice")
    await bot.say(f"signup {event}", as_="bob")
    assert "waitlist" in (await bot.say(f"calendar {event}", as_="bob")).text
    reply = await bot.say(f"calendar {event}", as_="alice")
    assert reply.file is not None and reply.file.filename == "event-1.ics"
    [vevent] = icalendar.Calendar.from_ical(reply.file.content).events
    assert vevent.start == datetime(2026, 12, 10, 14, 0, tzinfo=vevent.start.tzinfo)
    assert str(vevent.start.tzinfo) == "Europe/London"
    assert "https://meet.example/spc" in str(vevent.get("description"))


async def test_one_capacity_whatever_the_platform(bot: TestBot) -> None:
    teams_posts = RecordingTransport("teams")
    bot.runtime.transports.register(teams_posts)
    event = await add_event(bot, capacity=1)
    slack = await bot.say(f"signup {event}", as_="U123", platform="slack", workspace="T1")
    assert "registered" in (slack.title or "")
    teams = await bot.say(f"signup {event}", as_="aad-1", platform="teams", workspace="t1")
    assert "waitlist at position 1" in teams.text
    await bot.say(f"cancel {event}", as_="U123", platform="slack", workspace="T1")
    [promoted] = teams_posts.sent
    assert promoted.target.user_id == "aad-1" and promoted.target.workspace == "t1"


@pytest.mark.parametrize("command", ["signup", "cancel", "event", "calendar"])
async def test_commands_need_an_event_number(bot: TestBot, command: str) -> None:
    reply = await bot.say(f"{command} soon", as_="alice")
    assert "Give its number" in reply.text
    missing = await bot.say(f"{command} 99", as_="alice")
    assert "no event #99" in missing.text


async def test_dst_days_are_shown_in_local_time(bot: TestBot) -> None:
    bot.clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    spring = await add_event(bot, text=SPC.replace("2026-12-10", "2026-03-29"))
    autumn = await add_event(bot, text=SPC.replace("2026-12-10 14:00", "2026-10-25 00:30")
                             .replace("90m", "2h"))
    assert "Sun 29 Mar 2026, 14:00–15:30 BST" in render_text(
        await bot.say(f"event {spring}", as_="alice"))
    # 00:30 BST to 01:30 GMT: two hours, across the change.
    assert "Sun 25 Oct 2026, 00:30 BST–01:30 GMT" in render_text(
        await bot.say(f"event {autumn}", as_="alice"))


async def test_an_event_made_in_summer_for_winter_keeps_its_local_time(bot: TestBot) -> None:
    bot.clock.set(datetime(2026, 7, 1, 9, 0, tzinfo=UTC))  # 10:00 BST
    event = await add_event(bot)  # "2026-12-10 14:00": GMT by then
    bot.clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    card = render_text(await bot.say(f"event {event}", as_="alice"))
    assert "Thu 10 Dec 2026, 14:00–15:30 GMT" in card
    await bot.say(f"signup {event}", as_="alice")
    reply = await bot.say(f"calendar {event}", as_="alice")
    assert reply.file is not None
    [vevent] = icalendar.Calendar.from_ical(reply.file.content).events
    assert vevent.start.utcoffset() == timedelta(0) and vevent.start.hour == 14
