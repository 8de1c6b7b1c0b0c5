"""Questions: ``ask``, free text, DMs and mentions are answered from the FAQ.

Organisers' ``faq add`` and ``faq edit`` live in :mod:`handlers.faq_admin`; both are
registered here.
"""

from __future__ import annotations

import logging

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import NotAllowed, NotFound, UsageError, UserError
from bot.services.knowledge import FeedbackRefused, ask, recall, record_feedback
from bot.types import Reply
from handlers import faq_admin, faq_suggestions
from handlers.feedback import names_a_seminar, seminar_feedback
from handlers.library_cards import answer_reply, entry_card, rated_reply
from storage.models import Community
from storage.models.knowledge import PUBLISHED
from storage.repositories.communities import CommunityRepository
from storage.repositories.knowledge import FaqRepository, parse_public_id
from storage.repositories.people import PeopleRepository

log = logging.getLogger(__name__)


async def communities_by_id(ctx: Context) -> dict[int, Community]:
    return {c.id: c for c in await CommunityRepository(ctx.session).list()}


async def answer_question(ctx: Context, args: Args) -> Reply:
    question = args.raw.strip()
    if not question:
        raise UsageError("What would you like to ask? For example: ask how do I get HES data?")
    from bot.services.knowledge_index import SearchUnavailable  # loads the search engine

    incoming = ctx.incoming
    try:
        answer = await ask(ctx.session, ctx.settings, question=question,
                           person_id=ctx.person_id, platform=incoming.platform,
                           workspace=incoming.workspace, channel=incoming.channel,
                           thread_id=incoming.thread_id, now=ctx.now())
    except SearchUnavailable as exc:
        log.error("%s", exc)
        raise UserError("I can't search the FAQ at the moment: the organisers need to finish "
                        "installing my search engine.") from exc
    best = answer.ranked.best
    owners = [best.entry.owner] if answer.ranked.answered and best is not None else []
    return answer_reply(answer, await communities_by_id(ctx),
                        await PeopleRepository(ctx.session).names_for_keys(owners))


async def feedback(ctx: Context, args: Args) -> Reply:
    words = [w.lower() for w in args.positional]
    log_id = parse_public_id(words[0], "Q") if words else None
    if log_id is None or len(words) != 2 or words[1] not in ("yes", "no"):
        raise UsageError("Tell me which question and whether the answer helped.")
    try:
        log = await record_feedback(ctx.session, log_id, ctx.person_id, words[1] == "yes",
                                    ctx.now())
    except FeedbackRefused as exc:
        raise NotAllowed(f"Only the person who asked {exc} can say whether its answer "
                         "helped.") from exc
    if log is None:
        raise NotFound(f"There is no question Q{log_id}.")
    answer = await recall(ctx.session, ctx.settings, log)
    return rated_reply(answer, words[1] == "yes", await communities_by_id(ctx))


async def feedback_command(ctx: Context, args: Args) -> Reply:
    """``feedback Q12 yes|no`` (did an answer help) or, for organisers, ``feedback 12`` (a
    seminar's ratings and comments): one word, two features, told apart by the id."""
    if names_a_seminar(args):
        return await seminar_feedback(ctx, args)
    return await feedback(ctx, args)


async def show_entry(ctx: Context, args: Args) -> Reply:
    entry_id = parse_public_id(args.first() or "", "F")
    if entry_id is None:
        raise UsageError("Which FAQ entry? For example: faq F12")
    entry = await FaqRepository(ctx.session).get(entry_id)
    if entry is None or (entry.status != PUBLISHED and not ctx.is_organiser):
        raise NotFound(f"There is no FAQ entry F{entry_id}.")
    community = (await communities_by_id(ctx)).get(entry.community_id or 0)
    names = await PeopleRepository(ctx.session).names_for_keys([entry.owner])
    return entry_card(entry, community, organiser=ctx.is_organiser, owner_names=names)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="ask",
        summary="ask the network's FAQ a question (or just type your question)",
        usage="ask <question>",
        handler=answer_question,
        details="I answer from the FAQ with the source, or tell you honestly that I don't "
                "know yet and note the question for the organisers.",
    ))
    registry.add(Command(
        name="faq",
        summary="show one FAQ entry",
        usage="faq <F12>",
        handler=show_entry,
    ))
    registry.add(Command(
        name="feedback",
        summary="a seminar's ratings and comments (organisers); feedback Q12 yes|no says "
                "whether an answer helped",
        usage="feedback <event id> | feedback <Q12> yes|no",
        handler=feedback_command,
    ))
    faq_admin.register(registry)
    faq_suggestions.register(registry)
