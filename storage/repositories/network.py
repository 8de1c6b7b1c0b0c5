"""Escalated questions, the network's answers to them, and who declined to answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.types import ChannelRef
from storage.models import Community, Person
from storage.models.deliveries import Delivery
from storage.models.knowledge import DRAFT, FaqEntry, QuestionLog
from storage.models.network import OPEN, Dismissal, Escalation, NetworkAnswer


class EscalationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_question(self, question_id: int) -> Escalation | None:
        result = await self.session.execute(
            select(Escalation).where(Escalation.question_id == question_id))
        return result.scalar_one_or_none()

    async def delivered_subject(self, channel: ChannelRef, prefix: str) -> str | None:
        """The subject, starting with ``prefix``, of the scheduled post that started the
        thread ``channel`` is in."""
        result = await self.session.execute(select(Delivery.subject).where(
            Delivery.platform == channel.platform, Delivery.workspace == channel.workspace,
            Delivery.conversation_id == channel.conversation_id,
            Delivery.message_id == channel.thread_id,
            Delivery.subject.startswith(prefix)).limit(1))
        return result.scalar_one_or_none()

    async def has_dismissed(self, escalation_id: int, person_id: int) -> bool:
        exists = await self.session.execute(select(Dismissal.id).where(
            Dismissal.escalation_id == escalation_id, Dismissal.person_id == person_id))
        return exists.first() is not None

    async def latest_answer(self, escalation_id: int,
                            answer_id: int | None = None) -> NetworkAnswer | None:
        """The newest answer to the escalation, or the one with ``answer_id`` if given."""
        stmt = select(NetworkAnswer).where(NetworkAnswer.escalation_id == escalation_id)
        if answer_id is not None:
            stmt = stmt.where(NetworkAnswer.id == answer_id)
        result = await self.session.execute(stmt.order_by(NetworkAnswer.id.desc()).limit(1))
        return result.scalar_one_or_none()

    async def drafts(self) -> Sequence[FaqEntry]:
        """FAQ entries made from accepted answers, waiting for an organiser."""
        result = await self.session.execute(
            select(FaqEntry).where(FaqEntry.status == DRAFT).order_by(FaqEntry.id))
        return result.scalars().all()

    async def answer_authors(self, entry_id: int) -> Sequence[Person]:
        """Who wrote the answers an FAQ entry was made from."""
        result = await self.session.execute(
            select(Person).join(NetworkAnswer, NetworkAnswer.person_id == Person.id)
            .where(NetworkAnswer.faq_entry_id == entry_id))
        return result.scalars().all()

    async def open_since(self, earliest: datetime) -> list[tuple[Escalation, str | None]]:
        """Open escalations raised after ``earliest``, each with its community's slug."""
        rows = (await self.session.execute(
            select(Escalation, Community.slug)
            .outerjoin(Community, Escalation.community_id == Community.id)
            .where(Escalation.status == OPEN, Escalation.escalated_at > earliest)
            .order_by(Escalation.id)
        )).all()
        return [(escalation, slug) for escalation, slug in rows]

    async def open_with_text(self) -> list[tuple[Escalation, str, str | None]]:
        """Every open escalation, oldest first, with its question's text and community slug."""
        rows = (await self.session.execute(
            select(Escalation, QuestionLog.text, Community.slug)
            .join(QuestionLog, QuestionLog.id == Escalation.question_id)
            .outerjoin(Community, Escalation.community_id == Community.id)
            .where(Escalation.status == OPEN)
            .order_by(Escalation.escalated_at, Escalation.id)
        )).all()
        return [(escalation, text, slug) for escalation, text, slug in rows]
