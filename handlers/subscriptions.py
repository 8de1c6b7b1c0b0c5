"""Channel subscriptions: which channels get seminar reminders, the weekly digest and
questions for the network, by community.  Organisers run these in the channel concerned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import UsageError
from bot.services.communities import resolve_community
from bot.types import ChannelRef, Reply
from storage.models.deliveries import (
    ALL_COMMUNITIES,
    DIGESTS,
    QUESTIONS,
    REMINDERS,
    SUBSCRIPTION_KINDS,
)
from storage.repositories.communities import CommunityRepository
from storage.repositories.deliveries import SubscriptionRepository

KIND_NAMES = {
    REMINDERS: "seminar reminders",
    DIGESTS: "the weekly digest",
    QUESTIONS: "questions for the network",
}
USAGE_WORDS = "[community|all] [reminders|digest|questions|all]"


def this_channel(ctx: Context) -> ChannelRef:
    """The channel the command was typed in, as a place to post to later.

    Without its thread: a mention in a channel arrives with a thread of its own (Slack
    answers top-level mentions in a thread, and every Teams channel post starts one), and
    scheduled posts belong in the channel, not under the message that subscribed it."""
    return replace(ctx.incoming.channel_ref, thread_id=None)


async def _parse(ctx: Context, args: Args) -> tuple[str | None, list[str] | None]:
    """(community slug, ``*`` or None if not named; kinds, or None if not named)."""
    community: str | None = None
    kinds: list[str] = []
    for position, word in enumerate(w.lower() for w in args.positional):
        if word in SUBSCRIPTION_KINDS:
            kinds.append(word)
        elif word == "all" and position == 0:
            community = ALL_COMMUNITIES
        elif word == "all":
            kinds.extend(SUBSCRIPTION_KINDS)
        elif community is not None:
            raise UsageError(f"“{word}” is not one of reminders, digest, questions or all.")
        else:
            found = await resolve_community(ctx.session, word)
            if found is None:
                slugs = ", ".join(c.slug for c in await CommunityRepository(ctx.session).list())
                raise UsageError(f"There is no community or kind called “{word}”. Communities: "
                                 f"{slugs or 'none yet'}; kinds: reminders, digest, questions.")
            community = found.slug
    unique = [kind for kind in SUBSCRIPTION_KINDS if kind in kinds]
    return community, unique or None


async def _community_name(ctx: Context, community: str) -> str:
    if community == ALL_COMMUNITIES:
        return "all communities"
    found = await CommunityRepository(ctx.session).by_slug(community)
    return f"the {found.name} community" if found else f"the {community} community"


def _kinds_text(kinds: Sequence[str]) -> str:
    names = [KIND_NAMES[kind] for kind in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


async def subscribe(ctx: Context, args: Args) -> Reply:
    community, kinds = await _parse(ctx, args)
    community = community or ALL_COMMUNITIES
    kinds = kinds or list(SUBSCRIPTION_KINDS)
    channel = this_channel(ctx)
    added = await SubscriptionRepository(ctx.session).add(channel, community, kinds, ctx.now())
    scope = await _community_name(ctx, community)
    if not added:
        return Reply(text=f"This channel already gets {_kinds_text(kinds)} for {scope}.")
    return Reply(text=f"Done: this channel now gets {_kinds_text(added)} for {scope}. "
                      "Type subscriptions to see everything it gets.")


async def unsubscribe(ctx: Context, args: Args) -> Reply:
    community, kinds = await _parse(ctx, args)
    if community == ALL_COMMUNITIES:
        community = None  # "unsubscribe all": every community
    channel = this_channel(ctx)
    removed = await SubscriptionRepository(ctx.session).remove(channel, community, kinds)
    if not removed:
        return Reply(text="This channel had no subscription like that; nothing changed. Type "
                          "subscriptions to see what it gets.")
    left = await SubscriptionRepository(ctx.session).for_channel(channel)
    what = f"{removed} subscription{'s' if removed != 1 else ''}"
    if not left:
        return Reply(text=f"Done: removed {what}. This channel gets no scheduled posts now.")
    return Reply(text=f"Done: removed {what}. Type subscriptions to see what is left.")


async def list_subscriptions(ctx: Context, args: Args) -> Reply:
    rows = await SubscriptionRepository(ctx.session).for_channel(this_channel(ctx))
    if not rows:
        return Reply(text="This channel has no subscriptions. Use subscribe "
                          f"{USAGE_WORDS} here to add one.")
    by_scope: dict[str, list[str]] = {}
    for row in rows:
        by_scope.setdefault(row.community, []).append(row.kind)
    lines = []
    for community, kinds in sorted(by_scope.items(), key=lambda item: item[0] != "*"):
        ordered = [kind for kind in SUBSCRIPTION_KINDS if kind in kinds]
        lines.append(f"{await _community_name(ctx, community)}: {_kinds_text(ordered)}")
    scope = "Subscriptions of this channel"
    return Reply(title=scope, text="\n".join(lines))


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="subscribe",
        summary="have this channel get reminders, the weekly digest or questions",
        usage=f"subscribe {USAGE_WORDS}",
        handler=subscribe,
        organiser_only=True,
        details="Run it in the channel that should get the posts. Without arguments: "
                "everything, for all communities.",
    ))
    registry.add(Command(
        name="unsubscribe",
        summary="stop some or all of this channel's scheduled posts",
        usage=f"unsubscribe {USAGE_WORDS}",
        handler=unsubscribe,
        organiser_only=True,
        details="Without arguments: every subscription of this channel.",
    ))
    registry.add(Command(
        name="subscriptions",
        summary="list what this channel is subscribed to",
        handler=list_subscriptions,
        organiser_only=True,
    ))
