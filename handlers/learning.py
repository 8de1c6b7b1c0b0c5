"""A learning record: ``my learning [year]`` lists the seminars you attended, with dates and
hours and the year's total."""

from __future__ import annotations

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.services.event_notices import event_label
from bot.services.learning import format_hours, learning_record, parse_year
from bot.timefmt import format_date
from bot.types import Field, Item, Reply

LIST_LIMIT = 25


async def my_learning(ctx: Context, args: Args) -> Reply:
    zone = ctx.settings.zone
    year = parse_year(args.first(), ctx.now().astimezone(zone).date())
    entries = await learning_record(ctx.session, ctx.person_id, year, zone)
    if not entries:
        return Reply(text=f"No seminars attended in {year} are recorded for you. Check in "
                          "with the button in a seminar's last reminder, or ask an organiser.",
                     personal=True)
    total = sum(e.hours for e in entries)
    shown = entries[:LIST_LIMIT]
    items = tuple(Item(title=event_label(e.event),
                       fields=(Field("Date", format_date(e.event.starts_at, zone)),
                               Field("Hours", format_hours(e.hours))))
                  for e in shown)
    more = len(entries) - len(shown)
    seminars = f"{len(entries)} seminar" + ("" if len(entries) == 1 else "s")
    return Reply(title=f"Your learning in {year}",
                 text=f"{seminars}, {format_hours(total)} in total.",
                 items=items, footer=f"…and {more} more" if more > 0 else "", personal=True)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="my learning", usage="my learning [year]", handler=my_learning,
        summary="the seminars you attended this year (or another), with hours",
    ))
