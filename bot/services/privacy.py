"""``my data`` and ``forget me``: what the bot holds about a member, and deleting it.

Forgetting a person frees their event places (promoting the waitlist), deletes their
questions, answers, expertise, seminar attendance (their learning record), feedback and topic
votes (topics they suggested stay, without their name), personal conversation references and
personal deliveries, and their person record.  FAQ entries already approved from their
answers stay, unattributed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events import EventService
from bot.settings import Settings
from bot.types import Notification
from storage.models import Organiser, Person
from storage.models.conversations import StoredConversation
from storage.models.deliveries import Delivery
from storage.models.events import CANCELLED, Event, Registration
from storage.models.knowledge import DRAFT, FaqEntry, QuestionLog
from storage.models.network import Escalation, Expertise, NetworkAnswer
from storage.repositories.people import person_ref
from storage.repositories.seminars import (
    AttendanceRepository,
    FeedbackRepository,
    TopicRepository,
)


@dataclass(frozen=True)
class MemberData:
    person: Person
    registrations: list[tuple[Event, Registration]]
    questions: list[QuestionLog]
    answers: list[NetworkAnswer]
    expertise: list[str]
    organiser: bool


@dataclass
class Forgotten:
    registrations: int = 0
    questions: int = 0
    answers: int = 0
    expertise: int = 0
    seminar_records: int = 0  # attendances, feedback and topic votes
    notifications: list[Notification] = field(default_factory=list)


class PrivacyService:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    async def data_of(self, person_id: int) -> MemberData:
        person = await self.session.get(Person, person_id)
        assert person is not None
        regs = await self.session.execute(
            select(Event, Registration).join(Registration, Registration.event_id == Event.id)
            .where(Registration.person_id == person_id, Registration.status != CANCELLED)
            .order_by(Event.starts_at))
        questions = await self.session.execute(
            select(QuestionLog).where(QuestionLog.person_id == person_id)
            .order_by(QuestionLog.asked_at))
        answers = await self.session.execute(
            select(NetworkAnswer).where(NetworkAnswer.person_id == person_id)
            .order_by(NetworkAnswer.created_at))
        expertise = await self.session.execute(
            select(Expertise.topic).where(Expertise.person_id == person_id)
            .order_by(Expertise.topic))
        organiser = await self.session.execute(select(Organiser.id).where(
            Organiser.platform == person.platform, Organiser.workspace == person.workspace,
            Organiser.user_id == person.user_id))
        return MemberData(
            person=person,
            registrations=[(row[0], row[1]) for row in regs.all()],
            questions=list(questions.scalars()),
            answers=list(answers.scalars()),
            expertise=list(expertise.scalars()),
            organiser=organiser.first() is not None,
        )

    async def forget(self, person_id: int, now: datetime) -> Forgotten:
        person = await self.session.get(Person, person_id)
        assert person is not None
        result = Forgotten()
        events = EventService(self.session, self.settings)
        for mine in await events.my_registrations(person_id, now):
            outcome = await events.cancel_registration(mine.event.id, person_id, now=now)
            result.notifications.extend(outcome.notifications)
            result.registrations += 1
        # Answers: approved FAQ entries stay, unattributed; drafts from them go.
        await self.session.execute(
            update(FaqEntry).where(FaqEntry.created_by == person_id, FaqEntry.status != DRAFT)
            .values(created_by=None, credit=""))
        owner_key = person_ref(person).key
        await self.session.execute(
            update(FaqEntry).where(FaqEntry.owner == owner_key).values(owner=""))
        await self.session.execute(
            delete(FaqEntry).where(FaqEntry.created_by == person_id, FaqEntry.status == DRAFT))
        answers = await self.session.execute(
            delete(NetworkAnswer).where(NetworkAnswer.person_id == person_id))
        result.answers = int(answers.rowcount)  # type: ignore[attr-defined]
        await self.session.execute(
            delete(Escalation).where(Escalation.asker_id == person_id))
        questions = await self.session.execute(
            delete(QuestionLog).where(QuestionLog.person_id == person_id))
        result.questions = int(questions.rowcount)  # type: ignore[attr-defined]
        expertise = await self.session.execute(
            delete(Expertise).where(Expertise.person_id == person_id))
        result.expertise = int(expertise.rowcount)  # type: ignore[attr-defined]
        result.seminar_records = await forget_seminar_records(self.session, person_id)
        same_person = (
            (StoredConversation.platform == person.platform)
            & (StoredConversation.workspace == person.workspace)
            & (StoredConversation.user_id == person.user_id)
        )
        await self.session.execute(delete(StoredConversation).where(same_person))
        await self.session.execute(delete(Delivery).where(
            Delivery.platform == person.platform, Delivery.workspace == person.workspace,
            Delivery.user_id == person.user_id))
        await self.session.execute(delete(Organiser).where(
            Organiser.platform == person.platform, Organiser.workspace == person.workspace,
            Organiser.user_id == person.user_id))
        await self.session.delete(person)  # registrations and the rest cascade
        await self.session.flush()
        return result


async def forget_seminar_records(session: AsyncSession, person_id: int) -> int:
    """Delete a person's attendance, feedback and votes and unlink their topic suggestions;
    returns how many attendances, ratings and votes were deleted."""
    attended = await AttendanceRepository(session).delete_person(person_id)
    rated = await FeedbackRepository(session).delete_person(person_id)
    votes, _ = await TopicRepository(session).forget_person(person_id)
    return attended + rated + votes
