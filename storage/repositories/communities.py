"""Communities of practice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.models import Community


class CommunityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ensure(self, seeds: Iterable[tuple[str, str]]) -> list[str]:
        """Create the (slug, name) communities that do not exist yet; returns the new slugs."""
        created = []
        for slug, name in seeds:
            stmt = upsert_insert(self.session, Community).values(
                slug=slug, name=name, description=""
            ).on_conflict_do_nothing(index_elements=["slug"])
            result = await self.session.execute(stmt)
            if result.rowcount:  # type: ignore[attr-defined]
                created.append(slug)
        return created

    async def list(self) -> Sequence[Community]:
        result = await self.session.execute(select(Community).order_by(Community.slug))
        return result.scalars().all()

    async def by_id(self) -> dict[int, Community]:
        """Every community, keyed by id."""
        result = await self.session.execute(select(Community))
        return {c.id: c for c in result.scalars()}

    async def by_slug(self, slug: str) -> Community | None:
        result = await self.session.execute(
            select(Community).where(Community.slug == slug.strip().lower())
        )
        return result.scalar_one_or_none()
