"""Who knows what: members declare topics; questions and ``who knows`` find matching people."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.types import Person as PersonRef
from storage.repositories.expertise import ExpertiseRepository
from storage.repositories.people import person_ref

_WORD = re.compile(r"[a-z0-9&+#]+")
_STOP = frozenset("a an and the of for in on to with by at or from about how what".split())
MAX_TOPIC = 200


def topic_key(topic: str) -> str:
    """Lower-case words, punctuation dropped: ``"SPC charts!"`` → ``"spc charts"``."""
    return " ".join(_WORD.findall(topic.lower()))[:MAX_TOPIC]


def _terms(text: str) -> set[str]:
    terms = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOP:
            continue
        terms.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return terms


def split_topics(text: str) -> list[str]:
    """``"SPC, R, evaluation of social prescribing"`` → three topics."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


@dataclass(frozen=True)
class Expert:
    person: PersonRef
    topics: tuple[str, ...]
    score: float


class ExpertiseService:
    def __init__(self, session: AsyncSession) -> None:
        self.repo = ExpertiseRepository(session)

    async def add(self, person_id: int, text: str, now: datetime) -> tuple[list[str], list[str]]:
        """Add topics; returns (added, already there)."""
        added, known = [], []
        for topic in split_topics(text):
            key = topic_key(topic)
            if not key:
                continue
            if await self.repo.add(person_id, topic[:MAX_TOPIC], key, now):
                added.append(topic)
            else:
                known.append(topic)
        return added, known

    async def remove(self, person_id: int, text: str) -> int:
        keys = [topic_key(t) for t in split_topics(text)]
        return await self.repo.remove(person_id, [k for k in keys if k])

    async def topics(self, person_id: int) -> list[str]:
        return [e.topic for e in await self.repo.of(person_id)]

    async def who_knows(self, text: str, *, limit: int | None = 10,
                        exclude: Sequence[PersonRef] = ()) -> list[Expert]:
        """People whose declared topics share words with ``text``, best match first."""
        wanted = _terms(text)
        if not wanted:
            return []
        excluded = {(p.platform, p.workspace, p.user_id) for p in exclude}
        scores: dict[int, float] = defaultdict(float)
        topics: dict[int, list[str]] = defaultdict(list)
        people: dict[int, PersonRef] = {}
        for expertise, person in await self.repo.everyone():
            if (person.platform, person.workspace, person.user_id) in excluded:
                continue
            have = _terms(expertise.topic)
            shared = wanted & have
            if not shared:
                continue
            # Share of the topic covered, so "R" matches "R" better than "R and Python".
            score = len(shared) / len(have) + len(shared) / len(wanted)
            scores[person.id] = max(scores[person.id], score)
            topics[person.id].append(expertise.topic)
            people[person.id] = person_ref(person)
        ranked = sorted(scores, key=lambda pid: (-scores[pid], people[pid].name.lower()))
        return [Expert(people[pid], tuple(sorted(topics[pid])), scores[pid])
                for pid in ranked[:limit]]
