"""Ask the network: questions the bot cannot answer go to the people who can, and their
answers become FAQ entries once the asker accepts and an organiser approves.

The service works in the caller's unit of work and returns what happened; the handlers
compose the cards and notifications.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowed, NotFound, UserError
from bot.services.expertise import Expert, ExpertiseService
from bot.services.library import library_changed
from bot.settings import NetworkSettings
from bot.types import ChannelRef
from bot.types import Person as PersonRef
from storage.models import Community, Person
from storage.models.deliveries import QUESTIONS
from storage.models.knowledge import DRAFT, PUBLISHED, FaqEntry, QuestionLog
from storage.models.network import (
    ACCEPTED,
    ANSWERED,
    OPEN,
    Dismissal,
    Escalation,
    NetworkAnswer,
)
from storage.repositories.deliveries import SubscriptionRepository
from storage.repositories.network import EscalationRepository
from storage.repositories.people import person_ref
from storage.repositories.posted import PostedMessageRepository

SUBJECT_PREFIX = "question:"
SUGGESTED_EXPERTS = 3


def subject_for(question_id: int) -> str:
    return f"{SUBJECT_PREFIX}{question_id}"


@dataclass(frozen=True)
class Escalated:
    escalation: Escalation
    question: QuestionLog
    asker: Person | None
    community: Community | None
    channels: tuple[ChannelRef, ...]
    experts: tuple[Expert, ...]
    already: bool


@dataclass(frozen=True)
class Answered:
    escalation: Escalation
    question: QuestionLog
    answer: NetworkAnswer
    asker: Person | None
    threads: tuple[ChannelRef, ...]


@dataclass(frozen=True)
class Accepted:
    escalation: Escalation
    answer: NetworkAnswer
    draft: FaqEntry


class NetworkService:
    def __init__(self, session: AsyncSession, settings: NetworkSettings) -> None:
        self.session = session
        self.settings = settings
        self.escalations = EscalationRepository(session)

    # ------------------------------------------------------------------ lookups
    async def question(self, question_id: int) -> QuestionLog:
        question = await self.session.get(QuestionLog, question_id)
        if question is None:
            raise NotFound(f"There is no question Q{question_id}.")
        return question

    async def escalation_of(self, question_id: int) -> Escalation | None:
        return await self.escalations.of_question(question_id)

    async def _escalation(self, question_id: int) -> Escalation:
        escalation = await self.escalation_of(question_id)
        if escalation is None:
            raise NotFound(f"Q{question_id} has not been put to the network.")
        return escalation

    async def question_in_thread(self, channel: ChannelRef) -> int | None:
        """The escalated question whose posted card starts the thread ``channel`` is in."""
        if not channel.thread_id:
            return None
        subject = await PostedMessageRepository(self.session).subject_of(
            channel.platform, channel.workspace, channel.conversation_id, channel.thread_id)
        if subject is None:  # a question raised again by the scheduler
            subject = await self.escalations.delivered_subject(channel, SUBJECT_PREFIX)
        if subject is None or not subject.startswith(SUBJECT_PREFIX):
            return None
        return int(subject[len(SUBJECT_PREFIX):])

    # ------------------------------------------------------------------ the loop
    async def escalate(self, question_id: int, person_id: int, *, organiser: bool,
                       anonymous: bool, now: datetime) -> Escalated:
        """Put an unanswered question to the channels subscribed for questions."""
        question = await self.question(question_id)
        if question.person_id != person_id and not organiser:
            raise NotAllowed(f"Only the person who asked Q{question_id} can put it to the "
                             "network.")
        asker = await self.session.get(Person, question.person_id) if question.person_id else None
        existing = await self.escalation_of(question_id)
        community = await self._community_of(question)
        if existing is not None:
            return Escalated(existing, question, asker, community, (), (), already=True)
        escalation = Escalation(
            question_id=question_id, asker_id=question.person_id, anonymous=anonymous,
            community_id=community.id if community else None, status=OPEN, escalated_at=now)
        self.session.add(escalation)
        await self.session.flush()
        channels = await SubscriptionRepository(self.session).channels_for(
            QUESTIONS, community.slug if community else None)
        exclude = [person_ref(asker)] if asker else []
        experts = await ExpertiseService(self.session).who_knows(
            question.text, limit=SUGGESTED_EXPERTS, exclude=exclude)
        return Escalated(escalation, question, asker, community, tuple(channels),
                         tuple(experts), already=False)

    async def _community_of(self, question: QuestionLog) -> Community | None:
        """The community of the closest FAQ match, if the question had one."""
        if question.faq_entry_id is None:
            return None
        entry = await self.session.get(FaqEntry, question.faq_entry_id)
        if entry is None or entry.community_id is None:
            return None
        return await self.session.get(Community, entry.community_id)

    async def answer(self, question_id: int, author: PersonRef, author_id: int, text: str,
                     now: datetime) -> Answered:
        """Record an expert's answer; the question becomes answered."""
        text = text.strip()
        if not text:
            raise UserError("The answer is empty.")
        escalation = await self._escalation(question_id)
        question = await self.question(question_id)
        answer = NetworkAnswer(escalation_id=escalation.id, person_id=author_id,
                               author_name=author.name, text=text[:4000], created_at=now,
                               accepted=False)
        self.session.add(answer)
        if escalation.status == OPEN:
            escalation.status = ANSWERED
            escalation.answered_at = now
        await self.session.flush()
        asker = (await self.session.get(Person, escalation.asker_id)
                 if escalation.asker_id else None)
        posted = await PostedMessageRepository(self.session).about(subject_for(question_id))
        threads = tuple(ChannelRef(p.platform, p.workspace, p.conversation_id, p.message_id)
                        for p in posted)
        return Answered(escalation, question, answer, asker, threads)

    async def decline(self, question_id: int, person_id: int, now: datetime) -> None:
        escalation = await self._escalation(question_id)
        if not await self.escalations.has_dismissed(escalation.id, person_id):
            self.session.add(Dismissal(escalation_id=escalation.id, person_id=person_id,
                                       dismissed_at=now))

    async def accept(self, question_id: int, person_id: int, *, organiser: bool,
                     answer_id: int | None, now: datetime) -> Accepted:
        """The asker (or an organiser) says an answer answered it: it becomes a draft FAQ
        entry, with the original question as its first phrasing, credited to the expert."""
        escalation = await self._escalation(question_id)
        if escalation.asker_id != person_id and not organiser:
            raise NotAllowed(f"Only the person who asked Q{question_id} (or an organiser) can "
                             "accept an answer.")
        answer = await self.escalations.latest_answer(escalation.id, answer_id)
        if answer is None:
            raise NotFound(f"Q{question_id} has no answer to accept yet.")
        if answer.faq_entry_id is not None:
            draft = await self.session.get(FaqEntry, answer.faq_entry_id)
            if draft is not None:
                return Accepted(escalation, answer, draft)
        question = await self.question(question_id)
        expert = await self.session.get(Person, answer.person_id) if answer.person_id else None
        # The expert owns the entry: the monthly review of stale entries goes to them.
        owner = person_ref(expert).key if expert else ""
        draft = FaqEntry(
            question=question.text, answer=answer.text, alternates=[], url="",
            community_id=escalation.community_id, tags=[], owner=owner, last_reviewed=None,
            status=DRAFT, credit=answer.author_name, created_by=answer.person_id,
            created_at=now, updated_at=now)
        self.session.add(draft)
        await self.session.flush()
        answer.accepted = True
        answer.faq_entry_id = draft.id
        escalation.status = ACCEPTED
        return Accepted(escalation, answer, draft)

    # ------------------------------------------------------------------ review
    async def drafts(self) -> Sequence[FaqEntry]:
        return await self.escalations.drafts()

    async def _draft(self, entry_id: int) -> FaqEntry:
        entry = await self.session.get(FaqEntry, entry_id)
        if entry is None or entry.status != DRAFT:
            raise NotFound(f"There is no draft F{entry_id} waiting for review.")
        return entry

    async def approve(self, entry_id: int, today: date, now: datetime) -> FaqEntry:
        entry = await self._draft(entry_id)
        entry.status = PUBLISHED
        entry.last_reviewed = today
        entry.updated_at = now
        await library_changed(self.session, self.settings, [entry])
        return entry

    async def reject(self, entry_id: int) -> FaqEntry:
        entry = await self._draft(entry_id)
        await self.session.delete(entry)
        await self.session.flush()
        return entry

    async def answer_authors(self, entry_id: int) -> Sequence[Person]:
        return await self.escalations.answer_authors(entry_id)
