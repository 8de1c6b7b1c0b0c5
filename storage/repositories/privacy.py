"""What the bot holds about one member, read and deleted table by table (``my data`` and
``forget me``).  The rules — which records go, which stay unattributed, in what order — are
the privacy service's; these are the queries it runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

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

Row = TypeVar("Row")


def _count(result: object) -> int:
    return int(result.rowcount)  # type: ignore[attr-defined]


def _same_person(table: type[StoredConversation] | type[Organiser] | type[Delivery],
                 person: Person) -> tuple[ColumnElement[bool], ...]:
    """Rows keyed by platform identity rather than by person id."""
    return (table.platform == person.platform, table.workspace == person.workspace,
            table.user_id == person.user_id)


class MemberRecordsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _all(self, query: Select[Row]) -> list[Row]:
        """Every row of a one-entity query."""
        return list((await self.session.execute(query)).scalars())

    # ------------------------------------------------------------------ reading
    async def person(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def registrations(self, person_id: int) -> list[tuple[Event, Registration]]:
        """Their places and waitlist entries that are not cancelled, by event start."""
        result = await self.session.execute(
            select(Event, Registration).join(Registration, Registration.event_id == Event.id)
            .where(Registration.person_id == person_id, Registration.status != CANCELLED)
            .order_by(Event.starts_at))
        return [(row[0], row[1]) for row in result.all()]

    async def questions(self, person_id: int) -> list[QuestionLog]:
        return await self._all(
            select(QuestionLog).where(QuestionLog.person_id == person_id)
            .order_by(QuestionLog.asked_at, QuestionLog.id))

    async def escalations(self, person_id: int) -> list[Escalation]:
        return await self._all(
            select(Escalation).where(Escalation.asker_id == person_id)
            .order_by(Escalation.escalated_at, Escalation.id))

    async def answers(self, person_id: int) -> list[NetworkAnswer]:
        return await self._all(
            select(NetworkAnswer).where(NetworkAnswer.person_id == person_id)
            .order_by(NetworkAnswer.created_at, NetworkAnswer.id))

    async def dismissals(self, person_id: int) -> list[Dismissal]:
        return await self._all(
            select(Dismissal).where(Dismissal.person_id == person_id)
            .order_by(Dismissal.dismissed_at, Dismissal.id))

    async def expertise(self, person_id: int) -> list[Expertise]:
        return await self._all(
            select(Expertise).where(Expertise.person_id == person_id).order_by(Expertise.topic))

    async def faq_entries(self, person_id: int, owner_key: str) -> list[FaqEntry]:
        """Entries they own (by person key) or added."""
        return await self._all(
            select(FaqEntry).where(or_(FaqEntry.owner == owner_key,
                                       FaqEntry.created_by == person_id))
            .order_by(FaqEntry.created_at, FaqEntry.id))

    async def events_created(self, person_id: int) -> list[Event]:
        return await self._all(
            select(Event).where(Event.created_by == person_id).order_by(Event.starts_at))

    async def resources_added(self, person_id: int) -> list[Resource]:
        return await self._all(
            select(Resource).where(Resource.added_by == person_id)
            .order_by(Resource.created_at, Resource.id))

    async def conversations(self, person: Person) -> list[StoredConversation]:
        return await self._all(
            select(StoredConversation).where(*_same_person(StoredConversation, person)))

    async def organiser(self, person: Person) -> Organiser | None:
        result = await self.session.execute(
            select(Organiser).where(*_same_person(Organiser, person)))
        return result.scalar_one_or_none()

    async def question_ids(self, person_id: int) -> list[int]:
        return list((await self.session.execute(
            select(QuestionLog.id).where(QuestionLog.person_id == person_id))).scalars())

    # ------------------------------------------------------------------ forgetting
    async def unattribute_faq(self, person_id: int, owner_key: str) -> None:
        """Published entries from their answers stay without their name or ownership; their
        drafts go."""
        await self.session.execute(
            update(FaqEntry).where(FaqEntry.created_by == person_id, FaqEntry.status != DRAFT)
            .values(created_by=None, credit=""))
        await self.session.execute(
            update(FaqEntry).where(FaqEntry.owner == owner_key).values(owner=""))
        await self.session.execute(
            delete(FaqEntry).where(FaqEntry.created_by == person_id, FaqEntry.status == DRAFT))

    async def delete_answers(self, person_id: int) -> int:
        return _count(await self.session.execute(
            delete(NetworkAnswer).where(NetworkAnswer.person_id == person_id)))

    async def unlink_subjects(self, subjects: Sequence[str]) -> None:
        """Drop every posted card and delivery about these subjects."""
        if not subjects:
            return
        await self.session.execute(
            delete(PostedMessage).where(PostedMessage.subject.in_(subjects)))
        await self.session.execute(delete(Delivery).where(Delivery.subject.in_(subjects)))

    async def delete_escalations(self, person_id: int, question_ids: Sequence[int]) -> None:
        """Escalations they raised or of their questions (answers and dismissals cascade)."""
        await self.session.execute(
            delete(Escalation).where(or_(Escalation.asker_id == person_id,
                                         Escalation.question_id.in_(question_ids))))

    async def delete_questions(self, person_id: int) -> int:
        return _count(await self.session.execute(
            delete(QuestionLog).where(QuestionLog.person_id == person_id)))

    async def delete_expertise(self, person_id: int) -> int:
        return _count(await self.session.execute(
            delete(Expertise).where(Expertise.person_id == person_id)))

    async def delete_platform_records(self, person: Person) -> None:
        """Their stored 1:1 conversation, deliveries addressed to them and organiser role."""
        await self.session.execute(
            delete(StoredConversation).where(*_same_person(StoredConversation, person)))
        await self.session.execute(delete(Delivery).where(*_same_person(Delivery, person)))
        await self.session.execute(delete(Organiser).where(*_same_person(Organiser, person)))

    async def delete_person(self, person: Person) -> None:
        """The person row; registrations and the rest cascade."""
        await self.session.delete(person)
        await self.session.flush()
