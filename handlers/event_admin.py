"""Organisers' event commands: add, edit, change capacity, cancel, see attendees.

``event add`` with no fields (and ``event edit 12`` with none) answers with a form; a submitted
form arrives as the same command with ``date=… time=…`` and the other inputs as named fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import InvalidFields, UsageError
from bot.services.event_fields import parse_event_changes, parse_new_event
from bot.services.event_notices import event_label
from bot.services.events import CONFIRMED, Attendee, EventService
from bot.timefmt import format_datetime, format_duration, format_range
from bot.types import Button, ChannelRef, Field, Form, FormInput, Notification, Reply
from bot.wording import plural, sentence
from handlers.event_cards import event_card, event_id_from
from storage.models import Community
from storage.models.events import Event
from storage.repositories.communities import CommunityRepository

# Names shown in chat before the roster points to the CSV export.
ROSTER_PAGE = 50

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
                 buttons=card.buttons)


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
    if len(args.positional) < 2 or not args.positional[1].isdigit():
        raise UsageError("Give the event and the new number of places, e.g. "
                         "event capacity 12 40.")
    outcome = await EventService(ctx.session, ctx.settings).change_capacity(
        event_id, int(args.positional[1]), now=ctx.now())
    _relay(ctx, outcome.notifications)
    text = (f"{event_label(outcome.event)} now has {plural(outcome.event.capacity, 'place')} "
            f"({outcome.event.confirmed_count} taken).")
    if outcome.promoted:
        names = ", ".join(a.name for a in outcome.promoted)
        text += f" Promoted from the waitlist and told: {names}."
    return Reply(text=text)


async def cancel_event(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "event cancel")
    outcome = await EventService(ctx.session, ctx.settings).cancel_event(event_id,
                                                                         now=ctx.now())
    count = _relay(ctx, outcome.notifications)
    return Reply(text=sentence(f"Cancelled {event_label(outcome.event)}") + " "
                      f"{count} registered {'person was' if count == 1 else 'people were'} told.")


async def attendees(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "attendees")
    events = EventService(ctx.session, ctx.settings)
    event = await events.get(event_id)
    roster = await events.attendees(event_id)
    return roster_reply(event, roster, ctx.settings.zone)


def roster_reply(event: Event, roster: Sequence[Attendee], zone: ZoneInfo) -> Reply:
    """Who has a place and who waits: one page of names, then the CSV export."""
    confirmed = [a for a in roster if a.status == CONFIRMED]
    waiting = [a for a in roster if a.status != CONFIRMED]
    export = f"copbot export attendees {event.id} --format csv"

    def line(number: int | None, a: Attendee) -> str:
        return (f"  {number}. {a.name} ({a.person.platform}) — signed up "
                f"{format_datetime(a.signed_up_at, zone)}")

    # A chat message holds one page of names; the whole roster is a spreadsheet away.
    room = ROSTER_PAGE
    lines = [f"Confirmed ({len(confirmed)} of {event.capacity}):"]
    lines += [line(n, a) for n, a in enumerate(confirmed[:room], 1)]
    if not confirmed:
        lines.append("  nobody yet")
    room -= min(room, len(confirmed))
    lines.append(f"Waitlist ({len(waiting)}):")
    lines += [line(a.position, a) for a in waiting[:room]]
    if not waiting:
        lines.append("  nobody waiting")
    hidden = len(roster) - min(len(roster), ROSTER_PAGE)
    footer = (f"…and {hidden} more: the whole list is in {export}" if hidden
              else f"For a spreadsheet: {export}")
    return Reply(title=f"Attendees of {event_label(event)}", text="\n".join(lines),
                 footer=footer)


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
        organiser_only=True, summary="cancel an event and tell everyone registered",
    ))
    registry.add(Command(
        name="attendees", usage="attendees <id>", handler=attendees, organiser_only=True,
        summary="who has a place and who is waiting, with sign-up times",
    ))
