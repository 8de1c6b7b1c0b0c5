"""Events: list seminars, sign up and cancel, see your places, get calendar files.

Organisers' commands (``event add``, ``event edit`` …) live in :mod:`handlers.event_admin`;
both are registered here.
"""

from __future__ import annotations

from dataclasses import replace

from bot.calendar import CONTENT_TYPE, build_calendar, feed_url, filename, personal_url
from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import UserError
from bot.paging import paginate, split_page
from bot.services.communities import resolve_community
from bot.services.event_notices import event_label
from bot.services.events import CONFIRMED, EventService, MemberStatus
from bot.timefmt import format_date, format_range
from bot.types import Attachment, Button, Field, Link, Reply
from bot.wording import sentence
from handlers import event_admin, materials
from handlers.event_cards import (
    event_card,
    event_id_from,
    event_item,
    member_buttons,
    my_event_item,
    status_text,
)
from storage.repositories.calendar_tokens import CalendarTokenRepository
from storage.repositories.communities import CommunityRepository
from storage.repositories.seminars import MaterialRepository


def service(ctx: Context) -> EventService:
    return EventService(ctx.session, ctx.settings)


async def list_events(ctx: Context, args: Args) -> Reply:
    """``events [community|all] [page N]``: upcoming events a page at a time, within
    ``events_window_days`` unless ``all`` is asked for."""
    raw, number = split_page(args.raw)
    words = raw.split()
    everything = bool(words) and words[-1].lower() == "all"
    if everything:
        raw = " ".join(words[:-1])
    events = service(ctx)
    community = None
    if raw:
        community = await resolve_community(ctx.session, raw)
        if community is None:
            known = ", ".join(c.slug for c in await CommunityRepository(ctx.session).list())
            raise UserError(f"There is no community called “{raw}”. Try one of: {known}.")
    now = ctx.now()
    community_id = community.id if community else None
    upcoming, later, communities = await events.listing(now, community_id=community_id,
                                                        everything=everything)
    command = " ".join(["events", *([community.slug] if community else []),
                        *(["all"] if everything else [])])
    days = ctx.settings.events_window_days
    where = f" in {community.name}" if community else ""
    window_end = format_date(events.window_end(now), ctx.settings.zone)
    later_text = f"{later} more after {window_end}: {command} all" if later else ""
    if not upcoming:
        text = f"No events{where} " + ("coming up." if everything else
                                        f"in the next {days} days.")
        if later:
            text += f" {later_text}."
        elif ctx.is_organiser:
            text += " Organisers can add one with event add."
        return Reply(text=text)
    page = paginate(upcoming, number, command)
    # A list others can read carries nobody's own state: places left and buttons whose
    # answers go privately to whoever presses them.
    statuses, waiting = await events.member_view(
        None if ctx.incoming.shared else ctx.person_id, page.entries)
    items = tuple(
        event_item(event, zone=ctx.settings.zone, now=now, status=statuses.get(event.id),
                   waiting=waiting.get(event.id, 0),
                   community=None if community else communities.get(event.community_id or 0))
        for event in page.entries
    )
    footer = " ".join(part for part in (page.footer and f"{page.footer}.", later_text and
                                        f"{later_text}.") if part)
    title = (f"All upcoming events{where}" if everything
             else f"Upcoming events{where} (next {days} days, to {window_end})")
    return Reply(title=title, items=items, footer=footer, buttons=page.more_button)


async def show_event(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "event")
    events = service(ctx)
    event = await events.get(event_id)
    statuses, waiting_by_event = await events.member_view(ctx.person_id, [event])
    status, waiting = statuses.get(event.id), waiting_by_event.get(event.id, 0)
    # Someone with a place or on the waitlist, or an organiser, sees their own view
    # (status, joining link, roster button) privately; anyone else gets the card everyone
    # may see, so in a channel it stays in the thread.
    personal = status is not None or ctx.is_organiser
    links = await MaterialRepository(ctx.session).of_event(event.id)
    card = event_card(event, zone=ctx.settings.zone, now=ctx.now(), status=status,
                      waiting=waiting, community=await events.community(event.community_id),
                      organiser=ctx.is_organiser, for_everyone=ctx.incoming.shared,
                      materials=links)
    return replace(card, personal=personal)


