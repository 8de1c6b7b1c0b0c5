"""When things are due, around the clock changes (pure functions, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.reminders import starts_phrase
from bot.scheduler.timing import latest_digest_time, parse_offsets, reminder_time
from bot.scheduler.wakeup import digest_trigger
from bot.settings import Settings
from tests.bot.scheduler.support import LONDON, london

POLICY = SchedulePolicy.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
DAY, HOUR = timedelta(days=1), timedelta(hours=1)


def local(moment: datetime) -> tuple[str, str]:
    shown = moment.astimezone(LONDON)
    return f"{shown:%a %d %b %H:%M}", shown.tzname() or ""


@pytest.mark.parametrize(("day", "saturday_zone", "sunday_zone"), [
    (29, "GMT", "BST"),  # clocks go forward at 01:00 on Sunday 29 March 2026
])
def test_march_change_day_reminders_keep_the_wall_clock(day: int, saturday_zone: str,
                                                         sunday_zone: str) -> None:
    start = london(2026, 3, day, 10, 0)
    assert local(reminder_time(start, DAY, LONDON)) == ("Sat 28 Mar 10:00", saturday_zone)
    assert local(reminder_time(start, HOUR, LONDON)) == ("Sun 29 Mar 09:00", sunday_zone)
    assert start - reminder_time(start, DAY, LONDON) == timedelta(hours=23)


def test_october_change_day_reminders_keep_the_wall_clock() -> None:
    start = london(2026, 10, 25, 10, 0)  # clocks go back at 02:00 BST that morning
    assert local(reminder_time(start, DAY, LONDON)) == ("Sat 24 Oct 10:00", "BST")
    assert local(reminder_time(start, HOUR, LONDON)) == ("Sun 25 Oct 09:00", "GMT")
    assert start - reminder_time(start, DAY, LONDON) == timedelta(hours=25)
    assert local(reminder_time(start, 7 * DAY, LONDON)) == ("Sun 18 Oct 10:00", "BST")


def test_offsets_that_are_not_whole_days_are_exact_durations() -> None:
    start = london(2026, 3, 29, 2, 30)  # 02:30 BST, 90 minutes after the change
    assert start - reminder_time(start, timedelta(minutes=90), LONDON) == timedelta(minutes=90)
    assert parse_offsets(["1h", "7d", "1d", "60m"]) == (7 * DAY, DAY, HOUR)


@pytest.mark.parametrize("monday", [
    (2026, 3, 23), (2026, 3, 30),  # either side of the March change
    (2026, 10, 19), (2026, 10, 26),  # either side of the October change
])
def test_the_monday_digest_is_due_at_nine_local_on_both_sides_of_each_change(
        monday: tuple[int, int, int]) -> None:
    nine = london(*monday, 9, 0)
    assert latest_digest_time(nine, "mon", time(9), LONDON) == nine
    next_monday = (nine.astimezone(LONDON) + timedelta(days=7)).date()
    just_before_next = london(next_monday.year, next_monday.month, next_monday.day, 8, 59)
    assert latest_digest_time(just_before_next, "mon", time(9), LONDON) == nine
    before = latest_digest_time(nine - timedelta(minutes=1), "mon", time(9), LONDON)
    assert local(before)[0] == f"Mon {(nine - timedelta(days=7)).astimezone(LONDON):%d %b} 09:00"


@pytest.mark.parametrize("monday", [(2026, 3, 23), (2026, 3, 30), (2026, 10, 19),
                                    (2026, 10, 26)])
def test_the_digest_cron_fires_at_nine_local_on_both_sides_of_each_change(
        monday: tuple[int, int, int]) -> None:
    trigger = digest_trigger(POLICY)
    friday_before = london(*monday, 12, 0) - timedelta(days=3)
    fire = trigger.get_next_fire_time(None, friday_before.astimezone(LONDON))
    assert fire is not None
    assert fire.astimezone(UTC) == london(*monday, 9, 0)
    assert local(fire)[0].startswith("Mon") and local(fire)[0].endswith("09:00")


@pytest.mark.parametrize(("before", "phrase"), [
    (timedelta(seconds=20), "is starting now"),
    (timedelta(minutes=40), "starts in 40 minutes"),
    (timedelta(minutes=60), "starts in 1 hour"),
    (timedelta(minutes=95), "starts in 1 hour 35 minutes"),
    (timedelta(hours=7), "starts today at 17:00"),
    (timedelta(hours=23), "starts tomorrow at 09:00"),
    (timedelta(days=7), "starts in 7 days, on Thu 10 Dec 2026 at 10:00"),
])
def test_the_wording_is_true_to_the_moment(before: timedelta, phrase: str) -> None:
    now = london(2026, 12, 3, 10, 0)
    assert starts_phrase(now + before, now, POLICY) == phrase
