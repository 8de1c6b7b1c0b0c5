"""A seminar's recording and slides: each is a library resource of that type (so questions
and ``resources`` find it) tied to the seminar.  Adding one again replaces its link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.services.event_notices import event_label
from bot.services.events import EventService
from bot.services.library import (
    ResourceFields,
    apply_resource,
    library_changed,
    new_resource,
    url_problem,
)
from bot.settings import NetworkSettings
from bot.timefmt import format_date
from storage.models.events import Event
from storage.models.knowledge import Resource
from storage.models.seminars import RECORDING, SLIDES
from storage.repositories.seminars import MaterialRepository

KINDS = (RECORDING, SLIDES)


@dataclass(frozen=True)
class MaterialAdded:
    event: Event
    resource: Resource
    replaced: bool


async def add_material(session: AsyncSession, settings: NetworkSettings, event_id: int, kind: str,
                       url: str, person_id: int, now: datetime) -> MaterialAdded:
    assert kind in KINDS
    event = await EventService(session, settings).get(event_id)
    if not url:
        raise UserError(f"Give the link, e.g. event {kind} {event.id} https://…")
    if problem := url_problem(url):
        raise UserError(f"{problem}. Nothing was saved.")
    noun = "Recording" if kind == RECORDING else "Slides"
    fields = ResourceFields(
        title=f"{noun}: {event.title}", url=url, type=kind,
        summary=f"{noun} of the seminar {event_label(event)} on "
                f"{format_date(event.starts_at, settings.zone)}"
                + (f", with {event.speaker}" if event.speaker else "") + ".",
        tags=("seminar",))
    materials = MaterialRepository(session)
    existing = (await materials.of_event(event.id)).get(kind)
    if existing is not None:
        apply_resource(existing, fields, event.community_id, now)
        await library_changed(session, settings)
        return MaterialAdded(event, existing, True)
    resource = new_resource(fields, event.community_id, person_id, now)
    session.add(resource)
    await session.flush()
    await materials.link(event.id, resource.id, kind, now)
    await library_changed(session, settings)
    return MaterialAdded(event, resource, False)
