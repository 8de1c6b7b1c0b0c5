"""``my data`` and ``forget me``: what the bot holds about a member, and deleting it.

Forgetting a person frees their event places (promoting the waitlist), deletes their
questions with everything that hangs off them (escalations, the links from posted messages
and scheduled posts to their threads), answers, expertise, seminar attendance (their learning
record), feedback and topic votes (topics they suggested stay, without their name), personal
conversation references and deliveries addressed to them, and their person record.  FAQ
entries already approved from their answers stay, unattributed.  Ids are never reused
(PostgreSQL sequences; SQLite ``AUTOINCREMENT``), so a reply in an old question's thread
cannot reach a new asker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events import EventService
from bot.services.network import subject_for
from bot.settings import NetworkSettings
from bot.types import Notification
from storage.models import Organiser, Person
from storage.models.conversations import StoredConversation
from storage.models.deliveries import Delivery
from storage.models.events import CANCELLED, Event, Registration
from storage.models.knowledge import DRAFT, FaqEntry, QuestionLog, Resource
from storage.models.network import (
    Dismissal,
    Escalation,
    Expertise,
    NetworkAnswer,
    PostedMessage,
)
from storage.repositories.people import person_ref
from storage.repositories.seminars import (
    AttendanceRepository,
    FeedbackRepository,
    TopicRepository,
)

Row = TypeVar("Row")

@dataclass(frozen=True)
class MemberData:
    person: Person
    registrations: list[tuple[Event, Registration]]
    questions: list[QuestionLog]
    escalations: list[Escalation]
    answers: list[NetworkAnswer]
    dismissals: list[Dismissal]
    expertise: list[Expertise]
    faq_entries: list[FaqEntry]  # owned by them, credited to them, or added by them
    events_created: list[Event]
    resources_added: list[Resource]
    conversations: list[StoredConversation]  # their 1:1 chat with the bot, if stored
    organiser: bool
    organiser_since: datetime | None


@dataclass
class Forgotten:
    registrations: int = 0
    questions: int = 0
    answers: int = 0
    expertise: int = 0
    seminar_records: int = 0  # attendances, feedback and topic votes
    notifications: list[Notification] = field(default_factory=list)


class PrivacyService:
    def __init__(self, session: AsyncSession, settings: NetworkSettings) -> None:
        self.session = session
        self.settings = settings

    async def data_of(self, person_id: int) -> MemberData:
        person = await self.session.get(Person, person_id)
        assert person is not None
        regs = await self.session.execute(
            select(Event, Registration).join(Registration, Registration.event_id == Event.id)
            .where(Registration.person_id == person_id, Registration.status != CANCELLED)
            .order_by(Event.starts_at))
        questions = await self._all(
            select(QuestionLog).where(QuestionLog.person_id == person_id)
            .order_by(QuestionLog.asked_at, QuestionLog.id))
        escalations = await self._all(
            select(Escalation).where(Escalation.asker_id == person_id)
            .order_by(Escalation.escalated_at, Escalation.id))
        answers = await self._all(
            select(NetworkAnswer).where(NetworkAnswer.person_id == person_id)
            .order_by(NetworkAnswer.created_at, NetworkAnswer.id))
        dismissals = await self._all(
            select(Dismissal).where(Dismissal.person_id == person_id)
            .order_by(Dismissal.dismissed_at, Dismissal.id))
        expertise = await self._all(
            select(Expertise).where(Expertise.person_id == person_id).order_by(Expertise.topic))
        entries = await self._all(
            select(FaqEntry).where(or_(FaqEntry.owner == person_ref(person).key,
                                       FaqEntry.created_by == person_id))
            .order_by(FaqEntry.created_at, FaqEntry.id))
        created = await self._all(
            select(Event).where(Event.created_by == person_id).order_by(Event.starts_at))
        resources = await self._all(
            select(Resource).where(Resource.added_by == person_id)
            .order_by(Resource.created_at, Resource.id))
        conversations = await self._all(select(StoredConversation).where(
            *self._same_person(StoredConversation, person)))
        organiser = (await self.session.execute(select(Organiser).where(
            *self._same_person(Organiser, person)))).scalar_one_or_none()
        return MemberData(
            person=person,
            registrations=[(row[0], row[1]) for row in regs.all()],
            questions=questions, escalations=escalations, answers=answers,
            dismissals=dismissals, expertise=expertise, faq_entries=entries,
            events_created=created, resources_added=resources, conversations=conversations,
            organiser=organiser is not None,
            organiser_since=organiser.added_at if organiser is not None else None,
        )

    async def _all(self, query: Select[Row]) -> list[Row]:
        """Every row of a one-entity query."""
        return list((await self.session.execute(query)).scalars())

    @staticmethod
    def _same_person(table: type[StoredConversation] | type[Organiser] | type[Delivery],
                     person: Person) -> tuple[ColumnElement[bool], ...]:
        return (table.platform == person.platform, table.workspace == person.workspace,
                table.user_id == person.user_id)

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
        # What hangs off their questions: escalations (and the answers and dismissals on
        # them, by cascade), and every link from a posted card or scheduled post to the
        # question's thread, so a later reply there reaches nobody.
        asked = list((await self.session.execute(
            select(QuestionLog.id).where(QuestionLog.person_id == person_id))).scalars())
        subjects = [subject_for(question_id) for question_id in asked]
        if subjects:
            await self.session.execute(
                delete(PostedMessage).where(PostedMessage.subject.in_(subjects)))
            await self.session.execute(delete(Delivery).where(Delivery.subject.in_(subjects)))
        await self.session.execute(
            delete(Escalation).where(or_(Escalation.asker_id == person_id,
                                         Escalation.question_id.in_(asked))))
        questions = await self.session.execute(
            delete(QuestionLog).where(QuestionLog.person_id == person_id))
        result.questions = int(questions.rowcount)  # type: ignore[attr-defined]
        expertise = await self.session.execute(
            delete(Expertise).where(Expertise.person_id == person_id))
        result.expertise = int(expertise.rowcount)  # type: ignore[attr-defined]
        result.seminar_records = await forget_seminar_records(self.session, person_id)
        await self.session.execute(
            delete(StoredConversation).where(*self._same_person(StoredConversation, person)))
        await self.session.execute(delete(Delivery).where(*self._same_person(Delivery, person)))
        await self.session.execute(delete(Organiser).where(*self._same_person(Organiser, person)))
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
