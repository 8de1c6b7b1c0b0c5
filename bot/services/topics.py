"""Topics the network asks for: suggestions, one vote per person per topic, and organisers
planning a seminar that answers a topic (its voters are told) or closing it.

Near-duplicates are found with the same engine that answers questions (the FAQ ranking over
the open topics' titles, with the same answer threshold), so "SPC charts" finds "Intro to
statistical process control charts" when the library's synonyms say so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotFound, UserError
from bot.services.communities import resolve_community
from bot.services.events import EventService
from bot.settings import NetworkSettings
from storage.models import Community, Person
from storage.models.events import EVENT_CANCELLED, Event
from storage.models.seminars import TOPIC_CLOSED, TOPIC_OPEN, TOPIC_PLANNED, Topic
from storage.repositories.communities import CommunityRepository
from storage.repositories.seminars import TopicRepository

TITLE_LIMIT = 300
log = logging.getLogger(__name__)

SIMILAR_SHOWN = 3
# The ranking score (0–1) from which an open topic counts as worded like a new suggestion.
NEAR_DUPLICATE_SCORE = 0.5


@dataclass(frozen=True)
class Suggested:
    topic: Topic | None  # None when near-duplicates were offered instead
    similar: list[tuple[Topic, int]]


@dataclass(frozen=True)
class Planned:
    topic: Topic
    event: Event
    voters: list[Person]


def topic_id_from(word: str | None, command: str) -> int:
    text = (word or "").strip().upper().lstrip("T")
    if not text.isdigit():
        raise UserError(f"Which topic? Give its number, e.g. {command} T3.")
    return int(text)


class TopicService:
    def __init__(self, session: AsyncSession, settings: NetworkSettings) -> None:
        self.session = session
        self.settings = settings
        self.topics = TopicRepository(session)

    async def community(self, name: str) -> Community | None:
        if not name:
            return None
        found = await resolve_community(self.session, name)
        if found is None:
            known = ", ".join(c.slug for c in await CommunityRepository(self.session).list())
            raise UserError(f"There is no community called “{name}”. Try one of: {known}.")
        return found

    async def suggest(self, title: str, community_name: str, person_id: int, now: datetime,
                      *, anyway: bool = False) -> Suggested:
        title = " ".join(title.split())
        if not title:
            raise UserError("What would you like a seminar about? e.g. suggest Forecasting "
                            "A&E demand community=analysis")
        if len(title) > TITLE_LIMIT:
            raise UserError(f"Please keep the topic under {TITLE_LIMIT} characters.")
        community = await self.community(community_name)
        if not anyway:
            similar = await self.similar(title)
            if similar:
                return Suggested(None, similar)
        topic = await self.topics.add(title, community.id if community else None, person_id,
                                      now)
        await self.topics.toggle_vote(topic.id, person_id, now)  # you want what you suggest
        return Suggested(topic, [])

    async def similar(self, title: str) -> list[tuple[Topic, int]]:
        """Open topics worded like ``title``, closest first, with their votes."""
        open_topics = await self.topics.with_votes()
        if not open_topics:
            return []
        by_id = {topic.id: (topic, votes) for topic, votes in open_topics}
        # The search engine (and numpy) load on first use, not when the bot starts.
        from bot.services.knowledge_index import SearchUnavailable, phrase_search
        from storage.search.engine import FaqText

        try:
            search = phrase_search(self.settings, [FaqText(topic.id, topic.title, "")
                                                   for topic, _ in open_topics])
        except SearchUnavailable as exc:  # the suggestion is still taken, unchecked
            log.error("%s", exc)
            return []
        hits = search.rank(title, limit=SIMILAR_SHOWN)
        return [by_id[h.key] for h in hits if h.score >= NEAR_DUPLICATE_SCORE]

    async def open_topics(self, community_name: str) -> tuple[Community | None,
                                                              list[tuple[Topic, int]]]:
        community = await self.community(community_name)
        return community, await self.topics.with_votes(
            community_id=community.id if community else None)

    async def get(self, topic_id: int, *, lock: bool = False) -> Topic:
        topic = await self.topics.get(topic_id, lock=lock)
        if topic is None:
            raise NotFound(f"There is no topic T{topic_id}. Type topics to see them.")
        return topic

    async def vote(self, topic_id: int, person_id: int, now: datetime) -> tuple[Topic, bool, int]:
        """Vote, or withdraw a vote; returns (topic, voting now, votes)."""
        topic = await self.get(topic_id)
        if topic.status != TOPIC_OPEN:
            raise UserError(f"T{topic.id} is {topic.status}; votes are for open topics.")
        voting = await self.topics.toggle_vote(topic_id, person_id, now)
        return topic, voting, await self.topics.votes(topic_id)

    async def plan(self, topic_id: int, event_id: int, now: datetime) -> Planned:
        topic = await self.get(topic_id, lock=True)
        event = await EventService(self.session, self.settings).get(event_id)
        if event.status == EVENT_CANCELLED:
            raise UserError(f"#{event.id} was cancelled; pick a scheduled seminar.")
        if topic.status == TOPIC_PLANNED and topic.event_id == event.id:
            raise UserError(f"T{topic.id} is already planned for #{event.id}; its voters were "
                            "told then.")
        topic.status = TOPIC_PLANNED
        topic.event_id = event.id
        topic.updated_at = now
        await self.session.flush()
        return Planned(topic, event, await self.topics.voters(topic.id))

    async def close(self, topic_id: int, now: datetime) -> Topic:
        topic = await self.get(topic_id, lock=True)
        topic.status = TOPIC_CLOSED
        topic.updated_at = now
        await self.session.flush()
        return topic
