"""Demo seminars for ``copbot chat --demo``: a term of events an NHS analyst network might
run, placed in the weeks after ``now`` at local times in the network's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities import resolve_community
from bot.services.event_fields import EventDraft
from bot.services.events import EventService
from bot.settings import NetworkSettings
from bot.timefmt import combine_local
from bot.types import Person as PersonRef
from storage.repositories.events import EventRepository
from storage.repositories.people import PeopleRepository


@dataclass(frozen=True)
class _Seminar:
    days_ahead: int
    at: time
    minutes: int
    title: str
    community: str
    capacity: int
    speaker: str
    description: str
    location: str = ""
    link: str = "https://meet.example.nhs.uk/"


SEMINARS = (
    _Seminar(6, time(12, 30), 60, "Making SPC charts that managers read", "analysis", 60,
             "Analytics lead, acute trust",
             "Statistical process control for board reports: choosing the chart, setting "
             "baselines after a change, and the rules that tell signal from noise. Bring a "
             "measure you report every month."),
    _Seminar(9, time(10, 0), 120, "R for NHS analysts: from spreadsheet to reproducible "
             "report", "analysis", 3, "Senior analyst, ICB",
             "A hands-on session in small groups: read a SUS extract, tidy it, and knit a "
             "Quarto report you can rerun next month. Laptops with R and RStudio needed.",
             location="Room 2.14, Learning Centre"),
    _Seminar(13, time(14, 0), 90, "Evaluating social prescribing: what counts as evidence?",
             "evaluation", 80, "Public health evaluation team",
             "Study designs that fit real services, matched comparison groups from primary "
             "care data, and how to report uncertainty to commissioners."),
    _Seminar(20, time(13, 0), 60, "Population health management: segmenting a system's "
             "population", "analysis", 100, "PHM programme analyst",
             "Linking primary, acute and community data to segment a population by need, and "
             "keeping the segmentation honest when coding practices differ."),
    _Seminar(27, time(11, 0), 90, "SQL for SUS and HES: episodes, spells and pitfalls",
             "analysis", 40, "Data engineer, commissioning support unit",
             "Building spells from episodes, handling transfers and readmissions, and the "
             "HES/SUS differences that change your counts."),
    _Seminar(34, time(12, 0), 60, "Journal club: waiting-list modelling", "evidence", 30,
             "Network members",
             "We read and discuss a recent paper on queueing models for elective waiting "
             "lists. Reading sent a week before."),
)

CLOSED_DAYS = {(12, 24), (12, 25), (12, 26), (12, 31), (1, 1)}


def _working_day(day: date) -> date:
    """``day``, or the next weekday that is not a Christmas or New Year holiday."""
    while day.weekday() >= 5 or (day.month, day.day) in CLOSED_DAYS:
        day += timedelta(days=1)
    return day


DEMO_MEMBERS = (("priya", "Priya Shah"), ("tom", "Tom Okafor"), ("jen", "Jen Walsh"),
                ("sam", "Sam Iqbal"))


async def seed_events(session: AsyncSession, settings: NetworkSettings,
                      now: datetime) -> str | None:
    """Add the demo seminars (and a full one with a waitlist) to an empty events table."""
    if await EventRepository(session).count():
        return None
    service = EventService(session, settings)
    zone = settings.zone
    today = now.astimezone(zone).date()
    events = []
    for seminar in SEMINARS:
        community = await resolve_community(session, seminar.community)
        starts_at = combine_local(_working_day(today + timedelta(days=seminar.days_ahead)),
                                  seminar.at, zone)
        draft = EventDraft(
            title=seminar.title, starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=seminar.minutes), capacity=seminar.capacity,
            timezone=zone.key, community_id=community.id if community else None,
            location=seminar.location, join_link=seminar.link if not seminar.location else "",
            speaker=seminar.speaker, description=seminar.description,
        )
        events.append(await service.create(draft, created_by=None, now=now))
    full = min(events, key=lambda e: e.capacity)  # show a waitlist in the demo
    people = PeopleRepository(session)
    for user_id, name in DEMO_MEMBERS:
        person = await people.touch(PersonRef("console", "", user_id, name), now)
        await service.signup(full.id, person.id, now=now)
    return f"{len(events)} upcoming events (#{full.id} is full, with a waitlist)"
