"""Organisers' event commands: add, edit, change capacity, cancel (``attendees`` lives in
:mod:`handlers.attendance`).

``event add`` with no fields (and ``event edit 12`` with none) answers with a form; a submitted
form arrives as the same command with ``date=… time=…`` and the other inputs as named fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import InvalidFields, NotFound, UsageError, UserError
from bot.services.event_fields import (
    CAPACITY_RULE,
    parse_capacity,
    parse_event_changes,
    parse_new_event,
)
from bot.services.event_notices import event_label
from bot.services.events import CONFIRMED, Attendee, EventService
from bot.timefmt import format_duration, format_range
from bot.types import Button, ChannelRef, Field, Form, FormInput, Notification, Reply
from bot.wording import plural, sentence
from handlers.event_cards import event_card, event_id_from
from storage.models import Community
from storage.models.events import EVENT_SCHEDULED, Event
from storage.repositories.communities import CommunityRepository

# Names shown in chat before the roster points to the CSV export.

ADD_USAGE = ('event add title="…" start="YYYY-MM-DD HH:MM" duration=90m capacity=30 '
             '[community=…] [location=…] [link=https://…] [speaker="…"] [description="…"]')


def _relay(ctx: Context, notifications: Sequence[Notification]) -> int:
    """Pass the service's notifications on, except to the organiser who made the change;
    returns how many were passed on."""
    me = ChannelRef.for_person(ctx.person)
    relayed = 0
    for notification in notifications:
        if notification.target != me:
            ctx.notify(notification.target, notification.reply)
            relayed += 1
    return relayed


def event_form(communities: list[Community], *, zone: ZoneInfo, event: Event | None = None,
               ) -> Form:
    """The add/edit form: inputs named like the command's fields (times in ``zone``)."""
    local = event.starts_at.astimezone(zone) if event else None

    def value(text: str) -> str:
        return text if event else ""

    choices = tuple((c.slug, c.name) for c in communities)
    current_slug = next((c.slug for c in communities if event and c.id == event.community_id),
                        "")
    inputs = (
        FormInput("title", "Title", required=True, value=value(event.title if event else "")),
        FormInput("date", "Date", kind="date", required=True,
                  value=f"{local:%Y-%m-%d}" if local else ""),
        FormInput("time", f"Start time ({zone.key})", kind="time", required=True,
                  value=f"{local:%H:%M}" if local else ""),
        FormInput("duration", "Length", required=True, placeholder="90m or 1h30m",
                  value=format_duration(event.ends_at - event.starts_at) if event else "90m"),
        FormInput("capacity", "Places", kind="number", required=True,
                  value=str(event.capacity) if event else ""),
        FormInput("community", "Community", kind="choice", choices=choices,
                  value=current_slug),
        FormInput("location", "Where", placeholder="leave empty for an online event",
                  value=value(event.location if event else "")),
        FormInput("link", "Joining link", kind="url", placeholder="https://…",
                  value=value(event.join_link if event else "")),
        FormInput("speaker", "Speaker", value=value(event.speaker if event else "")),
        FormInput("description", "Description", kind="multiline",
                  value=value(event.description if event else "")),
    )
    if event is None:
        return Form(action_id="event add", title="New event", inputs=inputs,
                    submit_label="Create event")
    return Form(action_id="event edit", title=f"Edit {event_label(event)}", inputs=inputs,
                submit_label="Save changes", value=str(event.id))


def _named(ctx: Context, problems: InvalidFields) -> InvalidFields:
    """Problems with a submitted form are named by the labels it shows (typed commands keep
    the names that were typed)."""
    if not ctx.incoming.form:
        return problems
    labels = {i.name: i.label for i in event_form([], zone=ctx.settings.zone).inputs}
    return problems.labelled(labels | {"start": "Date and start time"})


