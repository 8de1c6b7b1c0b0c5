"""Who came: ``checkin`` (the button in the 15-minute reminder), organisers' ``attended`` and
``attendees`` (who came, who has a place, who is waiting — paged for big seminars)."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import UsageError
from bot.numbers import MAX_ID, number_between
from bot.services.attendance import AttendanceService
from bot.services.event_notices import event_label
from bot.services.events import CONFIRMED, Attendee, EventService
from bot.timefmt import format_datetime
from bot.types import Button, Reply
from handlers.event_cards import event_id_from
from storage.models import Person
from storage.models.events import Event
from storage.models.seminars import Attendance

PAGE_SIZE = 25


def service(ctx: Context) -> AttendanceService:
    return AttendanceService(ctx.session, ctx.settings)


async def check_in(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "checkin")
    event, new = await service(ctx).check_in(event_id, ctx.person_id, ctx.now())
    if not new:
        return Reply(text=f"You're already checked in to {event_label(event)}.", personal=True)
    return Reply(text=f"Checked in to {event_label(event)}. Enjoy the seminar!", personal=True)


async def attended(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "attended")
    who = " ".join(args.positional[1:])
    if not who:
        raise UsageError("Give the event and the person, e.g. attended 12 Ada Lovelace "
                         "(a name, email or user id).")
    event, person, new = await service(ctx).mark(event_id, who, ctx.now())
    name = person.display_name or person.user_id
    if not new:
        return Reply(text=f"{name} was already recorded as attending {event_label(event)}.",
                     personal=True)
    return Reply(text=f"Recorded: {name} attended {event_label(event)}.", personal=True)


def _page(lines: list[str], page: int) -> tuple[list[str], int]:
    """The lines of ``page`` (1-based) and how many come after them."""
    start = (page - 1) * PAGE_SIZE
    shown = lines[start:start + PAGE_SIZE]
    return shown, max(0, len(lines) - start - len(shown))


async def attendees(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "attendees")
    page = number_between(args.named.get("page", "1"), 1, MAX_ID)
    if page is None:
        raise UsageError("page= takes a page number, e.g. attendees 12 page=2.")
    events = EventService(ctx.session, ctx.settings)
    event = await events.get(event_id)
    roster = await events.attendees(event_id)
    came = await service(ctx).attended(event_id)
    return roster_reply(event, roster, ctx.settings.zone, came=came, page=page)


def roster_reply(event: Event, roster: Sequence[Attendee], zone: ZoneInfo, *,
                 came: Sequence[tuple[Attendance, Person]] = (), page: int = 1) -> Reply:
    """Who came, who has a place and who waits, a page of each at a time; the whole roster
    is a spreadsheet away.  For organisers only, so it is personal."""
    confirmed = [a for a in roster if a.status == CONFIRMED]
    waiting = [a for a in roster if a.status != CONFIRMED]
    sections = [
        (f"Came ({len(came)}):", "  nobody recorded yet",
         [f"  {n}. {p.display_name or p.user_id} ({p.platform}) — {a.source}, "
          f"{format_datetime(a.recorded_at, zone)}" for n, (a, p) in enumerate(came, 1)]),
        (f"Confirmed ({len(confirmed)} of {event.capacity}):", "  nobody yet",
         [f"  {n}. {a.name} ({a.person.platform}) — signed up "
          f"{format_datetime(a.signed_up_at, zone)}" for n, a in enumerate(confirmed, 1)]),
        (f"Waitlist ({len(waiting)}):", "  nobody waiting",
         [f"  {a.position}. {a.name} ({a.person.platform}) — signed up "
          f"{format_datetime(a.signed_up_at, zone)}" for a in waiting]),
    ]
    lines: list[str] = []
    more_anywhere = False
    for heading, empty, entries in sections:
        lines.append(heading)
        shown, more = _page(entries, page)
        lines += shown
        if not entries:
            lines.append(empty)
        elif not shown:
            lines.append("  (none on this page)")
        if more:
            lines.append(f"  …and {more} more")
            more_anywhere = True
    buttons = ((Button("Next page", "attendees", f"{event.id} page={page + 1}"),)
               if more_anywhere else ())
    title = f"Attendees of {event_label(event)}" + (f" (page {page})" if page > 1 else "")
    return Reply(title=title, text="\n".join(lines), buttons=buttons,
                 footer=f"For a spreadsheet: copbot export attendees {event.id} --format csv",
                 personal=True)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="checkin", usage="checkin <id>", handler=check_in, aliases=("check in",),
        summary="check in to a seminar you have a place at (from 15 minutes before the start "
                "to the end)",
    ))
    registry.add(Command(
        name="attended", usage="attended <id> <person>", handler=attended, organiser_only=True,
        summary="record that someone came to a seminar (name, email or user id)",
    ))
    registry.add(Command(
        name="attendees", usage="attendees <id> [page=N]", handler=attendees,
        organiser_only=True,
        summary="who came, who has a place and who is waiting",
    ))
