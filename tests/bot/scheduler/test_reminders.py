"""Seminar reminders: on time in local time, to the right people, following changes, and
honest about what was missed while no scheduler ran."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest

from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import Database
from storage.models.events import CANCELLED, EVENT_CANCELLED, WAITLISTED
from tests.bot.scheduler.support import (
    LONDON,
    FakeTime,
    ScriptedTransport,
    add_event,
    channel,
    deliveries,
    dm,
    london,
    register,
    scheduler,
    subscribe,
    update_event,
)

ANALYSTS = channel("C-analysts")


def _texts(transport: ScriptedTransport) -> list[str]:
    return [p.reply.text for p in transport.posts]


@pytest.mark.parametrize(("sunday", "saturday_zone", "sunday_zone"), [
    ((2026, 3, 29), "GMT", "BST"),  # the clocks go forward at 01:00 that Sunday
    ((2026, 10, 25), "BST", "GMT"),  # the clocks go back at 02:00 that Sunday
])
async def test_reminders_around_a_clock_change_keep_local_time(
        database: Database, settings: Settings, slack: ScriptedTransport,
        sunday: tuple[int, int, int], saturday_zone: str, sunday_zone: str) -> None:
    year, month, day = sunday
    saturday = (year, month, day - 1)
    clock = FixedClock(london(*saturday, 9, 0))
    slack.clock = clock
    await subscribe(database, ANALYSTS, "reminders")
    await add_event(database, london(*sunday, 10, 0), created_at=london(*saturday, 8, 0))
    posts = scheduler(database, settings, clock, slack)

    async def tick_at(*wall_clock: int) -> list[str]:
        clock.set(london(*wall_clock))
        before = len(slack.posts)
        await posts.tick()
        return _texts(slack)[before:]

    assert await tick_at(*saturday, 9, 59) == []
    assert await tick_at(*saturday, 10, 0) == ["This seminar starts tomorrow at 10:00."]
    assert await tick_at(*sunday, 8, 59) == []
    assert await tick_at(*sunday, 9, 0) == ["This seminar starts in 1 hour."]
    assert await tick_at(*sunday, 9, 30) == []
    assert [f"{p.at.astimezone(LONDON):%a %H:%M %Z}" for p in slack.posts] == [
        f"Sat 10:00 {saturday_zone}", f"Sun 09:00 {sunday_zone}"]


async def test_a_reminder_missed_within_the_grace_period_is_sent_once_and_truthfully(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, ANALYSTS, "reminders")
    starts = clock.now() + timedelta(hours=1)  # 11:00; its 1-hour reminder was due at 10:00
    await add_event(database, starts, created_at=clock.now() - timedelta(days=3))
    clock.advance(timedelta(minutes=20))  # the scheduler was down until 10:20
    posts = scheduler(database, settings, clock, slack)
    report = await posts.tick()
    assert _texts(slack) == ["This seminar starts in 40 minutes."]
    rows = {(row.scheduled_at, row.status) for row in await deliveries(database)}
    assert rows == {(starts - timedelta(hours=1), "sent"),
                    (starts - timedelta(days=1), "skipped")}  # 23 h late: recorded, not sent
    skipped = [r for r in report.results if r.outcome == "skipped"]
    assert len(skipped) == 1 and skipped[0].detail.startswith("missed: due Wed 2 Dec 2026, 11:00")
    await posts.tick()
    await scheduler(database, settings, clock, slack).tick()  # another process starting
    assert len(slack.posts) == 1


async def test_a_reminder_missed_by_more_than_the_grace_period_is_skipped(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, ANALYSTS, "reminders")
    starts = clock.now() + timedelta(hours=3)  # 13:00; 1-day reminder was due yesterday 13:00
    await add_event(database, starts, created_at=clock.now() - timedelta(days=3))
    await scheduler(database, settings, clock, slack).tick()
    assert slack.posts == []
    [row] = await deliveries(database)
    assert row.status == "skipped" and row.scheduled_at == starts - timedelta(days=1)
    assert "more than 2h before a scheduler ran" in row.last_error


async def test_no_reminder_for_an_event_that_has_started(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, ANALYSTS, "reminders")
    await add_event(database, clock.now() - timedelta(minutes=5),
                    created_at=clock.now() - timedelta(days=3))
    await scheduler(database, settings, clock, slack).tick()
    assert slack.posts == [] and await deliveries(database) == []


async def test_a_cancelled_event_drops_its_pending_reminders(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, ANALYSTS, "reminders")
    soon = await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    later = await add_event(database, clock.now() + timedelta(days=1, hours=1),
                            created_at=clock.now())
    posts = scheduler(database, settings, clock, slack)
    await posts.plan(clock.now())  # due and recorded, not yet sent
    await update_event(database, soon, status=EVENT_CANCELLED)
    await update_event(database, later, status=EVENT_CANCELLED)
    report = await posts.tick()
    assert slack.posts == []
    assert [(r.outcome, r.detail) for r in report.results] == [
        ("skipped", "the event was cancelled")]
    clock.advance(timedelta(hours=1))  # the later event's 1-day reminder time
    await posts.tick()
    assert slack.posts == []


async def test_reminders_follow_a_moved_event(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, ANALYSTS, "reminders")
    event = await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    posts = scheduler(database, settings, clock, slack)
    await posts.plan(clock.now())
    new_start = clock.now() + timedelta(hours=2)
    await update_event(database, event, starts_at=new_start,
                       ends_at=new_start + timedelta(hours=1))
    report = await posts.tick()
    assert slack.posts == []
    assert report.results[0].detail.startswith("the event was moved")
    clock.set(new_start - timedelta(hours=1))
    await posts.tick()
    assert _texts(slack) == ["This seminar starts in 1 hour."]


async def test_personal_reminders_go_only_to_confirmed_registrants(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    starts = clock.now() + timedelta(minutes=15)
    event = await add_event(database, starts, created_at=clock.now() - timedelta(days=2),
                            capacity=2)
    await register(database, event, "U-alice")
    await register(database, event, "U-bob", status=WAITLISTED)
    await register(database, event, "U-carol", status=CANCELLED)
    await register(database, event, "U-dan-late", at=clock.now() + timedelta(seconds=1))
    clock.advance(timedelta(seconds=30))
    await scheduler(database, settings, clock, slack).tick()
    [post] = slack.posts
    assert post.target == dm("U-alice")
    assert post.reply.text == "Your seminar starts in 15 minutes."
    assert post.reply.link is not None
    assert post.reply.link.url == "https://meet.example.nhs.uk/spc"
    assert not post.reply.public


async def test_a_channel_gets_reminders_for_its_community_and_the_whole_network(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, ANALYSTS, "reminders", community="analysis")
    in_an_hour = clock.now() + timedelta(hours=1)
    await add_event(database, in_an_hour, title="Funnel plots", community="analysis",
                    created_at=clock.now())
    await add_event(database, in_an_hour, title="Logic models", community="evaluation",
                    created_at=clock.now())
    await add_event(database, in_an_hour, title="Network meeting", created_at=clock.now())
    await scheduler(database, settings, clock, slack).tick()
    titles = sorted((p.reply.title or "").split(" ", 2)[2] for p in slack.posts)
    assert titles == ["Funnel plots", "Network meeting"]


async def test_the_channel_card_shows_places_left_and_a_sign_up_button(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    await subscribe(database, ANALYSTS, "reminders")
    event = await add_event(database, clock.now() + timedelta(days=7), title="Intro to SPC",
                            community="analysis", capacity=2, created_at=clock.now())
    await register(database, event, "U-alice")
    await scheduler(database, settings, clock, slack).tick()
    [post] = slack.posts
    card = post.reply
    assert card.title == f"Reminder: #{event} Intro to SPC"
    assert card.text == "This seminar starts in 7 days, on Thu 10 Dec 2026 at 10:00."
    assert dict((f.label, f.value) for f in card.fields) == {
        "When": "Thu 10 Dec 2026, 10:00–11:00 GMT", "Where": "Online",
        "Speaker": "Dr Ada Lovelace", "Community": "Analysis", "Places": "1 of 2 places left"}
    [button] = card.buttons
    assert (button.label, button.command_text) == ("Sign up", f"signup {event}")
    assert card.public


async def test_an_unsubscribed_channel_gets_nothing_already_due(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    from storage.repositories.deliveries import SubscriptionRepository

    await subscribe(database, ANALYSTS, "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    posts = scheduler(database, settings, clock, slack)
    await posts.plan(clock.now())
    async with database.session() as session:
        await SubscriptionRepository(session).remove(ANALYSTS, None, None)
    report = await posts.tick()
    assert slack.posts == []
    assert report.results[0].detail == "the channel unsubscribed"


async def test_posts_to_one_slack_channel_are_paced_one_a_second(
        database: Database, settings: Settings, clock: FixedClock,
        slack: ScriptedTransport) -> None:
    other = channel("C-other")
    await subscribe(database, ANALYSTS, "reminders")
    await subscribe(database, other, "reminders")
    for hours in (1, 1, 1):
        await add_event(database, clock.now() + timedelta(hours=hours), created_at=clock.now())
    time = FakeTime()
    posting_times: list[tuple[str, float]] = []
    original = slack.send

    async def timed_send(target: object, reply: object) -> str | None:
        posting_times.append((getattr(target, "conversation_id", ""), time.now))
        return await original(target, reply)  # type: ignore[arg-type]

    slack.send = timed_send  # type: ignore[method-assign]
    await scheduler(database, settings, clock, slack, time=time).tick()
    assert len(slack.posts) == 6
    for conversation in ("C-analysts", "C-other"):
        times = [t for c, t in posting_times if c == conversation]
        assert len(times) == 3
        assert all(later - earlier >= 1.0 for earlier, later in pairwise(times))
