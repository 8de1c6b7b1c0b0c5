"""Attendance, feedback, topics and votes, and event materials."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.models import Person
from storage.models.events import EVENT_SCHEDULED, Event
from storage.models.knowledge import Resource
from storage.models.seminars import (
    TOPIC_OPEN,
    Attendance,
    EventMaterial,
    Feedback,
    Topic,
    TopicVote,
)


def _count(result: object) -> int:
    return int(result.rowcount)  # type: ignore[attr-defined]


class AttendanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, event_id: int, person_ids: Iterable[int], source: str,
                     now: datetime) -> int:
        """Record that each person came; returns how many were not recorded before (an
        existing record, and how it was made, is kept)."""
        rows = [{"event_id": event_id, "person_id": pid, "source": source, "recorded_at": now}
                for pid in dict.fromkeys(person_ids)]
        if not rows:
            return 0
        stmt = upsert_insert(self.session, Attendance).values(rows).on_conflict_do_nothing()
        return _count(await self.session.execute(stmt))

    async def of_event(self, event_id: int) -> list[tuple[Attendance, Person]]:
        """Who came, in the order they were recorded."""
        result = await self.session.execute(
            select(Attendance, Person).join(Person, Person.id == Attendance.person_id)
            .where(Attendance.event_id == event_id)
            .order_by(Attendance.recorded_at, Attendance.id))
        return [(a, p) for a, p in result.all()]

    async def find(self, event_id: int, person_id: int) -> Attendance | None:
        result = await self.session.execute(select(Attendance).where(
            Attendance.event_id == event_id, Attendance.person_id == person_id))
        return result.scalar_one_or_none()

    async def person_ids(self, event_id: int) -> set[int]:
        result = await self.session.execute(
            select(Attendance.person_id).where(Attendance.event_id == event_id))
        return set(result.scalars())

    async def of_person(self, person_id: int | None, *, start: datetime | None = None,
                        end: datetime | None = None
                        ) -> list[tuple[Attendance, Event, Person]]:
        """Attendances of scheduled events (of one person, or everyone's with ``None``)
        whose events started in [start, end), by start time."""
        query = (select(Attendance, Event, Person)
                 .join(Event, Event.id == Attendance.event_id)
                 .join(Person, Person.id == Attendance.person_id)
                 .where(Event.status == EVENT_SCHEDULED))
        if person_id is not None:
            query = query.where(Attendance.person_id == person_id)
        if start is not None:
            query = query.where(Event.starts_at >= start)
        if end is not None:
            query = query.where(Event.starts_at < end)
        result = await self.session.execute(
            query.order_by(Person.display_name, Person.id, Event.starts_at, Event.id))
        return [(a, e, p) for a, e, p in result.all()]

    async def delete_person(self, person_id: int) -> int:
        return _count(await self.session.execute(
            delete(Attendance).where(Attendance.person_id == person_id)))


class FeedbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rate(self, event_id: int, person_id: int, rating: int, now: datetime) -> None:
        """Set the person's rating (a second press changes it)."""
        stmt = upsert_insert(self.session, Feedback).values(
            event_id=event_id, person_id=person_id, rating=rating, comment="", signed=False,
            created_at=now, updated_at=now,
        ).on_conflict_do_update(index_elements=["event_id", "person_id"],
                                set_={"rating": rating, "updated_at": now})
        await self.session.execute(stmt)

    async def comment(self, event_id: int, person_id: int, comment: str, signed: bool,
                      now: datetime) -> bool:
        """Add a comment to an existing rating; False when there is no rating yet."""
        result = await self.session.execute(
            update(Feedback).where(Feedback.event_id == event_id,
                                   Feedback.person_id == person_id)
            .values(comment=comment, signed=signed, updated_at=now))
        return _count(result) > 0

    async def find(self, event_id: int, person_id: int) -> Feedback | None:
        result = await self.session.execute(select(Feedback).where(
            Feedback.event_id == event_id, Feedback.person_id == person_id)
            .execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def of_event(self, event_id: int) -> list[tuple[Feedback, Person]]:
        result = await self.session.execute(
            select(Feedback, Person).join(Person, Person.id == Feedback.person_id)
            .where(Feedback.event_id == event_id)
            .order_by(Feedback.created_at, Feedback.id))
        return [(f, p) for f, p in result.all()]

    async def delete_person(self, person_id: int) -> int:
        return _count(await self.session.execute(
            delete(Feedback).where(Feedback.person_id == person_id)))


class TopicRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, title: str, community_id: int | None, person_id: int,
                  now: datetime) -> Topic:
        topic = Topic(title=title, community_id=community_id, suggested_by=person_id,
                      status=TOPIC_OPEN, created_at=now, updated_at=now)
        self.session.add(topic)
        await self.session.flush()
        return topic

    async def get(self, topic_id: int, *, lock: bool = False) -> Topic | None:
        query = select(Topic).where(Topic.id == topic_id).execution_options(
            populate_existing=True)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def with_votes(self, statuses: Sequence[str] = (TOPIC_OPEN,),
                         community_id: int | None = None) -> list[tuple[Topic, int]]:
        """Topics in ``statuses`` with their vote counts, most votes first (then oldest)."""
        votes = (select(TopicVote.topic_id, func.count(TopicVote.id).label("n"))
                 .group_by(TopicVote.topic_id).subquery())
        query = (select(Topic, func.coalesce(votes.c.n, 0))
                 .outerjoin(votes, votes.c.topic_id == Topic.id)
                 .where(Topic.status.in_(statuses)))
        if community_id is not None:
            query = query.where(Topic.community_id == community_id)
        result = await self.session.execute(
            query.order_by(func.coalesce(votes.c.n, 0).desc(), Topic.created_at, Topic.id))
        return [(topic, int(n)) for topic, n in result.all()]

    async def toggle_vote(self, topic_id: int, person_id: int, now: datetime) -> bool:
        """Vote, or withdraw an existing vote; True when the person now votes for it."""
        removed = await self.session.execute(delete(TopicVote).where(
            TopicVote.topic_id == topic_id, TopicVote.person_id == person_id))
        if _count(removed):
            return False
        stmt = upsert_insert(self.session, TopicVote).values(
            topic_id=topic_id, person_id=person_id, voted_at=now).on_conflict_do_nothing()
        await self.session.execute(stmt)
        return True

    async def votes(self, topic_id: int) -> int:
        result = await self.session.execute(
            select(func.count(TopicVote.id)).where(TopicVote.topic_id == topic_id))
        return int(result.scalar_one())

    async def voted_by(self, person_id: int, topic_ids: Sequence[int]) -> set[int]:
        if not topic_ids:
            return set()
        result = await self.session.execute(select(TopicVote.topic_id).where(
            TopicVote.person_id == person_id, TopicVote.topic_id.in_(topic_ids)))
        return set(result.scalars())

    async def voters(self, topic_id: int) -> list[Person]:
        result = await self.session.execute(
            select(Person).join(TopicVote, TopicVote.person_id == Person.id)
            .where(TopicVote.topic_id == topic_id).order_by(TopicVote.voted_at, TopicVote.id))
        return list(result.scalars())

    async def for_event(self, event_id: int) -> list[Topic]:
        result = await self.session.execute(
            select(Topic).where(Topic.event_id == event_id).order_by(Topic.id))
        return list(result.scalars())

    async def forget_person(self, person_id: int) -> tuple[int, int]:
        """Delete the person's votes and unlink them from their suggestions (the topics stay
        for the others who voted); returns (votes, suggestions)."""
        votes = _count(await self.session.execute(
            delete(TopicVote).where(TopicVote.person_id == person_id)))
        suggested = _count(await self.session.execute(
            update(Topic).where(Topic.suggested_by == person_id).values(suggested_by=None)))
        return votes, suggested


async def seminar_record_counts(session: AsyncSession, person_id: int) -> tuple[int, int, int]:
    """How many (attendances, feedback responses, topic votes) a person has."""
    counts = []
    for model in (Attendance, Feedback, TopicVote):
        result = await session.execute(
            select(func.count(model.id)).where(model.person_id == person_id))
        counts.append(int(result.scalar_one()))
    return counts[0], counts[1], counts[2]


class MaterialRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_event(self, event_id: int) -> dict[str, Resource]:
        """The event's materials by kind."""
        result = await self.session.execute(
            select(EventMaterial.kind, Resource)
            .join(Resource, Resource.id == EventMaterial.resource_id)
            .where(EventMaterial.event_id == event_id)
            .execution_options(populate_existing=True))
        return {kind: resource for kind, resource in result.all()}

    async def link(self, event_id: int, resource_id: int, kind: str, now: datetime) -> None:
        self.session.add(EventMaterial(event_id=event_id, resource_id=resource_id, kind=kind,
                                       added_at=now))
        await self.session.flush()

    async def recordings_added(self, start: datetime, end: datetime
                               ) -> list[tuple[Event, Resource]]:
        """Recordings linked to seminars in (start, end], newest first."""
        result = await self.session.execute(
            select(Event, Resource)
            .join(EventMaterial, EventMaterial.event_id == Event.id)
            .join(Resource, Resource.id == EventMaterial.resource_id)
            .where(EventMaterial.kind == "recording", EventMaterial.added_at > start,
                   EventMaterial.added_at <= end)
            .order_by(EventMaterial.added_at.desc(), EventMaterial.id.desc()))
        return [(e, r) for e, r in result.all()]


class PeopleDirectory:
    """Finding people by what an organiser or a report knows: email, name or user id."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_emails(self, emails: Iterable[str]) -> dict[str, list[Person]]:
        wanted = {e.strip().lower() for e in emails if e.strip()}
        if not wanted:
            return {}
        result = await self.session.execute(
            select(Person).where(func.lower(Person.email).in_(wanted)).order_by(Person.id))
        found: dict[str, list[Person]] = {}
        for person in result.scalars():
            found.setdefault((person.email or "").lower(), []).append(person)
        return found

    async def by_names(self, names: Iterable[str]) -> dict[str, list[Person]]:
        """People whose display name is one of ``names`` (ignoring case and spacing)."""
        wanted = {" ".join(n.split()).lower() for n in names if n.strip()}
        if not wanted:
            return {}
        result = await self.session.execute(
            select(Person).where(func.lower(Person.display_name).in_(wanted))
            .order_by(Person.id))
        found: dict[str, list[Person]] = {}
        for person in result.scalars():
            found.setdefault(" ".join(person.display_name.split()).lower(), []).append(person)
        return found

    async def by_user_id(self, user_id: str) -> list[Person]:
        result = await self.session.execute(
            select(Person).where(Person.user_id == user_id).order_by(Person.id))
        return list(result.scalars())
