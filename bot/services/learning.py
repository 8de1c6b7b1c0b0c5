"""A learning record: the seminars each person attended, with dates and hours, by calendar
year in the network's time zone (for CPD records and reporting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.timefmt import combine_local
from storage.models import Person
from storage.models.events import Event
from storage.models.seminars import Attendance
from storage.repositories.seminars import AttendanceRepository


@dataclass(frozen=True)
class LearningEntry:
    person: Person
    event: Event
    attendance: Attendance

    @property
    def hours(self) -> float:
        return (self.event.ends_at - self.event.starts_at).total_seconds() / 3600


def format_hours(hours: float) -> str:
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    return f"{text} hour" + ("" if text == "1" else "s")


def parse_year(word: str | None, today: date) -> int:
    if not word:
        return today.year
    if not word.isdigit() or not 2000 <= int(word) <= today.year + 1:
        raise UserError(f"“{word}” is not a year; e.g. my learning {today.year}.")
    return int(word)


async def learning_record(session: AsyncSession, person_id: int | None, year: int | None,
                          zone: ZoneInfo) -> list[LearningEntry]:
    """Attended seminars (one person's, or everyone's), in ``year`` if given."""
    start = end = None
    if year is not None:
        start = combine_local(date(year, 1, 1), datetime.min.time(), zone)
        end = combine_local(date(year + 1, 1, 1), datetime.min.time(), zone)
    rows = await AttendanceRepository(session).of_person(person_id, start=start, end=end)
    return [LearningEntry(person, event, attendance) for attendance, event, person in rows]
