"""``expertise`` and ``who knows``: members say what they know; questions find them."""

from __future__ import annotations

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import UsageError
from bot.paging import paginate, split_page
from bot.services.expertise import ExpertiseService
from bot.types import Field, Item, Reply


async def show_expertise(ctx: Context, args: Args) -> Reply:
    topics = await ExpertiseService(ctx.session).topics(ctx.person_id)
    if not topics:
        return Reply(text="You haven't listed any expertise yet. Try: expertise add SPC, R, "
                          "evaluation of social prescribing")
    return Reply(title="Your expertise", text="\n".join(f"• {t}" for t in topics), personal=True,
                 footer="Questions the bot can't answer may be suggested to you.")


async def add_expertise(ctx: Context, args: Args) -> Reply:
    if not args.raw:
        raise UsageError("Say what you know, separated by commas.")
    added, known = await ExpertiseService(ctx.session).add(ctx.person_id, args.raw, ctx.now())
    parts = []
    if added:
        parts.append("Added: " + ", ".join(added) + ".")
    if known:
        parts.append("Already listed: " + ", ".join(known) + ".")
    return Reply(text=" ".join(parts) or "Nothing to add.")


async def remove_expertise(ctx: Context, args: Args) -> Reply:
    if not args.raw:
        raise UsageError("Say which topics to remove, separated by commas.")
    removed = await ExpertiseService(ctx.session).remove(ctx.person_id, args.raw)
    if not removed:
        return Reply(text="None of those were in your expertise. Type expertise to see it.")
    return Reply(text=f"Removed {removed} topic{'s' if removed != 1 else ''}.")


async def who_knows(ctx: Context, args: Args) -> Reply:
    topic, number = split_page(args.raw)
    if not topic:
        raise UsageError("Name a topic.")
    experts = await ExpertiseService(ctx.session).who_knows(topic, limit=None)
    if not experts:
        return Reply(text=f"Nobody has listed expertise in “{topic}” yet.")
    page = paginate(experts, number, f"who knows {topic}")
    items = tuple(
        Item(title=e.person.name,
             fields=(Field("Knows about", ", ".join(e.topics)),
                     Field("On", e.person.platform.title())))
        for e in page.entries
    )
    return Reply(title=f"Who knows about “{topic}” ({len(experts)})", items=items,
                 footer=page.footer and f"{page.footer}.", buttons=page.more_button)


def register(registry: CommandRegistry) -> None:
    registry.add(Command("expertise", "list the topics you know about", show_expertise))
    registry.add(Command(
        "expertise add", "say what you know (comma-separated), so questions can find you",
        add_expertise, usage="expertise add <topic>, <topic> …"))
    registry.add(Command("expertise remove", "remove topics from your expertise",
                         remove_expertise, usage="expertise remove <topic>, <topic> …"))
    registry.add(Command("who knows", "find members with expertise in a topic", who_knows,
                         usage="who knows <topic> [page N]"))
