"""Entering and showing times in the network's zone, including the days the clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.timefmt import (
    TimeInputError,
    combine_local,
    format_datetime,
    format_duration,
    format_range,
    local_iso,
    parse_date,
    parse_duration,
    parse_local_datetime,
    parse_time,
)

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-03 14:00", datetime(2026, 12, 3, 14, 0, tzinfo=UTC)),  # GMT
    ("2026-07-01 14:00", datetime(2026, 7, 1, 13, 0, tzinfo=UTC)),  # BST
    ("2026-12-03T14:00", datetime(2026, 12, 3, 14, 0, tzinfo=UTC)),
    ("2026-07-01T14:00:00+02:00", datetime(2026, 7, 1, 12, 0, tzinfo=UTC)),
    ("2026-07-01T14:00Z", datetime(2026, 7, 1, 14, 0, tzinfo=UTC)),
    ("3 Dec 2026 2pm", datetime(2026, 12, 3, 14, 0, tzinfo=UTC)),
    ("03/12/2026 14:30", datetime(2026, 12, 3, 14, 30, tzinfo=UTC)),  # day first
])
def test_local_and_iso_times_become_utc(text: str, expected: datetime) -> None:
    assert parse_local_datetime(text, LONDON) == expected


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-12-03", "3 December", "2026-13-01 10:00"])
def test_unclear_times_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(TimeInputError, match="2026-12-03"):
        parse_local_datetime(text, LONDON)


def test_the_hour_skipped_in_march_does_not_exist() -> None:
    with pytest.raises(TimeInputError, match="does not exist on Sun 29 Mar 2026"):
        parse_local_datetime("2026-03-29 01:30", LONDON)
    assert parse_local_datetime("2026-03-29 02:00", LONDON) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC)


def test_the_hour_repeated_in_october_means_the_first() -> None:
    assert parse_local_datetime("2026-10-25 01:30", LONDON) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC)
    assert combine_local(date(2026, 10, 25), time(2, 0), LONDON) == datetime(
        2026, 10, 25, 2, 0, tzinfo=UTC)


def test_dates_times_and_durations() -> None:
    assert parse_date("2026-12-03") == date(2026, 12, 3)
    assert parse_date("3 Dec 2026") == date(2026, 12, 3)
    assert parse_time("14:00") == time(14, 0)
    assert parse_time("2:15pm") == time(14, 15)
    assert parse_duration("90m") == timedelta(minutes=90)
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert format_duration(timedelta(minutes=90)) == "1h30m"
    assert format_duration(timedelta(hours=2)) == "2h"
    for bad, call in (("25:00", parse_time), ("soon", parse_duration), ("0", parse_duration),
                      ("Dec", parse_date)):
        with pytest.raises(TimeInputError):
            call(bad)  # type: ignore[operator]


def test_formatting_in_the_configured_zone() -> None:
    start = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    assert format_range(start, start + timedelta(minutes=90), LONDON) == \
        "Thu 3 Dec 2026, 14:00–15:30 GMT"
    summer = datetime(2026, 7, 2, 13, 0, tzinfo=UTC)
    assert format_datetime(summer, LONDON) == "Thu 2 Jul 2026, 14:00 BST"
    assert format_range(summer, summer + timedelta(days=1), LONDON) == \
        "Thu 2 Jul 2026, 14:00 BST – Fri 3 Jul 2026, 14:00 BST"
    across = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert format_range(across, across + timedelta(hours=1), LONDON) == \
        "Sun 29 Mar 2026, 00:30 GMT–02:30 BST"
    assert local_iso(summer, LONDON) == "2026-07-02 14:00:00+01:00"