async def signup(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "signup")
    result = await service(ctx).signup(event_id, ctx.person_id, now=ctx.now())
    event = result.event
    when = format_range(event.starts_at, event.ends_at, ctx.settings.zone)
    status = MemberStatus(result.status, result.position)
    buttons = member_buttons(event, status, ctx.now())
    if result.already:
        return Reply(text=f"You're already registered for {event_label(event)} "
                          f"({status_text(status)}).", buttons=buttons, personal=True)
    if result.status == CONFIRMED:
        return Reply(title=f"You're registered: {event_label(event)}",
                     text=sentence(f"You have a place at {event_label(event)}"),
                     fields=(Field("When", when),), buttons=buttons,
                     link=Link(event.join_link, "Join") if event.join_link else None,
                     personal=True)
    return Reply(
        title=f"You're on the waitlist: {event_label(event)}",
        text=f"{event_label(event)} is full, so you are on the waitlist at position "
             f"{result.position}. If a place comes free I'll tell you straight away.",
        fields=(Field("When", when),), buttons=buttons, personal=True,
    )


async def cancel(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "cancel")
    outcome = await service(ctx).cancel_registration(event_id, ctx.person_id, now=ctx.now())
    for notification in outcome.notifications:
        ctx.notify(notification.target, notification.reply)
    label = event_label(outcome.event)
    if outcome.previous_status == CONFIRMED:
        text = sentence(f"You've given up your place at {label}")
        if outcome.promoted:
            text += " It has gone to the next person on the waitlist."
    else:
        text = sentence(f"You've left the waitlist for {label}")
    return Reply(text=text, buttons=(Button("Sign up again", "signup", str(outcome.event.id)),),
                 personal=True)


async def my_events(ctx: Context, args: Args) -> Reply:
    _, number = split_page(args.raw)
    now = ctx.now()
    mine = await service(ctx).my_registrations(ctx.person_id, now)
    if not mine:
        return Reply(text="You have no upcoming events. Type events to see what's on.",
                     personal=True)
    page = paginate(mine, number, "my events")
    items = tuple(my_event_item(entry.event, MemberStatus(entry.status, entry.position),
                                zone=ctx.settings.zone, now=now) for entry in page.entries)
    return Reply(title=f"Your events ({len(mine)})" if len(mine) > 1 else "Your events",
                 items=items, footer=page.footer and f"{page.footer}.",
                 buttons=page.more_button, personal=True)


async def calendar_file(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "calendar")
    events = service(ctx)
    event = await events.get(event_id)
    status = (await events.member_statuses(ctx.person_id, [event])).get(event.id)
    if status is None or status.status != CONFIRMED:
        if status is not None:
            # A waitlist position is the person's own: answered privately, like the file.
            return Reply(text=f"You're on the waitlist for {event_label(event)} (position "
                              f"{status.position}); the calendar file comes with a place.",
                         personal=True)
        return Reply(text=f"Calendar files are for people with a place. Type signup {event.id} "
                          + sentence(f"to register for {event_label(event)}"), personal=True)
    communities = await events.communities()
    content = build_calendar([event], ctx.settings, name=event.title, include_links=True,
                             communities=communities)
    text = (f"Here is {event_label(event)} for your calendar. If the event changes, "
            "download it again and your calendar will update.")
    link = None
    public_url = ctx.settings.public_url
    if public_url:  # where a file cannot be sent (Teams), a link can
        token = await CalendarTokenRepository(ctx.session).token_for(ctx.person_id, ctx.now())
        link = Link(personal_url(public_url, token), "Add to calendar")
        text = (f"Add {event_label(event)} to your calendar with the link: it holds your own "
                "events and stays up to date (keep it to yourself). Every event of the network: "
                f"{feed_url(public_url)}")
    return Reply(text=text, link=link,
                 file=Attachment(filename(event), CONTENT_TYPE, content), personal=True)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="events", usage="events [community|all] [page N]", handler=list_events,
        read_only=True,
        summary="upcoming events, with places left and a Sign up button",
        details="Lists the next events_window_days days; events all lists every upcoming "
                "event.",
    ))
    registry.add(Command(
        name="event", usage="event <id>", handler=show_event, read_only=True,
        summary="details of one event, e.g. event 12",
    ))
    registry.add(Command(
        name="signup", usage="signup <id>", handler=signup, aliases=("sign up",),
        summary="take a place at an event (or join its waitlist when it is full)",
    ))
    registry.add(Command(
        name="cancel", usage="cancel <id>", handler=cancel,
        summary="give up your place or waitlist place at an event",
    ))
    registry.add(Command(
        name="my events", usage="my events [page N]", handler=my_events, read_only=True,
        summary="your upcoming events and waitlist places",
    ))
    registry.add(Command(
        name="calendar", usage="calendar <id>", handler=calendar_file,
        summary="an .ics calendar file for an event you have a place at",
    ))
    event_admin.register(registry)
    materials.register(registry)
