"""Reading and showing times: stored in UTC, entered and shown in the network's zone.

People type local wall-clock times (``2026-12-03 14:00``, or ``3 Dec 2026 2pm``) or ISO 8601
with an offset; every parser here returns an aware UTC datetime and raises
:class:`TimeInputError` with a message fit to show the person who typed it.  Times that do not
exist (the hour skipped when clocks go forward) are refused; times that happen twice (the hour
repeated when clocks go back) mean the first of the two.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser
from dateutil import tz

from bot.settings import parse_duration as _parse_duration

__all__ = [
    "TimeInputError",
    "combine_local",
    "format_date",
    "format_datetime",
    "format_duration",
    "format_range",
    "format_time",
    "local_iso",
    "parse_date",
    "parse_duration",
    "parse_local_datetime",
    "parse_time",
]


class TimeInputError(ValueError):
    """A date, time or duration someone typed could not be understood."""


_ISO_DATE = re.compile(r"^\d{4}-\d")

# Two different defaults: a field that differs between the two parses was not in the text.
_DEFAULT_A = datetime(2000, 1, 1, 0, 0)
_DEFAULT_B = datetime(2001, 2, 2, 1, 1)


def parse_local_datetime(text: str, zone: ZoneInfo) -> datetime:
    """``2026-12-03 14:00`` (local time in ``zone``), ISO 8601 with an offset, or a written
    date such as ``3 Dec 2026 14:00`` (day first, as in the UK) → aware UTC datetime."""
    text = text.strip()
    if not text:
        raise TimeInputError("give a date and time, e.g. 2026-12-03 14:00")
    parsed = _parse_written(text)
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    return combine_local(parsed.date(), parsed.time(), zone)


def _parse_written(text: str) -> datetime:
    if _ISO_DATE.match(text):  # ISO-shaped: never let the lenient parser swap day and month
        try:
            parsed = dateparser.isoparse(text)
        except ValueError as exc:
            raise TimeInputError(f"“{text}” is not a date and time like 2026-12-03 14:00"
                                 ) from exc
        if len(text) <= 10:
            raise TimeInputError(f"“{text}” needs a time too, e.g. 2026-12-03 14:00")
        return parsed
    try:
        first = dateparser.parse(text, default=_DEFAULT_A, dayfirst=True)
        second = dateparser.parse(text, default=_DEFAULT_B, dayfirst=True)
    except (ValueError, OverflowError) as exc:
        raise TimeInputError(f"“{text}” is not a date and time like 2026-12-03 14:00") from exc
    if first.date() != second.date():
        raise TimeInputError(f"“{text}” needs a full date, e.g. 2026-12-03 14:00")
    if first.hour != second.hour:  # "2pm" gives no minutes: they come from _DEFAULT_A (0)
        raise TimeInputError(f"“{text}” needs a time too, e.g. 2026-12-03 14:00")
    return first


def parse_date(text: str) -> date:
    """``2026-12-03`` (or ``3 Dec 2026``) → date."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        if _ISO_DATE.match(text):
            raise TimeInputError(f"“{text}” is not a date like 2026-12-03") from exc
    try:
        first = dateparser.parse(text, default=_DEFAULT_A, dayfirst=True)
        second = dateparser.parse(text, default=_DEFAULT_B, dayfirst=True)
    except (ValueError, OverflowError) as exc:
        raise TimeInputError(f"“{text}” is not a date like 2026-12-03") from exc
    if first.date() != second.date():
        raise TimeInputError(f"“{text}” is not a full date like 2026-12-03")
    return first.date()


def parse_time(text: str) -> time:
    """``14:00``, ``14:00:00``, ``2pm`` or ``2:30pm`` → time of day (no zone)."""
    text = text.strip()
    try:
        return time.fromisoformat(text)
    except ValueError:
        pass
    try:
        first = dateparser.parse(text, default=_DEFAULT_A)
        second = dateparser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError) as exc:
        raise TimeInputError(f"“{text}” is not a time like 14:00") from exc
    if first.date() != _DEFAULT_A.date() or first.hour != second.hour:
        raise TimeInputError(f"“{text}” is not a time like 14:00")
    return first.time()


def combine_local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``zone``.

    Refuses a time skipped by a clock change; for a repeated time takes the first.
    """
    local = datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone)
    if not tz.datetime_exists(local):
        raise TimeInputError(
            f"{at:%H:%M} does not exist on {format_date(local)} in {zone.key}: the clocks go "
            "forward then. Choose a time outside the skipped hour."
        )
    return local.replace(fold=0).astimezone(UTC)


def parse_duration(text: str) -> timedelta:
    """``90m``, ``1h30m``, ``2h`` or a bare number of minutes → timedelta (positive)."""
    try:
        value = _parse_duration(text)
    except ValueError as exc:
        raise TimeInputError(f"“{text.strip()}” is not a duration like 90m or 1h30m") from exc
    if value <= timedelta(0):
        raise TimeInputError("the duration must be more than zero")
    return value


def format_date(moment: datetime, zone: ZoneInfo | None = None) -> str:
    """``Thu 3 Dec 2026`` (the local date of ``moment``)."""
    local = moment.astimezone(zone) if zone is not None else moment
    return f"{local:%a} {local.day} {local:%b %Y}"


def format_time(moment: datetime, zone: ZoneInfo) -> str:
    """``14:00`` (local)."""
    return f"{moment.astimezone(zone):%H:%M}"


def format_datetime(moment: datetime, zone: ZoneInfo) -> str:
    """``Thu 3 Dec 2026, 14:00 GMT``."""
    local = moment.astimezone(zone)
    return f"{format_date(local)}, {local:%H:%M} {local:%Z}"


def format_range(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """``Thu 3 Dec 2026, 14:00–15:30 GMT``; spans that cross midnight or a clock change name
    both ends in full."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.date() != local_end.date():
        return f"{format_datetime(start, zone)} – {format_datetime(end, zone)}"
    if local_start.tzname() != local_end.tzname():
        return (f"{format_date(local_start)}, {local_start:%H:%M} {local_start:%Z}–"
                f"{local_end:%H:%M} {local_end:%Z}")
    return f"{format_date(local_start)}, {local_start:%H:%M}–{local_end:%H:%M} {local_end:%Z}"


def format_duration(value: timedelta) -> str:
    """``1h30m``, ``90m`` style, the inverse of :func:`parse_duration`."""
    minutes = int(value.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours}h{minutes:02d}m"
    return f"{hours}h" if hours else f"{minutes}m"


def local_iso(moment: datetime, zone: ZoneInfo) -> str:
    """``2026-12-03 14:00:00+00:00``: local wall time with its offset, for files."""
    return moment.astimezone(zone).isoformat(sep=" ", timespec="seconds")
