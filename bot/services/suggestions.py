"""Learning from use: questions the library failed, put to organisers as review items.

A question whose answer the asker marked "No", and a question the network answered, show
that the library has (or should have) an entry worded differently.  ``faq suggestions`` lists
them with the entries they most likely belong to; adding the question as a phrasing of one
of them takes effect at once (the search index is rebuilt on the next question, in every
process), and the item leaves the list, as it does when dismissed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotFound, UserError
from bot.services.knowledge import rank
from bot.services.library import library_changed
from bot.settings import NetworkSettings
from storage.models.knowledge import NOT_HELPFUL, PUBLISHED, FaqEntry, QuestionLog
from storage.repositories.knowledge import FaqRepository, QuestionLogRepository

SUGGESTIONS = 20  # items listed at once
TARGETS = 2  # entries offered per item
NOT_HELPFUL_REASON = "not helpful"
NETWORK_REASON = "answered by the network"


@dataclass(frozen=True)
class Suggestion:
    log: QuestionLog
    reason: str  # NOT_HELPFUL_REASON or NETWORK_REASON
    given: FaqEntry | None  # the entry given as the answer (marked "No")
    targets: tuple[FaqEntry, ...]  # entries the question may be another phrasing of


async def suggestions(session: AsyncSession, settings: NetworkSettings) -> list[Suggestion]:
    """The review items, newest first."""
    faq = FaqRepository(session)
    items = []
    for log, made_from_answer in await QuestionLogRepository(session).to_review(SUGGESTIONS):
        not_helpful = log.feedback == NOT_HELPFUL and log.answered
        given = (await faq.get(log.faq_entry_id)) if not_helpful and log.faq_entry_id else None
        given_id = given.id if given is not None else None
        targets: list[FaqEntry] = []
        if made_from_answer is not None:
            entry = await faq.get(made_from_answer)
            if entry is not None and entry.status == PUBLISHED:
                targets.append(entry)
        for match in (await rank(session, settings, log.text, top=TARGETS + 1)).matches:
            if match.entry.id not in {e.id for e in targets} and match.entry.id != given_id:
                targets.append(match.entry)
        items.append(Suggestion(log, NOT_HELPFUL_REASON if not_helpful else NETWORK_REASON,
                                given, tuple(targets[:TARGETS])))
    return items


async def _pending(session: AsyncSession, log_id: int) -> QuestionLog:
    log = await QuestionLogRepository(session).get(log_id)
    if log is None:
        raise NotFound(f"There is no question Q{log_id}.")
    if log.reviewed_at is not None:
        raise UserError(f"Q{log_id} has already been reviewed.")
    return log


async def add_phrasing(session: AsyncSession, settings: NetworkSettings, log_id: int, entry_id: int,
                       now: datetime) -> tuple[QuestionLog, FaqEntry]:
    """Add question ``log_id`` as another phrasing of entry ``entry_id`` (used from the next
    question on) and mark it reviewed."""
    log = await _pending(session, log_id)
    entry = await FaqRepository(session).get(entry_id)
    if entry is None or entry.status != PUBLISHED:
        raise NotFound(f"There is no published FAQ entry F{entry_id}.")
    phrasing = " ".join(log.text.split())[:1000]
    known = {p.casefold() for p in _phrasings(entry)}
    if phrasing.casefold() not in known:
        entry.alternates = [*(entry.alternates or ()), phrasing]  # a new list: JSON column
        entry.updated_at = now
        await library_changed(session, settings, [entry])
    log.reviewed_at = now
    return log, entry


async def dismiss(session: AsyncSession, log_id: int, now: datetime) -> QuestionLog:
    """Take question ``log_id`` off the review list without changing the library."""
    log = await _pending(session, log_id)
    log.reviewed_at = now
    return log


def _phrasings(entry: FaqEntry) -> Sequence[str]:
    return [entry.question, *(entry.alternates or ())]
