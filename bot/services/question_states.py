"""Where each question stands, so none vanishes:

- ``open`` — the FAQ had no answer and nobody has put it to the network yet;
- ``escalated`` — put to the network, waiting for an answer;
- ``answered`` — the FAQ answered it, or someone in the network did;
- ``published`` — its accepted answer is now a published FAQ entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

# Light to import (no SQLAlchemy at import time): the CLI offers the states as choices.
if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.models.knowledge import QuestionLog

QUESTION_STATES = ("open", "escalated", "answered", "published")


@dataclass(frozen=True)
class QuestionState:
    question: QuestionLog
    state: str


def state_of(question: QuestionLog, progress: tuple[str, str | None] | None) -> str:
    from storage.models.knowledge import PUBLISHED
    from storage.models.network import OPEN

    if progress is not None:
        status, entry_status = progress
        if entry_status == PUBLISHED:
            return "published"
        return "escalated" if status == OPEN else "answered"
    return "answered" if question.answered else "open"


async def with_states(session: AsyncSession, questions: Sequence[QuestionLog],
                      ) -> list[QuestionState]:
    from storage.repositories.knowledge import QuestionLogRepository

    progress = await QuestionLogRepository(session).escalation_progress(
        q.id for q in questions)
    return [QuestionState(q, state_of(q, progress.get(q.id))) for q in questions]


async def questions_since(session: AsyncSession, start: datetime | None, *,
                          states: Sequence[str] = QUESTION_STATES) -> list[QuestionState]:
    """Questions asked since ``start`` (all when None), oldest first, in ``states``."""
    from storage.repositories.knowledge import QuestionLogRepository

    asked = await QuestionLogRepository(session).since(start)
    return [q for q in await with_states(session, asked) if q.state in states]


async def recent_questions(session: AsyncSession, *, states: Sequence[str] = QUESTION_STATES,
                           limit: int | None = 20) -> list[QuestionState]:
    """The latest questions in ``states``, newest first (looks back over the last 500;
    ``limit`` None: all of those)."""
    from storage.repositories.knowledge import QuestionLogRepository

    latest = await QuestionLogRepository(session).recent(500)
    return [q for q in await with_states(session, latest) if q.state in states][:limit]
