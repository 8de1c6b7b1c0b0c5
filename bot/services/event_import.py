"""``copbot import events FILE``: events from CSV or YAML, with the fields of ``event add``.

Columns: ``title, start`` (or ``date`` + ``time``), ``duration`` (or ``end``), ``capacity``
required; ``community, location, link, speaker, description, timezone`` and ``external_id``
optional.  The whole file is checked before anything is written; a row with an
``external_id`` seen before updates that event instead of adding another, unless that event
was cancelled: cancelled events are left alone (and the summary says so).  Messages to
registrants about the changes are queued in the outbox in the import's unit of work, for a
running ``copbot serve`` or ``copbot worker`` to send.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import InvalidFields
from bot.importing import ImportFailed, Row
from bot.notices import new_origin, queue_notices
from bot.progress import Track, quietly
from bot.services.event_fields import EventChanges, EventDraft, parse_new_event
from bot.services.events import EventService
from bot.settings import NetworkSettings
from bot.wording import plural
from storage.models.events import EVENT_SCHEDULED, Event
from storage.repositories.communities import CommunityRepository
from storage.repositories.events import EventRepository


async def import_events(session: AsyncSession, rows: list[Row], settings: NetworkSettings,
                        now: datetime, *, track: Track = quietly) -> str:
    """Validate every row, then create or update (by ``external_id``) in one unit of work."""
    repository = CommunityRepository(session)
    await repository.ensure(settings.community_seeds())  # as on start: the file may name them
    communities = list(await repository.list())
    problems: list[str] = []
    drafts: list[tuple[Row, EventDraft]] = []
    first_row: dict[str, int] = {}
    for row in rows:
        try:
            draft = parse_new_event(row.values, communities=communities,
                                    default_zone=settings.zone, now=now, for_import=True)
        except InvalidFields as exc:
            problems += [f"row {row.number}: {name}: {problem}"
                         for name, problem in exc.errors.items()]
            continue
        if draft.external_id:
            if draft.external_id in first_row:
                problems.append(f"row {row.number}: external_id {draft.external_id!r} is "
                                f"already used by row {first_row[draft.external_id]}")
                continue
            first_row[draft.external_id] = row.number
        drafts.append((row, draft))
    existing = await EventRepository(session).by_external_id(first_row)
    for row, draft in drafts:
        event = existing.get(draft.external_id or "")
        if event is not None:
            problems += _update_problems(row, draft, event)
    if problems:
        raise ImportFailed(problems)

    service = EventService(session, settings)
    created = updated = unchanged = promoted = queued = 0
    origin = new_origin()
    left_alone: list[str] = []
    for _row, draft in track(drafts, "events"):
        event = existing.get(draft.external_id or "")
        if event is None:
            await service.create(draft, created_by=None, now=now)
            created += 1
            continue
        if event.status != EVENT_SCHEDULED:  # cancelled in chat: the file does not revive it
            left_alone.append(f"#{event.id} ({draft.external_id})")
            continue
        if _same(draft, event):
            unchanged += 1
            continue
        outcome = await service.update(event.id, _changes(draft), now=now)
        updated += 1
        promoted += len(outcome.promoted)
        queued += await queue_notices(session, outcome.notifications,
                                      origin=f"{origin}:{event.id}", now=now)
    summary = f"Imported events: {created} created, {updated} updated, {unchanged} unchanged."
    if left_alone:
        summary += (f" Left alone, because cancelled: {', '.join(left_alone)}.")
    if promoted:
        summary += f" {promoted} promoted from waitlists."
    if queued:
        summary += (f" {plural(queued, 'message')} to registrants about the changes "
                    f"{'is' if queued == 1 else 'are'} queued; a running copbot serve or "
                    "copbot worker sends them.")
    return summary


def _update_problems(row: Row, draft: EventDraft, event: Event) -> list[str]:
    if event.status != EVENT_SCHEDULED:
        return []
    if draft.capacity < event.confirmed_count:
        return [f"row {row.number}: capacity: {event.confirmed_count} people are confirmed for "
                f"#{event.id}, so capacity cannot go below {event.confirmed_count}"]
    return []


def _same(draft: EventDraft, event: Event) -> bool:
    return all(getattr(draft, name) == getattr(event, name) for name in _COMPARED)


_COMPARED = ("title", "starts_at", "ends_at", "capacity", "timezone", "community_id",
             "location", "join_link", "speaker", "description")


def _changes(draft: EventDraft) -> EventChanges:
    return EventChanges(
        title=draft.title, starts_at=draft.starts_at, ends_at=draft.ends_at,
        capacity=draft.capacity, timezone=draft.timezone, community_id=draft.community_id,
        location=draft.location, join_link=draft.join_link, speaker=draft.speaker,
        description=draft.description,
    )
