"""What registrants are told when something happens to them that they did not ask for:
a waitlist promotion, a cancelled event, a changed time or place."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.timefmt import format_range
from bot.types import Button, Field, Reply
from bot.wording import sentence
from storage.models.events import Event


def event_label(event: Event) -> str:
    """``#12 Intro to SPC charts`` — how an event is named in every message."""
    return f"#{event.id} {event.title}"


def where(event: Event) -> str:
    return event.location or "Online"


def promoted_notice(event: Event, zone: ZoneInfo) -> Reply:
    fields = [Field("When", format_range(event.starts_at, event.ends_at, zone)),
              Field("Where", where(event))]
    if event.join_link:
        fields.append(Field("Joining link", event.join_link))
    return Reply(
        title=f"You're in: {event_label(event)}",
        text=sentence(f"A place came free, so you are now confirmed for {event_label(event)}") + " "
             "If you can no longer come, please cancel so the next person can have it.",
        fields=tuple(fields),
        buttons=(Button("Add to calendar", "calendar", str(event.id)),
                 Button("Cancel my place", "cancel", str(event.id), style="danger")),
    )


def cancelled_notice(event: Event, zone: ZoneInfo) -> Reply:
    return Reply(
        title=f"Cancelled: {event_label(event)}",
        text=f"{event_label(event)} on {format_range(event.starts_at, event.ends_at, zone)} has "
             "been cancelled by the organisers. Your registration is void; you need do nothing. "
             "If you added it to your calendar, please remove it.",
    )


def removed_notice(event: Event, status: str, zone: ZoneInfo) -> Reply:
    what = "place" if status == "confirmed" else "place on the waitlist"
    return Reply(
        title=f"Your {what} was removed: {event_label(event)}",
        text=f"An organiser removed your {what} at {event_label(event)} on "
             f"{format_range(event.starts_at, event.ends_at, zone)}. If you think this is a "
             "mistake, please contact the organisers.",
    )


def changed_notice(event: Event, changed: Sequence[str], zone: ZoneInfo, *,
                   confirmed: bool) -> Reply:
    fields = []
    if "time" in changed:
        fields.append(Field("New time", format_range(event.starts_at, event.ends_at, zone)))
    if "location" in changed:
        fields.append(Field("New place", where(event)))
    if "link" in changed and confirmed and event.join_link:
        fields.append(Field("New joining link", event.join_link))
    if "title" in changed:
        fields.append(Field("New title", event.title))
    buttons: tuple[Button, ...] = ()
    if confirmed:
        buttons = (Button("Update my calendar", "calendar", str(event.id)),)
    return Reply(
        title=f"Changed: {event_label(event)}",
        text=f"The organisers have changed {event_label(event)}; you are still "
             f"{'confirmed' if confirmed else 'on the waitlist'}.",
        fields=tuple(fields),
        buttons=buttons,
    )
