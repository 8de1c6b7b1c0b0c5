"""Asking the library: answers when the best entry is likely enough to be right for the
target precision (``COPBOT_ANSWER_PRECISION``, see :mod:`storage.search.answering`), honest
"not yet" below it.

Every question asked in chat is logged (:class:`QuestionLog`) with what was answered, the
score and, later, the asker's feedback, so organisers can see what is asked and not answered.
``copbot ask --jsonl`` ranks with the same engine and threshold but logs nothing: it is for
evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import NetworkSettings
from storage.models.knowledge import HELPFUL, NOT_HELPFUL, FaqEntry, QuestionLog, Resource
from storage.repositories.knowledge import FaqRepository, QuestionLogRepository, ResourceRepository

# The index (numpy, the search engine) loads on the first search, not when the bot starts.
if TYPE_CHECKING:
    from bot.services.knowledge_index import LibraryIndex
    from storage.search.answering import Decision


async def library_index(session: AsyncSession, settings: NetworkSettings) -> LibraryIndex:
    from bot.services.knowledge_index import library_index as current_index

    return await current_index(session, settings)

DID_YOU_MEAN = 3
RELATED_RESOURCES = 3
# A related resource shares a tag with the entry or matches its question at least this well.
RELATED_THRESHOLD = 0.5


@dataclass(frozen=True)
class Match:
    entry: FaqEntry
    score: float


@dataclass(frozen=True)
class Ranked:
    """The best matches for a question and whether the best is good enough to answer."""

    matches: tuple[Match, ...]
    answered: bool
    probability: float = 0.0  # that the best match is the answer

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True)
class Answer:
    log: QuestionLog
    ranked: Ranked
    related: tuple[Resource, ...]


def rank_in(index: LibraryIndex, settings: NetworkSettings, question: str, *, top: int = 5,
            ) -> Decision:
    """The ``top`` best entries in ``index`` (score > 0), and whether to answer with the
    first at the target precision (``COPBOT_ANSWER_PRECISION``).  No database access."""
    from storage.search.answering import decide

    return decide(index.faq, question, settings.answer_precision, limit=top)


async def rank(session: AsyncSession, settings: NetworkSettings, question: str, *,
               top: int = 5) -> Ranked:
    """The ``top`` best FAQ entries for ``question`` and whether to answer with the first."""
    decision = rank_in(await library_index(session, settings), settings, question, top=top)
    entries = await FaqRepository(session).by_ids(h.key for h in decision.hits)
    matches = tuple(Match(entries[h.key], h.score) for h in decision.hits if h.key in entries)
    answered = decision.answered and bool(matches) and matches[0].entry.id == decision.hits[0].key
    return Ranked(matches, answered, decision.probability)


async def ask(session: AsyncSession, settings: NetworkSettings, *, question: str, person_id: int,
              platform: str, workspace: str, channel: str, thread_id: str | None,
              now: datetime) -> Answer:
    """Answer ``question`` and log it."""
    ranked = await rank(session, settings, question, top=max(DID_YOU_MEAN, 1))
    best = ranked.best
    log = await QuestionLogRepository(session).add(QuestionLog(
        person_id=person_id, platform=platform, workspace=workspace, channel=channel,
        thread_id=thread_id, text=question[:4000], asked_at=now, answered=ranked.answered,
        faq_entry_id=best.entry.id if best else None, score=round(best.score, 4) if best else 0.0,
    ))
    related: tuple[Resource, ...] = ()
    if ranked.answered and best is not None:
        index = await library_index(session, settings)
        related = await related_resources(session, index, best.entry)
    return Answer(log, ranked, related)


async def recall(session: AsyncSession, settings: NetworkSettings, log: QuestionLog) -> Answer:
    """The answer a logged question got (its entry first, then the entries that rank next
    for its wording) with the entry's related resources: what a rating reply shows again."""
    ranked = await rank(session, settings, log.text, top=DID_YOU_MEAN + 1)
    entry = await FaqRepository(session).get(log.faq_entry_id) if log.faq_entry_id else None
    others = tuple(m for m in ranked.matches if entry is None or m.entry.id != entry.id)
    if entry is None or not log.answered:
        return Answer(log, Ranked(others, False), ())
    related = await related_resources(session, await library_index(session, settings), entry)
    return Answer(log, Ranked((Match(entry, log.score), *others), True), related)


async def related_resources(session: AsyncSession, index: LibraryIndex,
                            entry: FaqEntry) -> tuple[Resource, ...]:
    """Resources that share a tag with the entry or match its question well, best first."""
    tags = {t.lower() for t in entry.tags}
    hits = [h for h in index.resources.rank(" ".join([entry.question, *entry.tags]), limit=10)
            if h.score >= RELATED_THRESHOLD or tags & index.facets[h.key].tags]
    hits = hits[:RELATED_RESOURCES]
    found = await ResourceRepository(session).by_ids(h.key for h in hits)
    return tuple(found[h.key] for h in hits if h.key in found)


@dataclass(frozen=True)
class ResourceFilter:
    type: str | None = None
    community_id: int | None = None
    tag: str | None = None


async def search_resources(session: AsyncSession, settings: NetworkSettings, query: str,
                           where: ResourceFilter, *, limit: int = 10,
                           ) -> Sequence[Resource]:
    """Resources ranked for ``query`` (or, with no query, the newest) that pass ``where``."""
    repo = ResourceRepository(session)
    if not query:
        return await repo.newest(limit, type=where.type, community_id=where.community_id,
                                 tag=where.tag)
    index = await library_index(session, settings)

    def accept(key: int) -> bool:
        facets = index.facets.get(key)
        return facets is not None and (
            (where.type is None or facets.type == where.type)
            and (where.community_id is None or facets.community_id == where.community_id)
            and (where.tag is None or where.tag in facets.tags))

    hits = index.resources.rank(query, limit=limit, accept=accept)
    found = await repo.by_ids(h.key for h in hits)
    return [found[h.key] for h in hits if h.key in found]


class FeedbackRefused(Exception):
    pass


async def record_feedback(session: AsyncSession, log_id: int, person_id: int, helpful: bool,
                          now: datetime) -> QuestionLog | None:
    """Record the asker's "was this helpful?"; None if there is no such question.  Raises
    FeedbackRefused when someone other than the asker answers."""
    log = await QuestionLogRepository(session).get(log_id)
    if log is None:
        return None
    if log.person_id != person_id:
        raise FeedbackRefused(log.public_id)
    log.feedback = HELPFUL if helpful else NOT_HELPFUL
    log.feedback_at = now
    return log
