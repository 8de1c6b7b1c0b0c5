"""What people thought of a seminar: one rating (1–5) per person who came, with one optional
sentence, shown to organisers without names unless the person chose to sign."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.services.event_notices import event_label
from bot.services.events import EventService
from bot.settings import NetworkSettings
from storage.models.events import Event
from storage.repositories.seminars import AttendanceRepository, FeedbackRepository

COMMENT_LIMIT = 500


@dataclass(frozen=True)
class Comment:
    text: str
    rating: int
    author: str  # "" unless the person signed


@dataclass(frozen=True)
class FeedbackSummary:
    event: Event
    attended: int
    count: int
    average: float | None
    distribution: dict[int, int]
    comments: list[Comment]


def parse_rating(word: str) -> int:
    if not word.isdigit() or not 1 <= int(word) <= 5:
        raise UserError(f"“{word}” is not a rating: give a number from 1 (not useful) to 5 "
                        "(very useful).")
    return int(word)


class FeedbackService:
    def __init__(self, session: AsyncSession, settings: NetworkSettings) -> None:
        self.session = session
        self.events = EventService(session, settings)
        self.feedback = FeedbackRepository(session)

    async def _attended(self, event_id: int, person_id: int) -> Event:
        event = await self.events.get(event_id)
        if await AttendanceRepository(self.session).find(event_id, person_id) is None:
            raise UserError(f"Feedback on {event_label(event)} is for people who came. If you "
                            "were there, ask an organiser to mark you as attended.")
        return event

    async def give(self, event_id: int, person_id: int, rating: int, comment: str | None,
                   signed: bool, now: datetime) -> Event:
        """Record (or change) the person's rating and, when given, their comment."""
        if comment is not None and len(comment.strip()) > COMMENT_LIMIT:
            raise UserError(f"Please keep the comment to one sentence (at most {COMMENT_LIMIT} "
                            "characters). Nothing was saved.")
        event = await self._attended(event_id, person_id)
        if event.starts_at > now:
            raise UserError(f"{event_label(event)} has not happened yet; feedback opens when "
                            "it starts.")
        await self.feedback.rate(event_id, person_id, rating, now)
        if comment is not None and comment.strip():
            await self.feedback.comment(event_id, person_id, " ".join(comment.split()),
                                        signed, now)
        return event

    async def summary(self, event_id: int) -> FeedbackSummary:
        event = await self.events.get(event_id)
        rows = await self.feedback.of_event(event_id)
        attended = len(await AttendanceRepository(self.session).person_ids(event_id))
        ratings = Counter(f.rating for f, _ in rows)
        average = sum(f.rating for f, _ in rows) / len(rows) if rows else None
        comments = [Comment(f.comment, f.rating,
                            (p.display_name or p.user_id) if f.signed else "")
                    for f, p in rows if f.comment]
        return FeedbackSummary(event, attended, len(rows), average,
                               {n: ratings.get(n, 0) for n in range(1, 6)}, comments)
