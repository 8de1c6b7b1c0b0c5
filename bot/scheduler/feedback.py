"""Feedback cards: when a seminar ends, each person who came gets one card (1–5 and an
optional sentence), through the outbox like every scheduled post.

The card is due at the end of the seminar, or when the person's attendance was recorded if
that was later (a report imported the next morning); an attendance row is recorded once, so
the outbox key (kind, event, person, due time) is stable and the card goes out exactly once,
whatever replicas, restarts or platform outages happen.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.reminders import Skip
from bot.services.event_notices import event_label
from bot.timefmt import format_datetime, format_duration
from bot.types import Button, ChannelRef, Reply
from storage.models.deliveries import SKIPPED, Delivery
from storage.models.events import EVENT_SCHEDULED, Event
from storage.repositories.deliveries import PlannedDelivery
from storage.repositories.people import PeopleRepository
from storage.repositories.scheduled import attendances_ended
from storage.repositories.seminars import AttendanceRepository, FeedbackRepository

FEEDBACK_REQUEST = "feedback_request"
RATINGS = ((1, "1 poor"), (2, "2"), (3, "3"), (4, "4"), (5, "5 excellent"))


async def feedback_requests(session: AsyncSession, policy: SchedulePolicy, now: datetime,
                            since: datetime) -> list[PlannedDelivery]:
    rows = await attendances_ended(session, since, now)
    planned = []
    for attendance, ends_at, person in rows:
        at = max(ends_at, attendance.recorded_at)
        if not since < at <= now:
            continue
        target = ChannelRef(platform=person.platform, workspace=person.workspace,
                            user_id=person.user_id)
        subject = f"event:{attendance.event_id}"
        if now - at > policy.grace:
            reason = (f"missed: due {format_datetime(at, policy.zone)}, more than "
                      f"{format_duration(policy.grace)} before a scheduler ran")
            planned.append(PlannedDelivery(FEEDBACK_REQUEST, subject, target, at,
                                           attendance.event_id, SKIPPED, reason))
        else:
            planned.append(PlannedDelivery(FEEDBACK_REQUEST, subject, target, at,
                                           attendance.event_id))
    return planned


def feedback_card(event: Event) -> Reply:
    return Reply(
        title=f"How was {event_label(event)}?",
        text="Thanks for coming. How useful was it for your work? Press a number; you can "
             "add one sentence after.",
        buttons=tuple(Button(label, "rate", f"{event.id} {n}") for n, label in RATINGS),
    )


async def compose_feedback_request(session: AsyncSession, delivery: Delivery,
                                   policy: SchedulePolicy, now: datetime) -> Reply | Skip:
    event = await session.get(Event, delivery.event_id or 0)
    if event is None or event.status != EVENT_SCHEDULED:
        return Skip("the event was cancelled or deleted")
    person = await PeopleRepository(session).find(
        delivery.platform, delivery.workspace, delivery.user_id or "")
    if person is None:
        return Skip("the person was forgotten")
    if await AttendanceRepository(session).find(event.id, person.id) is None:
        return Skip("no longer recorded as attending")
    if await FeedbackRepository(session).find(event.id, person.id) is not None:
        return Skip("feedback already given")
    return feedback_card(event)
