"""``copbot import faq FILE`` and ``copbot import resources FILE``.

FAQ columns: ``external_id,question,answer`` required; ``url,community,tags,alternates,
owner,reviewed`` optional (``tags`` comma-separated, ``alternates`` separated by `` | ``,
``owner`` a name or a ``platform:workspace:user`` key, ``reviewed`` a date).  Resource columns:
``external_id,title,url`` required; ``summary,type,community,tags,published`` optional.
The whole file is checked first and nothing is written if any row is wrong; re-importing
updates entries by ``external_id``; communities named that do not exist yet are created.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.importing import ImportFailed, Row, require
from bot.progress import Track, quietly
from bot.services.library import (
    FaqFields,
    ResourceFields,
    apply_faq,
    apply_resource,
    check_faq,
    check_resource,
    community_id,
    library_changed,
    new_faq,
    new_resource,
)
from bot.settings import NetworkSettings
from storage.models.knowledge import FaqEntry, Resource
from storage.repositories.knowledge import FaqRepository, ResourceRepository

FAQ_REQUIRED = ("external_id", "question", "answer")
FAQ_OPTIONAL = ("url", "community", "tags", "alternates", "owner", "reviewed")
RESOURCE_REQUIRED = ("external_id", "title", "url")
RESOURCE_OPTIONAL = ("summary", "type", "community", "tags", "published")

F = TypeVar("F")


def _validate(rows: list[Row], required: Sequence[str], optional: Sequence[str],
              check: Callable[[Mapping[str, str]], tuple[F | None, dict[str, str]]],
              ) -> list[F]:
    problems = []
    known = set(required) | set(optional)
    columns = {name for row in rows for name in row.values}
    unknown = sorted(columns - known)
    if unknown:
        problems.append(f"unknown column{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(unknown)} (expected {', '.join([*required, *optional])})")
    problems += require(rows, required)
    seen = Counter(row.get("external_id") for row in rows if row.get("external_id"))
    parsed: list[F] = []
    for row in rows:
        fields, field_problems = check({k: v for k, v in row.values.items()})
        for name, problem in field_problems.items():
            if problem != "required":  # already reported by require()
                problems.append(f"row {row.number}: {name}: {problem}")
        if seen[row.get("external_id")] > 1:
            problems.append(f"row {row.number}: external_id {row.get('external_id')!r} "
                            "appears more than once in the file")
        if fields is not None:
            parsed.append(fields)
    if problems:
        raise ImportFailed(problems)
    return parsed


def import_summary(kind: str, created: int, updated: int, unchanged: int) -> str:
    """The one wording every importer uses."""
    return f"Imported {kind}: {created} created, {updated} updated, {unchanged} unchanged."


def _faq_state(entry: FaqEntry) -> tuple[object, ...]:
    return (entry.question, entry.answer, entry.url, entry.community_id, list(entry.tags),
            list(entry.alternates), entry.external_id, entry.owner, entry.last_reviewed)


def _resource_state(resource: Resource) -> tuple[object, ...]:
    return (resource.title, resource.url, resource.summary, resource.type,
            resource.community_id, list(resource.tags), resource.external_id,
            resource.published)


def _summary(kind: str, created: int, updated: int, unchanged: int,
             communities: list[str]) -> str:
    text = import_summary(kind, created, updated, unchanged)
    if communities:
        text += (f" New communit{'ies' if len(communities) > 1 else 'y'} created: "
                 + ", ".join(communities) + ".")
    return text


async def import_faq(session: AsyncSession, rows: list[Row], settings: NetworkSettings,
                     now: datetime, *, track: Track = quietly) -> str:
    fields_list: list[FaqFields] = _validate(rows, FAQ_REQUIRED, FAQ_OPTIONAL, check_faq)
    existing = await FaqRepository(session).by_external_ids(
        f.external_id for f in fields_list if f.external_id)
    new_communities: list[str] = []
    changed: list[FaqEntry] = []
    created = unchanged = 0
    for fields in track(fields_list, "FAQ entries"):
        community = await community_id(session, fields.community, create=True,
                                       created=new_communities)
        entry = existing.get(fields.external_id or "")
        if entry is None:
            entry = new_faq(fields, community, None, now)
            session.add(entry)
            created += 1
        else:
            before, stamp = _faq_state(entry), entry.updated_at
            apply_faq(entry, fields, community, now)
            if _faq_state(entry) == before:
                entry.updated_at = stamp
                unchanged += 1
                continue
        changed.append(entry)
    await library_changed(session, settings, changed, track=track)
    return _summary("FAQ entries", created, len(changed) - created, unchanged,
                    new_communities)


async def import_resources(session: AsyncSession, rows: list[Row], settings: NetworkSettings,
                           now: datetime, *, track: Track = quietly) -> str:
    fields_list: list[ResourceFields] = _validate(rows, RESOURCE_REQUIRED, RESOURCE_OPTIONAL,
                                                  check_resource)
    existing = await ResourceRepository(session).by_external_ids(
        f.external_id for f in fields_list if f.external_id)
    new_communities: list[str] = []
    created = unchanged = 0
    for fields in track(fields_list, "resources"):
        community = await community_id(session, fields.community, create=True,
                                       created=new_communities)
        resource: Resource | None = existing.get(fields.external_id or "")
        if resource is None:
            session.add(new_resource(fields, community, None, now))
            created += 1
        else:
            before, stamp = _resource_state(resource), resource.updated_at
            apply_resource(resource, fields, community, now)
            if _resource_state(resource) == before:
                resource.updated_at = stamp
                unchanged += 1
    await library_changed(session, settings)
    return _summary("resources", created, len(fields_list) - created - unchanged, unchanged,
                    new_communities)
