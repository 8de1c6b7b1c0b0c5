"""Who came to a seminar: checking in, organisers marking people, and attendance reports.

An attendance is one row per (event, person), recorded once with how it was recorded; a
second check-in, mark or import of the same person changes nothing.  Reports are matched by
email where copbot knows the person's email, then by exact display name; a row that matches
nobody, or more than one person, is listed back and never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotFound, UserError
from bot.services.attendance_report import Participant
from bot.services.event_notices import event_label
from bot.services.events import EventService
from bot.settings import NetworkSettings
from bot.timefmt import format_datetime
from storage.models import Person
from storage.models.events import CONFIRMED, EVENT_CANCELLED, Event
from storage.models.seminars import BY_ORGANISER, CHECK_IN, FROM_REPORT, Attendance
from storage.repositories.events import RegistrationRepository
from storage.repositories.seminars import AttendanceRepository, PeopleDirectory

# Check-in opens this long before the start (the personal reminder's last offset) and closes
# when the seminar ends.
CHECK_IN_OPENS = timedelta(minutes=15)


@dataclass(frozen=True)
class Unmatched:
    participant: Participant
    reason: str


@dataclass
class ReportResult:
    event: Event
    recorded: list[Person] = field(default_factory=list)
    already: list[Person] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)


class AttendanceService:
    def __init__(self, session: AsyncSession, settings: NetworkSettings) -> None:
        self.session = session
        self.settings = settings
        self.attendance = AttendanceRepository(session)
        self.events = EventService(session, settings)

    async def event(self, event_id: int) -> Event:
        event = await self.events.get(event_id)
        if event.status == EVENT_CANCELLED:
            raise UserError(f"{event_label(event)} was cancelled, so nobody attended it.")
        return event

    async def check_in(self, event_id: int, person_id: int, now: datetime) -> tuple[Event, bool]:
        """Record a registrant's own check-in; (event, False) when already recorded."""
        event = await self.event(event_id)
        zone = self.settings.zone
        opens = event.starts_at - CHECK_IN_OPENS
        if now < opens:
            raise UserError(f"Check-in for {event_label(event)} opens at "
                            f"{format_datetime(opens, zone)}, 15 minutes before it starts.")
        if now > event.ends_at:
            raise UserError(f"{event_label(event)} ended at {format_datetime(event.ends_at, zone)}"
                            "; check-in is closed. If you were there, ask an organiser to mark "
                            "you as attended.")
        registration = await RegistrationRepository(self.session).find(event_id, person_id)
        if registration is None or registration.status != CONFIRMED:
            raise UserError(f"Check-in is for people with a place at {event_label(event)}. If "
                            "you are there anyway, ask an organiser to mark you as attended.")
        new = await self.attendance.record(event_id, [person_id], CHECK_IN, now)
        return event, bool(new)

    async def mark(self, event_id: int, who: str, now: datetime) -> tuple[Event, Person, bool]:
        """An organiser records that ``who`` (a user id, email or display name) came."""
        event = await self.event(event_id)
        if now < event.starts_at - CHECK_IN_OPENS:
            raise UserError(f"{event_label(event)} has not started yet; mark attendance from "
                            "15 minutes before it starts.")
        person = await self.find_person(who)
        new = await self.attendance.record(event_id, [person.id], BY_ORGANISER, now)
        return event, person, bool(new)

    async def find_person(self, who: str) -> Person:
        who = " ".join(who.split()).lstrip("@")
        if not who:
            raise UserError("Who? Give their name, email or user id.")
        directory = PeopleDirectory(self.session)
        candidates = await directory.by_user_id(who)
        if not candidates and "@" in who:
            candidates = (await directory.by_emails([who])).get(who.lower(), [])
        if not candidates:
            candidates = (await directory.by_names([who])).get(who.lower(), [])
        if not candidates:
            raise NotFound(f"I don't know anyone called “{who}”. People are known once they "
                           "have talked to copbot; check the spelling or use their user id.")
        if len(candidates) > 1:
            options = "; ".join(f"{p.display_name or p.user_id} ({p.platform}, user id "
                                f"{p.user_id})" for p in candidates[:5])
            raise UserError(f"More than one person is called “{who}”: {options}. Give the "
                            "user id instead.")
        return candidates[0]

    async def import_report(self, event_id: int, participants: list[Participant],
                            now: datetime) -> ReportResult:
        event = await self.event(event_id)
        result = ReportResult(event)
        directory = PeopleDirectory(self.session)
        by_email = await directory.by_emails(p.email for p in participants)
        by_name = await directory.by_names(p.name for p in participants)
        already = await self.attendance.person_ids(event_id)
        chosen: dict[int, Person] = {}
        for participant in participants:
            matches = by_email.get(participant.email.lower(), []) if participant.email else []
            if not matches:
                matches = by_name.get(participant.name.lower(), [])
            if len(matches) == 1:
                chosen.setdefault(matches[0].id, matches[0])
            elif matches:
                result.unmatched.append(Unmatched(
                    participant, f"{len(matches)} people have this name and none this email"))
            else:
                result.unmatched.append(Unmatched(participant, "nobody with this email or name"))
        await self.attendance.record(event_id, [pid for pid in chosen if pid not in already],
                                     FROM_REPORT, now)
        for pid, person in chosen.items():
            (result.already if pid in already else result.recorded).append(person)
        return result

    async def attended(self, event_id: int) -> list[tuple[Attendance, Person]]:
        return await self.attendance.of_event(event_id)
