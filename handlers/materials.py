"""Organisers' ``event recording <id> <url>`` and ``event slides <id> <url>``: the link goes
into the library tied to the seminar, shows on its card, and registrants are told."""

from __future__ import annotations

from bot.commands import Args, Command, CommandRegistry, Handler
from bot.context import Context
from bot.services.event_notices import event_label
from bot.services.events import CONFIRMED, EventService
from bot.services.materials import add_material
from bot.types import Button, Link, Reply
from handlers.event_cards import event_id_from
from storage.models.seminars import RECORDING, SLIDES
from storage.repositories.people import person_ref
from storage.repositories.seminars import AttendanceRepository


def material_command(kind: str) -> Handler:
    noun = "recording" if kind == RECORDING else "slides"

    async def handler(ctx: Context, args: Args) -> Reply:
        event_id = event_id_from(args, f"event {kind}")
        url = args.positional[1] if len(args.positional) > 1 else ""
        added = await add_material(ctx.session, ctx.settings, event_id, kind, url,
                                   ctx.person_id, ctx.now())
        event = added.event
        roster = await EventService(ctx.session, ctx.settings).attendees(event.id)
        people = {a.person_id: a.person for a in roster if a.status == CONFIRMED}
        came = await AttendanceRepository(ctx.session).of_event(event.id)
        people.update((person.id, person_ref(person)) for _, person in came)
        people.pop(ctx.person_id, None)
        verb = "is" if kind == RECORDING else "are"
        notice = Reply(title=f"The {noun} of {event_label(event)} {verb} available",
                       text=f"{added.resource.public_id} {added.resource.title}",
                       link=Link(added.resource.url, f"Open the {noun}"),
                       buttons=(Button("Details", "event", str(event.id)),))
        for person in people.values():
            ctx.notify(person, notice)
        told = len(people)
        action = "Replaced the link to" if added.replaced else "Added"
        return Reply(text=f"{action} the {noun} of {event_label(event)} in the library as "
                          f"{added.resource.public_id}. {told} "
                          f"{'person was' if told == 1 else 'people were'} told.")

    return handler


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="event recording", usage="event recording <id> <url>",
        handler=material_command(RECORDING), organiser_only=True,
        summary="add a seminar's recording to the library (registrants are told)",
    ))
    registry.add(Command(
        name="event slides", usage="event slides <id> <url>",
        handler=material_command(SLIDES), organiser_only=True,
        summary="add a seminar's slides to the library (registrants are told)",
    ))