async def add_event(ctx: Context, args: Args) -> Reply:
    communities = list(await CommunityRepository(ctx.session).list())
    if not args.named and not args.positional:
        return Reply(text="Fill in the form, or type it in one line:\n" + ADD_USAGE,
                     form=event_form(communities, zone=ctx.settings.zone))
    problems: dict[str, str] = {}
    if args.positional:
        problems["fields"] = (f"“{' '.join(args.positional)}” is not name=value; write e.g. "
                              'title="Intro to SPC charts"')
    try:
        draft = parse_new_event(args.named, communities=communities,
                                default_zone=ctx.settings.zone, now=ctx.now())
    except InvalidFields as exc:
        raise _named(ctx, InvalidFields({**problems, **exc.errors},
                                        summary="The event was not saved. Please fix:")) from exc
    if problems:
        raise _named(ctx, InvalidFields(problems,
                                        summary="The event was not saved. Please fix:"))
    events = EventService(ctx.session, ctx.settings)
    event = await events.create(draft, created_by=ctx.person_id, now=ctx.now())
    card = event_card(event, zone=ctx.settings.zone, now=ctx.now(), status=None, waiting=0,
                      community=next((c for c in communities if c.id == event.community_id),
                                     None),
                      organiser=True)
    return Reply(title=f"Created {event_label(event)}",
                 text=f"Members can now sign up with: signup {event.id}",
                 fields=tuple(f for f in card.fields if f.label != "You"),
                 buttons=card.buttons, personal=True)


async def edit_event(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "event edit")
    events = EventService(ctx.session, ctx.settings)
    event = await events.get(event_id)
    communities = list(await CommunityRepository(ctx.session).list())
    if not args.named:
        return Reply(text=f"Change what you need and save, or type e.g. event edit {event.id} "
                          'capacity=40 start="2026-12-03 15:00"',
                     form=event_form(communities, zone=ctx.settings.zone, event=event))
    try:
        changes = parse_event_changes(args.named, event, communities=communities,
                                      default_zone=ctx.settings.zone, now=ctx.now())
    except InvalidFields as exc:
        raise _named(ctx, exc) from exc
    outcome = await events.update(event_id, changes, now=ctx.now())
    told = _relay(ctx, outcome.notifications)
    text = sentence(f"Saved {event_label(outcome.event)}")
    if outcome.promoted:
        text += f" {len(outcome.promoted)} promoted from the waitlist."
    if told:
        text += f" {told} registered {'person was' if told == 1 else 'people were'} told."
    fields = (Field("When", format_range(outcome.event.starts_at, outcome.event.ends_at,
                                         ctx.settings.zone)),
              Field("Places", f"{outcome.event.confirmed_count} of {outcome.event.capacity} "
                              "taken"))
    return Reply(text=text, fields=fields,
                 buttons=(Button("Details", "event", str(event_id)),))


async def change_capacity(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "event capacity")
    if len(args.positional) < 2:
        raise UsageError("Give the event and the new number of places, e.g. "
                         "event capacity 12 40.")
    capacity = parse_capacity(args.positional[1])
    if capacity is None:  # the same limit as event add and edit
        raise InvalidFields({"capacity": f"{CAPACITY_RULE}, e.g. event capacity {event_id} 40"},
                            summary=f"#{event_id} was not changed. Please fix:")
    outcome = await EventService(ctx.session, ctx.settings).change_capacity(
        event_id, capacity, now=ctx.now())
    _relay(ctx, outcome.notifications)
    text = (f"{event_label(outcome.event)} now has {plural(outcome.event.capacity, 'place')} "
            f"({outcome.event.confirmed_count} taken).")
    if outcome.promoted:
        names = ", ".join(a.name for a in outcome.promoted)
        text += f" Promoted from the waitlist and told: {names}."
    return Reply(text=text, personal=bool(outcome.promoted))


