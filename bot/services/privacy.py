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

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events import EventService
from bot.services.network import subject_for
from bot.settings import NetworkSettings
from bot.types import Notification
from storage.models import Person
from storage.models.conversations import StoredConversation
from storage.models.events import Event, Registration
from storage.models.knowledge import FaqEntry, QuestionLog, Resource
from storage.models.network import Dismissal, Escalation, Expertise, NetworkAnswer
from storage.repositories.people import person_ref
from storage.repositories.privacy import MemberRecordsRepository
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
        self.records = MemberRecordsRepository(session)

    async def data_of(self, person_id: int) -> MemberData:
        person = await self.records.person(person_id)
        assert person is not None
        records = self.records
        organiser = await records.organiser(person)
        return MemberData(
            person=person,
            registrations=await records.registrations(person_id),
            questions=await records.questions(person_id),
            escalations=await records.escalations(person_id),
            answers=await records.answers(person_id),
            dismissals=await records.dismissals(person_id),
            expertise=await records.expertise(person_id),
            faq_entries=await records.faq_entries(person_id, person_ref(person).key),
            events_created=await records.events_created(person_id),
            resources_added=await records.resources_added(person_id),
            conversations=await records.conversations(person),
            organiser=organiser is not None,
            organiser_since=organiser.added_at if organiser is not None else None,
        )

    async def forget(self, person_id: int, now: datetime) -> Forgotten:
        records = self.records
        person = await records.person(person_id)
        assert person is not None
        result = Forgotten()
        events = EventService(self.session, self.settings)
        for mine in await events.my_registrations(person_id, now):
            outcome = await events.cancel_registration(mine.event.id, person_id, now=now)
            result.notifications.extend(outcome.notifications)
            result.registrations += 1
        # Answers: approved FAQ entries stay, unattributed; drafts from them go.
        await records.unattribute_faq(person_id, person_ref(person).key)
        result.answers = await records.delete_answers(person_id)
        # What hangs off their questions: escalations (and the answers and dismissals on
        # them, by cascade), and every link from a posted card or scheduled post to the
        # question's thread, so a later reply there reaches nobody.
        asked = await records.question_ids(person_id)
        await records.unlink_subjects([subject_for(question_id) for question_id in asked])
        await records.delete_escalations(person_id, asked)
        result.questions = await records.delete_questions(person_id)
        result.expertise = await records.delete_expertise(person_id)
        result.seminar_records = await forget_seminar_records(self.session, person_id)
        await records.delete_platform_records(person)
        await records.delete_person(person)  # registrations and the rest cascade
        return result


async def forget_seminar_records(session: AsyncSession, person_id: int) -> int:
    """Delete a person's attendance, feedback and votes and unlink their topic suggestions;
    returns how many attendances, ratings and votes were deleted."""
    attended = await AttendanceRepository(session).delete_person(person_id)
    rated = await FeedbackRepository(session).delete_person(person_id)
    votes, _ = await TopicRepository(session).forget_person(person_id)
    return attended + rated + votes
