"""When scheduled posts are due: pure functions of stored UTC times and the local zone.

Offsets of whole days keep the local wall-clock time, so a 10:00 seminar on the day the clocks
change gets its one-day reminder at 10:00 on the day before (23 or 25 hours earlier); other
offsets are exact durations ("1h" is sixty minutes before, whatever the clocks do).  The
weekly digest is due at a local wall-clock time on a local weekday.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.settings import parse_duration

DAY = timedelta(days=1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_offsets(texts: Iterable[str]) -> tuple[timedelta, ...]:
    """``["7d", "1d", "1h"]`` → durations, largest first, without zero or repeats."""
    offsets = {parse_duration(text) for text in texts}
    return tuple(sorted((o for o in offsets if o > timedelta(0)), reverse=True))


def reminder_time(starts_at: datetime, offset: timedelta, zone: ZoneInfo) -> datetime:
    """The UTC instant a reminder ``offset`` before ``starts_at`` is due."""
    if offset % DAY:
        return (starts_at - offset).astimezone(UTC)
    local = starts_at.astimezone(zone)
    earlier = local.replace(tzinfo=None) - offset
    return from_wall_clock(earlier, zone)


def latest_digest_time(now: datetime, weekday: str, at: time, zone: ZoneInfo) -> datetime:
    """The most recent digest time at or before ``now``: ``at`` local on ``weekday``."""
    target = WEEKDAYS.index(weekday)
    local_today = now.astimezone(zone).date()
    back = (local_today.weekday() - target) % 7
    candidate = from_wall_clock(datetime.combine(local_today - timedelta(days=back), at), zone)
    if candidate > now:
        candidate = from_wall_clock(
            datetime.combine(local_today - timedelta(days=back + 7), at), zone)
    return candidate


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def parse_clock_time(text: str) -> time:
    """``09:00`` → time; raises ValueError naming the problem."""
    try:
        return time.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a time of day like 09:00") from exc


def from_wall_clock(naive: datetime, zone: ZoneInfo) -> datetime:
    """A local wall-clock time → UTC.  A time skipped by the clocks going forward is read
    with the offset in force before the change (so it lands just after it); a repeated time
    means the first of the two."""
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
