"""The network's follow-ups: questions still unanswered after some working days are raised
once more in their channels, and FAQ entries not reviewed for a long time are listed monthly
to their owners.

Both are planned like reminders — due times computed from our own tables, one outbox row per
(kind, subject, target, time) — so they go out once, whatever replicas or restarts happen.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.reminders import Skip
from bot.scheduler.timing import from_wall_clock
from bot.services.network import SUBJECT_PREFIX
from bot.types import Button, ChannelRef, Field, Item, Reply
from storage.models.deliveries import QUESTIONS, Delivery
from storage.models.knowledge import FaqEntry, QuestionLog
from storage.models.network import OPEN
from storage.repositories.deliveries import PlannedDelivery, SubscriptionRepository, covers
from storage.repositories.network import EscalationRepository
from storage.repositories.scheduled import faq_entries_unreviewed_since

QUESTION_FOLLOWUP = "question_followup"
FAQ_REVIEW = "faq_review"
MAX_LISTED = 20


def add_working_days(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """``days`` working days (Monday–Friday, local) after ``moment``, same local time."""
    local = moment.astimezone(zone).replace(tzinfo=None)
    remaining = days
    while remaining > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            remaining -= 1
    return from_wall_clock(local, zone)


def monthly_review_time(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The most recent first-of-the-month at ``at`` local, at or before ``now``."""
    first = now.astimezone(zone).date().replace(day=1)
    moment = from_wall_clock(datetime.combine(first, at), zone)
    if moment > now:
        moment = from_wall_clock(datetime.combine(first - relativedelta(months=1), at), zone)
    return moment


def person_target(key: str) -> ChannelRef | None:
    """``platform:workspace:user`` → a DM target, or None when ``key`` is not one."""
    parts = key.strip().split(":", 2)
    if len(parts) != 3 or not parts[0] or not parts[2]:
        return None
    return ChannelRef(platform=parts[0], workspace=parts[1], user_id=parts[2])


# ---------------------------------------------------------------------- planning
async def question_followups(session: AsyncSession, policy: SchedulePolicy, now: datetime,
                             since: datetime) -> list[PlannedDelivery]:
    """An open escalation is raised again once, ``followup_working_days`` after it went out."""
    earliest = since - timedelta(days=policy.followup_working_days * 2 + 7)
    rows = await EscalationRepository(session).open_since(earliest)
    planned = []
    subscriptions = SubscriptionRepository(session)
    for escalation, slug in rows:
        at = add_working_days(escalation.escalated_at, policy.followup_working_days,
                              policy.zone)
        if not since < at <= now:
            continue
        for channel in await subscriptions.channels_for(QUESTIONS, slug):
            planned.append(PlannedDelivery(QUESTION_FOLLOWUP,
                                           f"{SUBJECT_PREFIX}{escalation.question_id}",
                                           channel, at))
    return planned


async def faq_reviews(session: AsyncSession, policy: SchedulePolicy, now: datetime,
                      since: datetime) -> list[PlannedDelivery]:
    """Monthly, each owner of stale FAQ entries gets one list (unreachable owners' entries go
    to the organisers named in settings)."""
    at = monthly_review_time(now, policy.digest_time, policy.zone)
    if at <= since:
        return []
    stale = await stale_entries(session, policy, at)
    targets: dict[str, ChannelRef] = {}
    for entry in stale:
        for target in review_targets(entry, policy):
            targets[target.key] = target
    subject = f"month:{at.astimezone(policy.zone):%Y-%m}"
    return [PlannedDelivery(FAQ_REVIEW, subject, target, at) for target in targets.values()]


async def stale_entries(session: AsyncSession, policy: SchedulePolicy,
                        at: datetime) -> Sequence[FaqEntry]:
    cutoff: date = at.astimezone(policy.zone).date() - relativedelta(
        months=policy.faq_review_age_months)
    cutoff_time = from_wall_clock(datetime.combine(cutoff, time()), policy.zone)
    return await faq_entries_unreviewed_since(session, cutoff, cutoff_time)


def review_targets(entry: FaqEntry, policy: SchedulePolicy) -> list[ChannelRef]:
    owner = person_target(entry.owner)
    if owner is not None:
        return [owner]
    return [t for t in (person_target(k) for k in policy.organisers) if t is not None]


# ---------------------------------------------------------------------- composing
async def compose_followup(session: AsyncSession, delivery: Delivery, policy: SchedulePolicy,
                           now: datetime) -> Reply | Skip:
    question_id = int(delivery.subject[len(SUBJECT_PREFIX):])
    escalation = await EscalationRepository(session).of_question(question_id)
    if escalation is None:
        return Skip("the question was withdrawn")
    if escalation.status != OPEN:
        return Skip("the question was answered meanwhile")
    question = await session.get(QuestionLog, question_id)
    if question is None:
        return Skip("the question was withdrawn")
    q = f"Q{question_id}"
    return Reply(
        title=f"Still looking for an answer: {q}",
        text=question.text,
        fields=(Field("Waiting since",
                      escalation.escalated_at.astimezone(policy.zone).strftime("%a %-d %b")),),
        buttons=(Button("Answer", "answer", q, "primary"), Button("Not for me", "decline", q)),
        public=True,
    )


async def compose_review(session: AsyncSession, delivery: Delivery, policy: SchedulePolicy,
                         now: datetime) -> Reply | Skip:
    target_key = ChannelRef(platform=delivery.platform, workspace=delivery.workspace,
                            user_id=delivery.user_id).key
    entries = [entry for entry in await stale_entries(session, policy, delivery.scheduled_at)
               if any(t.key == target_key for t in review_targets(entry, policy))]
    if not entries:
        return Skip("nothing left to review")
    items = tuple(
        Item(title=f"F{e.id}: {e.question}",
             fields=(Field("Last reviewed", e.last_reviewed.strftime("%-d %b %Y")
                           if e.last_reviewed else "never"),),
             buttons=(Button("Edit", "faq edit", f"F{e.id}"),))
        for e in entries[:MAX_LISTED]
    )
    more = len(entries) - len(items)
    return Reply(
        title="FAQ entries due for review",
        text=(f"These FAQ entries have not been reviewed for "
              f"{policy.faq_review_age_months} months. Please check each is still right and "
              "record the review, e.g. faq edit F12 reviewed=YYYY-MM-DD."),
        items=items,
        footer=f"and {more} more" if more > 0 else "",
    )


async def waiting_questions(session: AsyncSession, scopes: Collection[str],
                            policy: SchedulePolicy) -> tuple[Item, ...]:
    """Open escalations in ``scopes``' communities, oldest first, each with an Answer button."""
    rows = await EscalationRepository(session).open_with_text()
    return tuple(
        Item(title=f"Q{escalation.question_id}: {text}",
             text=f"waiting since {escalation.escalated_at.astimezone(policy.zone):%a %-d %b}",
             buttons=(Button("Answer", "answer", f"Q{escalation.question_id}", "primary"),))
        for escalation, text, slug in rows if covers(scopes, slug)
    )
