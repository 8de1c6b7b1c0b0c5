"""Topics the network asks for: ``suggest``, ``topics`` with a Vote button (pressing again
withdraws the vote), and organisers' ``topic plan`` and ``topic close``."""

from __future__ import annotations

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import UsageError
from bot.paging import paginate, split_page
from bot.services.event_notices import event_label
from bot.services.topics import TopicService, topic_id_from
from bot.timefmt import format_range
from bot.types import Button, Field, Item, Reply
from storage.models.seminars import Topic
from storage.repositories.people import person_ref


def service(ctx: Context) -> TopicService:
    return TopicService(ctx.session, ctx.settings)


def _votes(n: int) -> str:
    return f"{n} vote" + ("" if n == 1 else "s")


def topic_item(topic: Topic, votes: int, mine: bool) -> Item:
    label = "Withdraw my vote" if mine else "Vote"
    return Item(title=f"{topic.public_id} {topic.title}",
                text=_votes(votes) + (" (including yours)" if mine else ""),
                buttons=(Button(label, "vote", topic.public_id,
                                style=None if mine else "primary"),))


async def suggest(ctx: Context, args: Args) -> Reply:
    anyway = args.named.get("anyway", "").lower() in ("yes", "y", "true", "1")
    title = " ".join(args.positional)
    result = await service(ctx).suggest(title, args.named.get("community", ""),
                                        ctx.person_id, ctx.now(), anyway=anyway)
    if result.topic is None:
        mine = await service(ctx).topics.voted_by(ctx.person_id,
                                                  [t.id for t, _ in result.similar])
        community = args.named.get("community", "")
        again = (f"anyway=yes community={community} {title}" if community
                 else f"anyway=yes {title}")
        return Reply(
            text="Did you mean one of these? Vote for it instead of suggesting it again.",
            items=tuple(topic_item(t, n, t.id in mine) for t, n in result.similar),
            buttons=(Button("No, suggest mine", "suggest", again),),
        )
    topic = result.topic
    return Reply(text=f"Thanks — {topic.public_id} “{topic.title}” is on the list, with your "
                      "vote. Others can vote for it with: topics",
                 buttons=(Button("See all topics", "topics"),))


async def list_topics(ctx: Context, args: Args) -> Reply:
    raw, number = split_page(args.raw)
    community, rows = await service(ctx).open_topics(raw)
    where = f" in {community.name}" if community else ""
    if not rows:
        return Reply(text=f"No open topic suggestions{where}. Suggest one: suggest <topic>")
    command = " ".join(["topics", *([community.slug] if community else [])])
    page = paginate(rows, number, command)
    mine = await service(ctx).topics.voted_by(ctx.person_id, [t.id for t, _ in page.entries])
    return Reply(title=f"Seminar topics people asked for{where}",
                 text="One vote per person per topic; press Vote again to withdraw it.",
                 items=tuple(topic_item(t, n, t.id in mine) for t, n in page.entries),
                 footer=page.footer and f"{page.footer}.", buttons=page.more_button)


async def vote(ctx: Context, args: Args) -> Reply:
    topic_id = topic_id_from(args.first(), "vote")
    topic, voting, votes = await service(ctx).vote(topic_id, ctx.person_id, ctx.now())
    if voting:
        text = f"You voted for {topic.public_id} “{topic.title}” ({_votes(votes)})."
    else:
        text = f"You withdrew your vote for {topic.public_id} “{topic.title}” ({_votes(votes)})."
    return Reply(text=text, buttons=(Button("Withdraw my vote" if voting else "Vote", "vote",
                                            topic.public_id),))


async def plan(ctx: Context, args: Args) -> Reply:
    if len(args.positional) < 2:
        raise UsageError("Give the topic and the seminar, e.g. topic plan T3 12.")
    topic_id = topic_id_from(args.positional[0], "topic plan")
    event_word = args.positional[1].lstrip("#")
    if not event_word.isdigit():
        raise UsageError("Give the seminar's number, e.g. topic plan T3 12.")
    planned = await service(ctx).plan(topic_id, int(event_word), ctx.now())
    event = planned.event
    notice = Reply(
        title=f"A seminar on a topic you asked for: {event_label(event)}",
        text=f"You voted for {planned.topic.public_id} “{planned.topic.title}”. "
             f"{event_label(event)} answers it.",
        fields=(Field("When", format_range(event.starts_at, event.ends_at, ctx.settings.zone)),),
        buttons=(Button("Sign up", "signup", str(event.id), style="primary"),
                 Button("Details", "event", str(event.id))),
    )
    told = 0
    for voter in planned.voters:
        if voter.id != ctx.person_id:
            ctx.notify(person_ref(voter), notice)
            told += 1
    return Reply(text=f"{planned.topic.public_id} is planned as {event_label(event)}. "
                      f"{told} {'voter was' if told == 1 else 'voters were'} told.")


async def close(ctx: Context, args: Args) -> Reply:
    topic = await service(ctx).close(topic_id_from(args.first(), "topic close"), ctx.now())
    return Reply(text=f"Closed {topic.public_id} “{topic.title}”; it no longer shows in "
                      "topics.")


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="suggest", usage="suggest <topic> [community=…]", handler=suggest,
        summary="suggest a seminar topic (or vote for a similar one already suggested)",
    ))
    registry.add(Command(
        name="topics", usage="topics [community]", handler=list_topics,
        summary="seminar topics people asked for, most votes first, with a Vote button",
    ))
    registry.add(Command(
        name="vote", usage="vote <T3>", handler=vote,
        summary="vote for a suggested topic (again to withdraw your vote)",
    ))
    registry.add(Command(
        name="topic plan", usage="topic plan <T3> <event id>", handler=plan,
        organiser_only=True,
        summary="link a topic to the seminar that answers it (its voters are told)",
    ))
    registry.add(Command(
        name="topic close", usage="topic close <T3>", handler=close, organiser_only=True,
        summary="close a topic suggestion",
    ))