async def cancel_event(ctx: Context, args: Args) -> Reply:
    """Asks first (like ``forget me``): ``event cancel 12 confirm`` does it."""
    event_id = event_id_from(args, "event cancel")
    events = EventService(ctx.session, ctx.settings)
    if not any(word.lower() == "confirm" for word in args.positional[1:]):
        event = await events.get(event_id)
        if event.status != EVENT_SCHEDULED:
            raise UserError(f"{event_label(event)} was already cancelled.")
        registered = len(await events.attendees(event_id))
        people = "person" if registered == 1 else "people"
        return Reply(
            text=f"This cancels {event_label(event)} on "
                 f"{format_range(event.starts_at, event.ends_at, ctx.settings.zone)} and tells "
                 f"the {registered} registered {people} (confirmed and waiting). It cannot be "
                 "undone.",
            buttons=(Button(f"Yes, cancel #{event.id}", "event cancel", f"{event.id} confirm",
                            "danger"),))
    outcome = await events.cancel_event(event_id, now=ctx.now())
    count = _relay(ctx, outcome.notifications)
    return Reply(text=sentence(f"Cancelled {event_label(outcome.event)}") + " "
                      f"{count} registered {'person was' if count == 1 else 'people were'} told.")


def _matching(roster: Sequence[Attendee], who: str) -> list[Attendee]:
    """Attendees whose name, user id or ``platform:workspace:user`` key is ``who``."""
    wanted = who.strip().casefold()
    return [a for a in roster
            if wanted in (a.name.casefold(), a.person.user_id.casefold(),
                          a.person.key.casefold())]


async def remove_attendee(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "attendees remove")
    who = " ".join(args.positional[1:]).strip()
    if not who:
        raise UsageError(f"Whom? Give their name as attendees {event_id} lists it, e.g. "
                         f'attendees remove {event_id} "Sam Patel".')
    events = EventService(ctx.session, ctx.settings)
    event = await events.get(event_id)
    found = _matching(await events.attendees(event_id), who)
    if not found:
        raise NotFound(f"Nobody called “{who}” is registered for {event_label(event)}. "
                       f"Type attendees {event_id} to see who is.")
    if len(found) > 1:
        keys = ", ".join(a.person.key for a in found)
        raise UserError(f"More than one person is called “{who}” ({keys}): give the one you "
                        "mean by its key instead.")
    [attendee] = found
    outcome = await events.remove_attendee(event_id, attendee, now=ctx.now())
    _relay(ctx, outcome.notifications)
    what = "place" if attendee.status == CONFIRMED else "waitlist place"
    text = f"Removed {attendee.name}'s {what} at {event_label(outcome.event)}; they were told."
    if outcome.promoted:
        names = ", ".join(a.name for a in outcome.promoted)
        text += f" Moved up from the waitlist and told: {names}."
    return Reply(text=text, buttons=(Button("Attendees", "attendees", str(event_id)),),
                 personal=True)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="event add", usage=ADD_USAGE, handler=add_event, organiser_only=True,
        summary="create an event (with no fields: a form)",
        details="Start is local time (e.g. 2026-12-03 14:00) or ISO 8601 with an offset; "
                "date=YYYY-MM-DD time=HH:MM also works. Location empty means online.",
    ))
    registry.add(Command(
        name="event edit", usage="event edit <id> field=value …", handler=edit_event,
        organiser_only=True, summary="change an event's fields (registrants are told)",
    ))
    registry.add(Command(
        name="event capacity", usage="event capacity <id> <places>", handler=change_capacity,
        organiser_only=True,
        summary="change the number of places (more places promote from the waitlist)",
    ))
    registry.add(Command(
        name="event cancel", usage="event cancel <id>", handler=cancel_event,
        organiser_only=True,
        summary="cancel an event and tell everyone registered (asks first)",
    ))
    registry.add(Command(
        name="attendees remove", usage="attendees remove <id> <person>",
        handler=remove_attendee, organiser_only=True,
        summary="take someone's place away (the waitlist moves up; both are told)",
    ))
