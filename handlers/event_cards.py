"""How events look in chat: list items and detail cards, with buttons that match the
member's status (Sign up ↔ Cancel).  Every title names the event as ``#12 Title``, and
commands accept ``12`` or ``#12``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.commands import Args
from bot.errors import NotFound, UsageError
from bot.numbers import is_ascii_number, record_id, shorten
from bot.services.event_notices import event_label, where
from bot.services.events import CONFIRMED, WAITLISTED, MemberStatus
from bot.timefmt import format_range
from bot.types import Button, Field, Item, Link, Reply
from storage.models import Community
from storage.models.events import EVENT_CANCELLED, Event
from storage.models.knowledge import Resource


def event_id_from(args: Args, command: str) -> int:
    """The event named by the first word, ``12`` or ``#12``; a UsageError for anything but
    ASCII digits, NotFound for a number no event can have (0, or beyond the database's
    range), worded like any other missing event."""
    word = (args.first() or "").removeprefix("#")
    if not is_ascii_number(word):
        raise UsageError(f"Which event? Give its number, e.g. {command} 12.")
    event_id = record_id(word)
    if event_id is None:
        raise NotFound(f"There is no event #{shorten(word)}. Type events to see what's on.")
    return event_id


def places(event: Event, waiting: int) -> str:
    """``12 of 30 left``, or ``Full — waitlist open (3 waiting)``."""
    free = event.capacity - event.confirmed_count
    if free > 0:
        return f"{free} of {event.capacity} left"
    return "Full — waitlist open" + (f" ({waiting} waiting)" if waiting else "")


def status_text(status: MemberStatus | None) -> str:
    if status is None:
        return "not registered"
    if status.status == CONFIRMED:
        return "you have a place"
    return f"you are on the waitlist, position {status.position}"


def member_buttons(event: Event, status: MemberStatus | None, now: datetime,
                   *, details: bool = False) -> tuple[Button, ...]:
    """Sign up (or Join waitlist) for non-registrants, Cancel for registrants; nothing once
    the event has started or was cancelled."""
    buttons: list[Button] = []
    if details:
        buttons.append(Button("Details", "event", str(event.id)))
    if event.status == EVENT_CANCELLED or event.starts_at <= now:
        return tuple(buttons)
    if status is None:
        full = event.confirmed_count >= event.capacity
        buttons.append(Button("Join waitlist" if full else "Sign up", "signup", str(event.id),
                              style="primary"))
    elif status.status == CONFIRMED:
        buttons.append(Button("Add to calendar", "calendar", str(event.id), new_message=True))
        buttons.append(Button("Cancel my place", "cancel", str(event.id), style="danger"))
    elif status.status == WAITLISTED:
        buttons.append(Button("Leave waitlist", "cancel", str(event.id), style="danger"))
    return tuple(buttons)


def event_item(event: Event, *, zone: ZoneInfo, now: datetime, status: MemberStatus | None,
               waiting: int, community: Community | None) -> Item:
    """One event in a list, in three lines: number and title; when and where; places (and
    the person's own status) with one button.  ``event <id>`` has the details."""
    place = [format_range(event.starts_at, event.ends_at, zone), where(event)]
    if community is not None:
        place.append(community.name)
    state = [places(event, waiting)]
    if status is not None:
        state.append(status_text(status))
    buttons = member_buttons(event, status, now)
    if status is not None or not buttons:
        buttons = (Button("Details", "event", str(event.id)),)
    return Item(title=event_label(event), text=f"{' · '.join(place)}\n{' · '.join(state)}",
                buttons=buttons[:1])


def my_event_item(event: Event, status: MemberStatus, *, zone: ZoneInfo,
                  now: datetime) -> Item:
    """One of the person's own events: title; when and where; their status, with a Join
    link (people with a place) and their buttons."""
    when = f"{format_range(event.starts_at, event.ends_at, zone)} · {where(event)}"
    join = (Link(event.join_link, "Join") if status.status == CONFIRMED and event.join_link
            else None)
    return Item(title=event_label(event), text=f"{when}\n{status_text(status)}", link=join,
                buttons=member_buttons(event, status, now))


def event_card(event: Event, *, zone: ZoneInfo, now: datetime, status: MemberStatus | None,
               waiting: int, community: Community | None, organiser: bool,
               for_everyone: bool = False,
               materials: Mapping[str, Resource] | None = None) -> Reply:
    """The details of one event.  The joining link is shown only to confirmed registrants
    and organisers; the recording and slides, once added, to everyone.  ``for_everyone``:
    the card may be read by others, so it says nothing about the asker unless they have a
    status (the caller then sends it privately)."""
    fields = [Field("When", format_range(event.starts_at, event.ends_at, zone))]
    if event.speaker:
        fields.append(Field("Speaker", event.speaker))
    fields.append(Field("Where", where(event)))
    if community is not None:
        fields.append(Field("Community", community.name))
    if event.status == EVENT_CANCELLED:
        fields.append(Field("Status", "cancelled"))
    else:
        fields.append(Field("Places", places(event, waiting)))
        if event.starts_at <= now:
            fields.append(Field("Sign-up", "closed (the event has started)"))
    if status is not None or not for_everyone:
        fields.append(Field("You", status_text(status)))
    can_see_link = organiser or (status is not None and status.status == CONFIRMED)
    join = Link(event.join_link, "Join") if event.join_link and can_see_link else None
    for kind, resource in sorted((materials or {}).items()):
        fields.append(Field(kind.capitalize(), f"{resource.url} ({resource.public_id})"))
    if organiser:
        fields.append(Field("Confirmed", f"{event.confirmed_count} of {event.capacity}"))
    buttons = list(member_buttons(event, status, now))
    if organiser:
        buttons.append(Button("Attendees", "attendees", str(event.id)))
        if event.status != EVENT_CANCELLED:
            buttons.append(Button("Edit", "event edit", str(event.id)))
    return Reply(title=event_label(event), text=event.description, fields=tuple(fields),
                 buttons=tuple(buttons), link=join)
