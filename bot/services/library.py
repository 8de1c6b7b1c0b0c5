"""Writing the library: FAQ entries and resources from import files or from chat.

Both paths share one validation (:func:`check_faq`, :func:`check_resource`) that reports
every problem by field, and one way to write (:func:`save_faq`, :func:`save_resource`).  Any
write bumps the search revision in the same unit of work; with the semantic engine the new
texts' embeddings are computed and stored too, so no process computes them again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import InvalidFields
from bot.links import link_problem
from bot.progress import Track, quietly
from bot.services.communities import ensure_community, resolve_community
from bot.settings import NetworkSettings
from bot.timefmt import parse_date
from storage.models.knowledge import PUBLISHED, RESOURCE_TYPES, FaqEntry, Resource
from storage.repositories.communities import CommunityRepository
from storage.repositories.knowledge import SearchRevisionRepository

ALTERNATES_SEPARATOR = " | "


@dataclass(frozen=True)
class FaqFields:
    question: str
    answer: str
    external_id: str | None = None
    url: str = ""
    community: str = ""
    tags: tuple[str, ...] = ()
    alternates: tuple[str, ...] = ()
    owner: str = ""
    last_reviewed: date | None = None


@dataclass(frozen=True)
class ResourceFields:
    title: str
    url: str
    external_id: str | None = None
    summary: str = ""
    type: str = "guide"
    community: str = ""
    tags: tuple[str, ...] = ()
    published: date | None = None


def split_tags(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip().lower() for t in text.split(",") if t.strip()))


def split_alternates(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.split("|") if a.strip())


def url_problem(url: str) -> str | None:
    problem = link_problem(url)
    return f"the link {problem}" if problem else None


def _limited(values: Mapping[str, str], name: str, limit: int,
             problems: dict[str, str]) -> str:
    value = values.get(name, "").strip()
    if len(value) > limit:
        problems[name] = f"at most {limit} characters, please"
    return value


def _optional_date(values: Mapping[str, str], name: str,
                   problems: dict[str, str]) -> date | None:
    """The date in ``values[name]``, None when blank; a bad one is added to ``problems``."""
    if not values.get(name, "").strip():
        return None
    try:
        return parse_date(values[name])
    except ValueError as exc:
        problems[name] = str(exc)
        return None


def check_faq(values: Mapping[str, str], *, id_field: str = "external_id",
              ) -> tuple[FaqFields | None, dict[str, str]]:
    """Validate FAQ fields (text values); returns the fields or every problem by name."""
    problems: dict[str, str] = {}
    for name in ("question", "answer"):
        if not values.get(name, "").strip():
            problems[name] = "required"
    url = _limited(values, "url", 1000, problems)
    if url and "url" not in problems and (problem := url_problem(url)):
        problems["url"] = problem
    external_id = _limited(values, id_field, 128, problems) or None
    owner = _limited(values, "owner", 200, problems)
    community = _limited(values, "community", 200, problems)
    reviewed = _optional_date(values, "reviewed", problems)
    if problems:
        return None, problems
    return FaqFields(
        question=values["question"].strip(), answer=values["answer"].strip(),
        external_id=external_id, url=url, community=community,
        tags=split_tags(values.get("tags", "")),
        alternates=split_alternates(values.get("alternates", "")),
        owner=owner, last_reviewed=reviewed,
    ), {}


def check_resource(values: Mapping[str, str], *, id_field: str = "external_id",
                   ) -> tuple[ResourceFields | None, dict[str, str]]:
    problems: dict[str, str] = {}
    title = _limited(values, "title", 300, problems)
    if not title:
        problems["title"] = "required"
    url = _limited(values, "url", 1000, problems)
    if not url:
        problems["url"] = "required"
    elif "url" not in problems and (problem := url_problem(url)):
        problems["url"] = problem
    kind = values.get("type", "").strip().lower() or "guide"
    if kind not in RESOURCE_TYPES:
        problems["type"] = f"{kind!r} is not one of {', '.join(RESOURCE_TYPES)}"
    external_id = _limited(values, id_field, 128, problems) or None
    community = _limited(values, "community", 200, problems)
    published = _optional_date(values, "published", problems)
    if problems:
        return None, problems
    return ResourceFields(
        title=title, url=url, external_id=external_id,
        summary=values.get("summary", "").strip(), type=kind, community=community,
        tags=split_tags(values.get("tags", "")), published=published,
    ), {}


async def community_id(session: AsyncSession, name: str, *, create: bool,
                       created: list[str] | None = None) -> int | None:
    """The id of the community named (``None`` for no name).  With ``create`` a missing one is
    created and its name added to ``created``; without, a missing one raises LookupError."""
    if not name:
        return None
    if create:
        community, new = await ensure_community(session, name)
        if new and created is not None:
            created.append(community.name)
        return community.id
    found = await resolve_community(session, name)
    if found is None:
        raise LookupError(name)
    return found.id


async def chat_community(session: AsyncSession, name: str) -> int | None:
    """The community named in a chat form; an unknown name is a field error (chat never
    creates communities: a typo would make a new one)."""
    try:
        return await community_id(session, name, create=False)
    except LookupError:
        known = ", ".join(c.slug for c in await CommunityRepository(session).list())
        raise InvalidFields({"community": f"there is no community called “{name}” "
                                          f"(try one of: {known})"}) from None


def id_taken(public_id: str, external_id: str) -> InvalidFields:
    return InvalidFields({"id": f"{public_id} already has the id “{external_id}”"})


def apply_faq(entry: FaqEntry, fields: FaqFields, community: int | None, now: datetime) -> None:
    entry.question = fields.question
    entry.answer = fields.answer
    entry.url = fields.url
    entry.community_id = community
    entry.tags = list(fields.tags)
    entry.alternates = list(fields.alternates)
    if fields.external_id:
        entry.external_id = fields.external_id
    if fields.owner:
        entry.owner = fields.owner
    if fields.last_reviewed:
        entry.last_reviewed = fields.last_reviewed
    entry.updated_at = now


def new_faq(fields: FaqFields, community: int | None, person_id: int | None,
            now: datetime) -> FaqEntry:
    entry = FaqEntry(status=PUBLISHED, owner="", credit="", created_by=person_id,
                     created_at=now, alternates=[], tags=[])
    apply_faq(entry, fields, community, now)
    return entry


def apply_resource(resource: Resource, fields: ResourceFields, community: int | None,
                   now: datetime) -> None:
    resource.title = fields.title
    resource.url = fields.url
    resource.summary = fields.summary
    resource.type = fields.type
    resource.community_id = community
    resource.tags = list(fields.tags)
    if fields.external_id:
        resource.external_id = fields.external_id
    if fields.published:
        resource.published = fields.published
    resource.updated_at = now


def new_resource(fields: ResourceFields, community: int | None, person_id: int | None,
                 now: datetime) -> Resource:
    resource = Resource(added_by=person_id, created_at=now, tags=[])
    apply_resource(resource, fields, community, now)
    return resource


async def add_faq_entry(session: AsyncSession, settings: NetworkSettings, fields: FaqFields,
                        community: int | None, person_id: int | None,
                        now: datetime) -> FaqEntry:
    """Add one FAQ entry and refresh the search index; returns it with its id."""
    entry = new_faq(fields, community, person_id, now)
    session.add(entry)
    await library_changed(session, settings, [entry])
    return entry


async def add_library_resource(session: AsyncSession, settings: NetworkSettings,
                               fields: ResourceFields, community: int | None,
                               person_id: int | None, now: datetime) -> Resource:
    """Add one library resource; returns it with its id."""
    resource = new_resource(fields, community, person_id, now)
    session.add(resource)
    await library_changed(session, settings)
    return resource


async def library_changed(session: AsyncSession, settings: NetworkSettings,
                          entries: Sequence[FaqEntry] = (), *, track: Track = quietly) -> None:
    """Call after writing: flushes, marks the index stale and stores new embeddings
    (``track`` shows progress through computing them)."""
    from bot.services.knowledge_index import (
        SEMANTIC,
        analyzer_for,
        engine_kind,
        entry_vectors,
        faq_text,
    )

    await session.flush()
    await SearchRevisionRepository(session).bump()
    if entries and engine_kind(settings) == SEMANTIC:
        await entry_vectors(session, analyzer_for(settings), [faq_text(e) for e in entries],
                            track=track)
