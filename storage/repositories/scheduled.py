"""The reads the scheduler plans and composes from: what falls due in a window of time, and
the rows a post is composed from when it is sent.  Queries that belong to one entity's
repository (escalations, attendance, people) live there; these join several tables for the
scheduler alone."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Community, Person
from storage.models.deliveries import ChannelSubscription
from storage.models.events import CONFIRMED, EVENT_SCHEDULED, Event, Registration
from storage.models.knowledge import PUBLISHED, FaqEntry, QuestionLog, Resource
from storage.models.seminars import Attendance


async def scheduled_events_between(session: AsyncSession, after: datetime, until: datetime
                                   ) -> list[tuple[Event, str | None]]:
    """Scheduled events starting in (after, until], each with its community's slug."""
    rows = (await session.execute(
        select(Event, Community.slug).outerjoin(Community, Event.community_id == Community.id)
        .where(Event.status == EVENT_SCHEDULED, Event.starts_at > after,
               Event.starts_at <= until)
        .order_by(Event.starts_at, Event.id)
    )).all()
    return [(event, slug) for event, slug in rows]


async def events_by_id(session: AsyncSession, ids: Collection[int | None]) -> dict[int, Event]:
    """The events with these ids as they are now (rows already loaded are refreshed)."""
    if not ids:
        return {}
    result = await session.execute(
        select(Event).where(Event.id.in_(ids)).execution_options(populate_existing=True))
    return {event.id: event for event in result.scalars()}


async def communities_by_id(session: AsyncSession, ids: Collection[int | None]
                            ) -> dict[int, Community]:
    if not ids:
        return {}
    result = await session.execute(select(Community).where(Community.id.in_(ids)))
    return {community.id: community for community in result.scalars()}


async def subscriptions_in(session: AsyncSession, kind: str,
                           conversation_ids: Collection[str]) -> Sequence[ChannelSubscription]:
    """Subscriptions of ``kind`` in any of these conversations."""
    rows = await session.execute(
        select(ChannelSubscription).where(
            ChannelSubscription.kind == kind,
            ChannelSubscription.conversation_id.in_(conversation_ids)))
    return rows.scalars().all()


async def confirmed_registrants(session: AsyncSession, event_ids: Collection[int]
                                ) -> list[tuple[int, datetime, Person]]:
    """(event id, signed up at, person) of each confirmed registration, in sign-up order."""
    rows = (await session.execute(
        select(Registration.event_id, Registration.signed_up_at, Person)
        .join(Person, Registration.person_id == Person.id)
        .where(Registration.event_id.in_(event_ids), Registration.status == CONFIRMED)
        .order_by(Registration.id)
    )).all()
    return [(event_id, signed_up_at, person) for event_id, signed_up_at, person in rows]


async def confirmed_identities(session: AsyncSession, event_ids: Collection[int | None],
                               user_ids: Collection[str]
                               ) -> set[tuple[int, str, str, str | None]]:
    """(event, platform, workspace, user) of these users still confirmed for these events."""
    result = await session.execute(
        select(Registration.event_id, Person.platform, Person.workspace, Person.user_id)
        .join(Person, Registration.person_id == Person.id)
        .where(Registration.event_id.in_(event_ids),
               Registration.status == CONFIRMED,
               Person.user_id.in_(user_ids))
    )
    return {(row[0], row[1], row[2], row[3]) for row in result}


async def resources_added_between(session: AsyncSession, after: datetime, until: datetime
                                  ) -> list[tuple[Resource, str | None]]:
    """Resources added in (after, until], newest first, each with its community's slug."""
    rows = (await session.execute(
        select(Resource, Community.slug)
        .outerjoin(Community, Resource.community_id == Community.id)
        .where(Resource.created_at > after, Resource.created_at <= until)
        .order_by(Resource.created_at.desc(), Resource.id.desc())
    )).all()
    return [(resource, slug) for resource, slug in rows]


async def unanswered_question_texts(session: AsyncSession, after: datetime, until: datetime,
                                    limit: int) -> Sequence[str]:
    """The text of questions asked in (after, until] that got no answer, newest first."""
    return (await session.execute(
        select(QuestionLog.text)
        .where(QuestionLog.answered.is_(False), QuestionLog.asked_at > after,
               QuestionLog.asked_at <= until)
        .order_by(QuestionLog.asked_at.desc(), QuestionLog.id.desc())
        .limit(limit)
    )).scalars().all()


async def attendances_ended(session: AsyncSession, since: datetime, now: datetime
                            ) -> list[tuple[Attendance, datetime, Person]]:
    """(attendance, event end, person) for scheduled events ended by ``now`` whose end or
    attendance record is after ``since``."""
    rows = (await session.execute(
        select(Attendance, Event.ends_at, Person)
        .join(Event, Event.id == Attendance.event_id)
        .join(Person, Person.id == Attendance.person_id)
        .where(Event.status == EVENT_SCHEDULED, Event.ends_at <= now,
               or_(Event.ends_at > since, Attendance.recorded_at > since))
        .order_by(Attendance.id)
    )).all()
    return [(attendance, ends_at, person) for attendance, ends_at, person in rows]


async def faq_entries_unreviewed_since(session: AsyncSession, cutoff: date,
                                       cutoff_time: datetime) -> Sequence[FaqEntry]:
    """Published entries last reviewed before ``cutoff`` (never reviewed: created before
    ``cutoff_time``), least recently reviewed first."""
    result = await session.execute(
        select(FaqEntry).where(
            FaqEntry.status == PUBLISHED,
            or_(FaqEntry.last_reviewed < cutoff,
                (FaqEntry.last_reviewed.is_(None)) & (FaqEntry.created_at < cutoff_time)),
        ).order_by(FaqEntry.last_reviewed, FaqEntry.id))
    return result.scalars().all()
