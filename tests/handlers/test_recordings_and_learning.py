"""The end of the cycle: the recording and slides (library, event card, registrants told,
the weekly digest), the learning record, ``forget me`` removing all of it, and the digest's
most-wanted topics.  Test bot and the scheduler on the same database, both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console.render import render_text
from bot.scheduler.posts import ScheduledPosts
from bot.settings import Settings
from storage.db import Database
from tests.bot.scheduler.support import ScriptedTransport, channel, scheduler, subscribe
from tests.handlers.test_events import add_event
from tests.testbot import TestBot

STARTS = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
RECORDING = "https://video.example.nhs.uk/spc-recording"


async def test_a_recording_goes_to_the_library_the_card_and_the_registrants(
        bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    await bot.say(f"signup {event}", as_="alice")
    await bot.say(f"signup {event}", as_="bob")  # waitlisted: not told
    bot.clock.set(STARTS + timedelta(hours=3))
    refused = await bot.say(f"event recording {event} {RECORDING}", as_="alice")
    assert "Only organisers" in refused.text
    bad = await bot.say(f"event recording {event} not-a-link", as_="olive")
    assert "must be a web address" in bad.text
    added = await bot.say(f"event recording {event} {RECORDING}", as_="olive")
    assert added.text == (f"Added the recording of #{event} Intro to SPC charts in the library "
                          "as R1. 1 person was told.")
    [notice] = bot.notifications_to("alice")
    assert notice.title == f"The recording of #{event} Intro to SPC charts is available"
    assert notice.link is not None and notice.link.url == RECORDING
    assert bot.notifications_to("bob") == []
    await bot.say(f"event slides {event} https://example.nhs.uk/spc.pdf", as_="olive")
    card = render_text(await bot.say(f"event {event}", as_="carol"))
    assert f"Recording: {RECORDING} (R1)" in card
    assert "Slides: https://example.nhs.uk/spc.pdf (R2)" in card
    found = await bot.say("resources type:recording", as_="carol")
    assert [i.title for i in found.items] == ["Recording: Intro to SPC charts"]
    replaced = await bot.say(f"event recording {event} {RECORDING}-v2", as_="olive")
    assert replaced.text.startswith("Replaced the link to the recording")
    assert f"{RECORDING}-v2 (R1)" in render_text(await bot.say(f"event {event}", as_="carol"))


async def test_my_learning_lists_attended_seminars_with_hours_by_year(bot: TestBot) -> None:
    first = await add_event(bot, capacity=5)
    second = await add_event(bot, capacity=5, text=(
        'event add title="Funnel plots" start="2027-01-14 10:00" duration=60m '
        'capacity={capacity}'))
    await bot.say(f"signup {first}", as_="alice")
    nothing = await bot.say("my learning", as_="alice")
    assert "No seminars attended in 2026" in nothing.text
    bot.clock.set(STARTS)
    await bot.press("checkin", first, as_="alice")
    bot.clock.set(datetime(2027, 1, 14, 10, 30, tzinfo=UTC))
    await bot.say(f"attended {second} alice", as_="olive")
    record = await bot.say("my learning 2026", as_="alice")
    assert record.title == "Your learning in 2026"
    assert record.text == "1 seminar, 1.5 hours in total."
    assert "Thu 10 Dec 2026" in render_text(record)
    this_year = await bot.say("my learning", as_="alice")
    assert this_year.text == "1 seminar, 1 hour in total."
    assert [i.title for i in this_year.items] == [f"#{second} Funnel plots"]
    bad = await bot.say("my learning last-year", as_="alice")
    assert "is not a year" in bad.text


async def test_forget_me_removes_attendance_feedback_votes_and_authorship(
        bot: TestBot) -> None:
    event = await add_event(bot, capacity=5)
    await bot.say(f"signup {event}", as_="alice")
    await bot.say("suggest Bayesian methods", as_="alice")
    await bot.say("suggest Survival analysis", as_="bob")
    await bot.press("vote", "T2", as_="alice")
    bot.clock.set(STARTS)
    await bot.press("checkin", event, as_="alice")
    bot.clock.set(STARTS + timedelta(hours=2))
    await bot.say(f'rate {event} 5 comment="Great" sign=yes', as_="alice")
    forgotten = await bot.say("forget me confirm", as_="alice")
    # attendance, feedback, and two votes (her own suggestion carries her vote)
    assert "4 seminar records (attendance, feedback, votes)" in forgotten.text
    roster = render_text(await bot.say(f"attendees {event}", as_="olive"))
    assert "Came (0):" in roster
    summary = render_text(await bot.say(f"feedback {event}", as_="olive"))
    assert "No feedback yet" in summary and "Great" not in summary
    topics = await bot.say("topics", as_="bob")
    assert [(i.title, i.text) for i in topics.items] == [
        ("T2 Survival analysis", "1 vote (including yours)"), ("T1 Bayesian methods", "0 votes")]
    assert "No seminars attended" in (await bot.say("my learning", as_="alice")).text


async def test_the_digest_lists_new_recordings_and_most_wanted_topics(
        bot: TestBot, database: Database, settings: Settings) -> None:
    slack = ScriptedTransport("slack", bot.clock)
    general = channel("C-general")
    await subscribe(database, general, "digest")
    event = await add_event(bot, capacity=5)
    await bot.say("suggest Bayesian methods", as_="alice")
    await bot.say("suggest Survival analysis", as_="bob")
    await bot.press("vote", "T2", as_="alice")
    await bot.say("suggest Geospatial analysis", as_="carol")
    await bot.press("vote", "T3", as_="carol")  # withdrawn: no votes, not listed
    bot.clock.set(STARTS + timedelta(hours=3))
    await bot.say(f"event recording {event} {RECORDING}", as_="olive")
    posts: ScheduledPosts = scheduler(database, settings, bot.clock, slack)
    bot.clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=UTC))  # Monday 09:00 London
    await posts.tick()
    [digest] = slack.to(general)
    text = render_text(digest)
    assert "1 seminar recording added this week." in digest.text
    assert f"Recording: #{event} Intro to SPC charts" in text
    assert "The 2 seminar topics people most want (type topics to vote)." in digest.text
    titles = [i.title for i in digest.items]
    assert titles.index("T2 Survival analysis") < titles.index("T1 Bayesian methods")
    assert "T3 Geospatial analysis" not in titles


async def test_my_data_shows_seminar_records(bot: TestBot) -> None:
    event = await add_event(bot, capacity=5)
    await bot.say(f"signup {event}", as_="alice")
    await bot.say("suggest Bayesian methods", as_="alice")
    bot.clock.set(STARTS)
    await bot.press("checkin", event, as_="alice")
    data = await bot.say("my data", as_="alice")
    assert "Seminars attended: 1 (my learning lists them); feedback given: 0; topic votes: 1" \
        in data.text
