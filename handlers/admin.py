"""Network administration from chat: communities and organisers."""

from __future__ import annotations

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.types import Item, Reply
from storage.repositories.communities import CommunityRepository
from storage.repositories.people import OrganiserRepository, PeopleRepository


async def list_communities(ctx: Context, args: Args) -> Reply:
    communities = await CommunityRepository(ctx.session).list()
    if not communities:
        return Reply(text="No communities are set up yet.")
    items = tuple(Item(title=f"{c.name} ({c.slug})", text=c.description) for c in communities)
    return Reply(title=f"Communities of the {ctx.settings.network_name}", items=items)


async def list_organisers(ctx: Context, args: Args) -> Reply:
    """Names first; the key (what ``copbot organisers remove`` takes) in brackets."""
    stored = [f"{o.platform}:{o.workspace}:{o.user_id}"
              for o in await OrganiserRepository(ctx.session).list()]
    configured = list(ctx.settings.organisers)
    keys = configured + [key for key in stored if key not in configured]
    names = await PeopleRepository(ctx.session).names_for_keys(keys)
    lines = []
    for key in keys:
        name = names.get(key, "not met the bot yet")
        lines.append(f"{name} ({key}{', from settings' if key in configured else ''})")
    return Reply(title="Organisers", text="\n".join(lines) or "No organisers are set up yet.",
                 personal=True)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="communities",
        summary="list the network's communities of practice",
        handler=list_communities,
    ))
    registry.add(Command(
        name="organisers",
        summary="list the network's organisers",
        handler=list_organisers,
        organiser_only=True,
    ))
