"""FAQ entries, resources, their embeddings, the question log and the search revision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Row, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.numbers import record_id
from storage.dialect import upsert_insert
from storage.models.knowledge import (
    NOT_HELPFUL,
    PUBLISHED,
    FaqEntry,
    FaqVector,
    QuestionLog,
    Resource,
    SearchRevision,
)
from storage.models.network import ACCEPTED, ANSWERED, Escalation, NetworkAnswer

LIBRARY = "library"


def parse_public_id(text: str, prefix: str) -> int | None:
    """``F12`` / ``f12`` / ``12`` → 12 for prefix ``F``; None if it is not such an id."""
    text = text.strip()
    if text[:1].upper() == prefix:
        text = text[1:]
    return record_id(text)


class FaqRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(FaqEntry)) or 0)

    async def get(self, entry_id: int) -> FaqEntry | None:
        return await self.session.get(FaqEntry, entry_id)

    async def by_external_ids(self, external_ids: Iterable[str]) -> dict[str, FaqEntry]:
        wanted = list(external_ids)
        found: dict[str, FaqEntry] = {}
        for start in range(0, len(wanted), 500):
            result = await self.session.execute(
                select(FaqEntry).where(FaqEntry.external_id.in_(wanted[start:start + 500])))
            found.update({e.external_id: e for e in result.scalars() if e.external_id})
        return found

    async def by_ids(self, ids: Iterable[int]) -> dict[int, FaqEntry]:
        wanted = list(ids)
        if not wanted:
            return {}
        result = await self.session.execute(select(FaqEntry).where(FaqEntry.id.in_(wanted)))
        return {e.id: e for e in result.scalars()}

    async def published_texts(
        self,
    ) -> Sequence[Row[int, str | None, str, str, list[str], list[str]]]:
        """What the search index needs of each published entry, as plain rows (no ORM
        objects: a large library is read whole when the index is built)."""
        result = await self.session.execute(
            select(FaqEntry.id, FaqEntry.external_id, FaqEntry.question, FaqEntry.answer,
                   FaqEntry.alternates, FaqEntry.tags)
            .where(FaqEntry.status == PUBLISHED).order_by(FaqEntry.id))
        return result.all()

    async def vectors(self, model: str) -> dict[int, tuple[str, bytes]]:
        """Stored embeddings by entry id: (hash of the texts embedded, float32 bytes)."""
        result = await self.session.execute(
            select(FaqVector.faq_entry_id, FaqVector.text_hash, FaqVector.vectors)
            .where(FaqVector.model == model))
        return {entry_id: (text_hash, data) for entry_id, text_hash, data in result}

    async def save_vectors(self, entry_id: int, model: str, text_hash: str, data: bytes) -> None:
        stmt = upsert_insert(self.session, FaqVector).values(
            faq_entry_id=entry_id, model=model, text_hash=text_hash, vectors=data)
        stmt = stmt.on_conflict_do_update(
            index_elements=["faq_entry_id"],
            set_={"model": model, "text_hash": text_hash, "vectors": data})
        await self.session.execute(stmt)


class ResourceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(Resource)) or 0)

    async def get(self, resource_id: int) -> Resource | None:
        return await self.session.get(Resource, resource_id)

    async def by_external_ids(self, external_ids: Iterable[str]) -> dict[str, Resource]:
        wanted = list(external_ids)
        found: dict[str, Resource] = {}
        for start in range(0, len(wanted), 500):
            result = await self.session.execute(
                select(Resource).where(Resource.external_id.in_(wanted[start:start + 500])))
            found.update({r.external_id: r for r in result.scalars() if r.external_id})
        return found

    async def by_ids(self, ids: Iterable[int]) -> dict[int, Resource]:
        wanted = list(ids)
        if not wanted:
            return {}
        result = await self.session.execute(select(Resource).where(Resource.id.in_(wanted)))
        return {r.id: r for r in result.scalars()}

    async def all(self) -> Sequence[Resource]:
        result = await self.session.execute(select(Resource).order_by(Resource.id))
        return result.scalars().all()

    async def newest(self, limit: int, *, type: str | None = None,
                     community_id: int | None = None, tag: str | None = None,
                     ) -> list[Resource]:
        """The most recently published (then added) resources, optionally filtered."""
        stmt = select(Resource).order_by(Resource.published.desc().nulls_last(),
                                         Resource.id.desc())
        if type is not None:
            stmt = stmt.where(Resource.type == type)
        if community_id is not None:
            stmt = stmt.where(Resource.community_id == community_id)
        if tag is None:
            result = await self.session.execute(stmt.limit(limit))
            return list(result.scalars())
        # Tags are a JSON list: filtered here, the same way on every database.
        found = []
        for resource in (await self.session.execute(stmt)).scalars():
            if tag in (t.lower() for t in resource.tags):
                found.append(resource)
                if len(found) == limit:
                    break
        return found


class QuestionLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, entry: QuestionLog) -> QuestionLog:
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def get(self, log_id: int) -> QuestionLog | None:
        return await self.session.get(QuestionLog, log_id)

    async def since(self, start: datetime | None, *, unanswered: bool = False,
                    ) -> Sequence[QuestionLog]:
        stmt = select(QuestionLog).order_by(QuestionLog.asked_at, QuestionLog.id)
        if start is not None:
            stmt = stmt.where(QuestionLog.asked_at >= start)
        if unanswered:
            stmt = stmt.where(QuestionLog.answered.is_(False))
        result = await self.session.execute(stmt)
        return result.scalars().all()

    async def to_review(self, limit: int) -> Sequence[tuple[QuestionLog, int | None]]:
        """Questions not yet reviewed whose answer was marked "No", or that the network
        answered, newest first, each with the FAQ entry made from its accepted network
        answer (if any)."""
        answered_by_network = select(Escalation.question_id).where(
            Escalation.status.in_((ANSWERED, ACCEPTED)))
        accepted = (select(NetworkAnswer.faq_entry_id)
                    .join(Escalation, Escalation.id == NetworkAnswer.escalation_id)
                    .where(Escalation.question_id == QuestionLog.id,
                           NetworkAnswer.accepted.is_(True))
                    .order_by(NetworkAnswer.id.desc()).limit(1).scalar_subquery())
        stmt = (select(QuestionLog, accepted)
                .where(QuestionLog.reviewed_at.is_(None),
                       or_(QuestionLog.feedback == NOT_HELPFUL,
                           QuestionLog.id.in_(answered_by_network)))
                .order_by(QuestionLog.asked_at.desc(), QuestionLog.id.desc()).limit(limit))
        result = await self.session.execute(stmt)
        return [(log, entry_id) for log, entry_id in result.all()]


    async def recent(self, limit: int) -> Sequence[QuestionLog]:
        """The latest ``limit`` questions, newest first."""
        result = await self.session.execute(
            select(QuestionLog).order_by(QuestionLog.asked_at.desc(), QuestionLog.id.desc())
            .limit(limit))
        return result.scalars().all()

    async def escalation_progress(self, ids: Iterable[int],
                                  ) -> dict[int, tuple[str, str | None]]:
        """Question id → (its escalation's status, the status of the FAQ entry made from its
        accepted answer, if any), for the questions among ``ids`` that were escalated."""
        wanted = sorted(set(ids))
        progress: dict[int, tuple[str, str | None]] = {}
        for start in range(0, len(wanted), 500):  # keep IN lists short
            chunk = wanted[start:start + 500]
            rows = await self.session.execute(
                select(Escalation.question_id, Escalation.status, FaqEntry.status)
                .outerjoin(NetworkAnswer, (NetworkAnswer.escalation_id == Escalation.id)
                           & NetworkAnswer.accepted.is_(True))
                .outerjoin(FaqEntry, FaqEntry.id == NetworkAnswer.faq_entry_id)
                .where(Escalation.question_id.in_(chunk)))
            for question_id, status, entry_status in rows.all():
                known = progress.get(question_id)
                if known is None or known[1] is None:
                    progress[question_id] = (status, entry_status)
        return progress


class SearchRevisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self) -> int:
        result = await self.session.execute(
            select(func.coalesce(func.max(SearchRevision.revision), 0))
            .where(SearchRevision.scope == LIBRARY))
        return int(result.scalar_one())

    async def bump(self) -> None:
        """Mark the library changed (call in the unit of work that changes it)."""
        stmt = upsert_insert(self.session, SearchRevision).values(scope=LIBRARY, revision=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["scope"], set_={"revision": SearchRevision.revision + 1})
        await self.session.execute(stmt)

