"""Communities of practice: seeded from settings, imported from a file."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.importing import ImportFailed, Row, require
from bot.progress import Track, quietly
from bot.settings import NetworkSettings
from storage.models import Community
from storage.repositories.communities import CommunityRepository

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64]


async def resolve_community(session: AsyncSession, name: str) -> Community | None:
    """The community named by slug or display name (case-insensitive), if any."""
    repo = CommunityRepository(session)
    found = await repo.by_slug(name)
    if found is None:
        found = await repo.by_slug(slugify(name))
    return found


async def ensure_community(session: AsyncSession, name: str) -> tuple[Community, bool]:
    """The community for ``name``, created if missing; the bool says whether it was created."""
    found = await resolve_community(session, name)
    if found is not None:
        return found, False
    slug = slugify(name)
    await CommunityRepository(session).ensure([(slug, name.strip())])
    created = await CommunityRepository(session).by_slug(slug)
    assert created is not None
    return created, True


async def import_communities(
    session: AsyncSession, rows: list[Row], settings: NetworkSettings, now: datetime, *,
    track: Track = quietly,
) -> str:
    """Rows: ``slug,name`` required, ``description`` optional."""
    problems = require(rows, ["slug", "name"])
    for row in rows:
        if row.get("slug") and not SLUG.match(row.get("slug").lower()):
            problems.append(f"row {row.number}: slug {row.get('slug')!r} must be lower-case "
                            "letters, digits and hyphens")
    if problems:
        raise ImportFailed(problems)
    repo = CommunityRepository(session)
    created = updated = unchanged = 0
    for row in track(rows, "communities"):
        slug = row.get("slug").lower()
        existing = await repo.by_slug(slug)
        if existing is None:
            session.add(Community(slug=slug, name=row.get("name"),
                                  description=row.get("description")))
            created += 1
        elif (existing.name, existing.description) == (row.get("name"),
                                                       row.get("description")):
            unchanged += 1
        else:
            existing.name = row.get("name")
            existing.description = row.get("description")
            updated += 1
    await session.flush()
    return (f"Imported communities: {created} created, {updated} updated, "
            f"{unchanged} unchanged.")
