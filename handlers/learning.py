"""A learning record: ``my learning [year]`` lists the seminars you attended, with dates and
hours and the year's total."""

from __future__ import annotations

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.paging import paginate, split_page
from bot.services.event_notices import event_label
from bot.services.learning import format_hours, learning_record, parse_year
from bot.timefmt import format_date
from bot.types import Field, Item, Reply

LIST_LIMIT = 25


async def my_learning(ctx: Context, args: Args) -> Reply:
    zone = ctx.settings.zone
    raw, number = split_page(args.raw)
    word = raw.split()[0] if raw.split() else None
    year = parse_year(word, ctx.now().astimezone(zone).date())
    entries = await learning_record(ctx.session, ctx.person_id, year, zone)
    if not entries:
        return Reply(text=f"No seminars attended in {year} are recorded for you. Check in "
                          "with the button in a seminar's last reminder, or ask an organiser.",
                     personal=True)
    total = sum(e.hours for e in entries)
    page = paginate(entries, number, f"my learning {year}", size=LIST_LIMIT)
    items = tuple(Item(title=event_label(e.event),
                       fields=(Field("Date", format_date(e.event.starts_at, zone)),
                               Field("Hours", format_hours(e.hours))))
                  for e in page.entries)
    seminars = f"{len(entries)} seminar" + ("" if len(entries) == 1 else "s")
    return Reply(title=f"Your learning in {year}",
                 text=f"{seminars}, {format_hours(total)} in total.",
                 items=items, footer=page.footer and f"{page.footer}.",
                 buttons=page.more_button, personal=True)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="my learning", usage="my learning [year] [page N]", handler=my_learning,
        summary="the seminars you attended this year (or another), with hours",
    ))
