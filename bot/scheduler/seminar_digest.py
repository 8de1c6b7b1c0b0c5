"""The seminar cycle's lines in the weekly digest: the most-wanted open topics and the
recordings added this week (the sections themselves are in :mod:`bot.scheduler.digest`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.event_notices import event_label
from bot.types import Button, Item, Link
from storage.models import Community
from storage.repositories.communities import CommunityRepository
from storage.repositories.deliveries import covers
from storage.repositories.seminars import MaterialRepository, TopicRepository


async def _slugs(session: AsyncSession) -> dict[int, str]:
    communities: list[Community] = list(await CommunityRepository(session).list())
    return {c.id: c.slug for c in communities}


async def wanted_topic_items(session: AsyncSession,
                             scopes: Collection[str]) -> tuple[Item, ...]:
    """Open topics with at least one vote, most votes first, each with a Vote button."""
    slugs = await _slugs(session)
    rows = [(t, n) for t, n in await TopicRepository(session).with_votes()
            if n > 0 and covers(scopes, slugs.get(t.community_id or 0))]
    return tuple(Item(title=f"{t.public_id} {t.title}",
                      text=f"{n} vote" + ("" if n == 1 else "s"),
                      buttons=(Button("Vote", "vote", t.public_id),))
                 for t, n in rows)


async def recording_items(session: AsyncSession, scopes: Collection[str],
                          now: datetime) -> tuple[Item, ...]:
    slugs = await _slugs(session)
    rows = await MaterialRepository(session).recordings_added(now - timedelta(days=7), now)
    return tuple(Item(title=f"Recording: {event_label(event)}",
                      link=Link(resource.url, "Watch"))
                 for event, resource in rows
                 if covers(scopes, slugs.get(event.community_id or 0)))
