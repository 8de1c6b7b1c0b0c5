"""What the scheduler posts: the planners that find what is due, and the composers that write
each kind of post composed one delivery at a time.

A feature that schedules its own posts adds its planner (and composer) here; reminders, the
bulk of every tick, are composed in batches by :func:`bot.scheduler.reminders.compose_reminders`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduler import digest, feedback, followups
from bot.scheduler.due import Planner, digests, event_reminders
from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.reminders import Skip
from bot.types import Reply
from storage.models.deliveries import DIGEST, Delivery
from storage.repositories.deliveries import PlannedDelivery

Composer = Callable[[AsyncSession, Delivery, SchedulePolicy, datetime], Awaitable[Reply | Skip]]

PLANNERS: tuple[Planner, ...] = (
    event_reminders,
    digests,
    followups.question_followups,
    followups.faq_reviews,
    feedback.feedback_requests,
)

COMPOSERS: Mapping[str, Composer] = {
    DIGEST: digest.compose_digest,
    "question_followup": followups.compose_followup,
    "faq_review": followups.compose_review,
    "feedback_request": feedback.compose_feedback_request,
}


async def find_due(session: AsyncSession, policy: SchedulePolicy, now: datetime,
                   since: datetime) -> list[PlannedDelivery]:
    """Every delivery due in (``since``, ``now``]."""
    planned: list[PlannedDelivery] = []
    for planner in PLANNERS:
        planned += await planner(session, policy, now, since)
    return planned
