"""Ask the network: escalate, answer, accept, and the organisers' FAQ review.

Every button has a typed twin: ``escalate Q12 [anonymous]``, ``answer Q12 <text>``,
``accept Q12``, ``faq review``, ``faq approve F20``.  A reply in the thread of an escalated
question that mentions the bot is taken as an answer too.
"""

from __future__ import annotations

from dataclasses import replace

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import UsageError
from bot.markdown import literal
from bot.numbers import record_id
from bot.paging import paginate, split_page
from bot.services.network import Escalated, NetworkService, subject_for
from bot.services.question_states import QUESTION_STATES, recent_questions
from bot.timefmt import format_datetime
from bot.types import Button, ChannelRef, Field, Form, FormInput, Item, Reply, Surface
from storage.models import Person
from storage.repositories.knowledge import parse_public_id
from storage.repositories.people import OrganiserRepository, person_ref, split_person_key

# Drafts come five at a time: each shows its whole answer, to be read before approving.
REVIEW_PAGE = 5


def _question_id(args: Args) -> int:
    first = args.first()
    question_id = parse_public_id(first or "", "Q")
    if question_id is None:
        raise UsageError("Which question? Questions are numbered like Q12.")
    return question_id


def _draft_id(args: Args) -> int:
    entry_id = parse_public_id(args.first() or "", "F")
    if entry_id is None:
        raise UsageError("Which draft? Drafts are numbered like F20 (see faq review).")
    return entry_id


async def escalate(ctx: Context, args: Args) -> Reply:
    question_id = _question_id(args)
    anonymous = any(word.lower() in {"anonymous", "anonymously", "anon"}
                    for word in args.positional[1:])
    result = await NetworkService(ctx.session, ctx.settings).escalate(
        question_id, ctx.person_id, organiser=ctx.is_organiser, anonymous=anonymous,
        now=ctx.now())
    q = f"Q{question_id}"
    if result.already:
        return Reply(text=f"{q} is already with the network; you'll hear when someone answers.")
    asked_by = ("someone who asked anonymously" if anonymous or result.asker is None
                else result.asker.display_name or result.asker.user_id)
    fields = [Field("Asked by", asked_by)]
    if result.community is not None:
        fields.append(Field("Community", result.community.name))
    mentions = tuple(expert.person for expert in result.experts)
    if mentions:
        fields.append(Field("Might know", ", ".join(p.name for p in mentions)))
    card = Reply(
        title=f"Can you help with {q}?",
        text=result.question.text,
        fields=tuple(fields),
        mentions=mentions,
        buttons=(Button("Answer", "answer", q, "primary"), Button("Not for me", "decline", q)),
        public=True,
    )
    for channel in result.channels:
        ctx.notify(channel, card, subject=subject_for(question_id))
    how = " anonymously" if anonymous else ""
    if not result.channels:
        # No channel takes these questions: the organisers get the card themselves.
        organisers = await organiser_targets(ctx)
        for target in organisers:
            ctx.notify(target, replace(card, public=False), subject=subject_for(question_id))
        sent = "sent" if organisers else "listed"
        return Reply(text=f"No channel is set up to take questions{_about(result)} yet, so I've "
                          f"{sent} {q}{how} to the organisers. You'll get a message here when "
                          "someone answers.")
    where = ", ".join(f"{c.platform} channel {c.conversation_id}" for c in result.channels)
    return Reply(text=f"I've put {q}{how} to the network ({where}). You'll get a message here "
                      "when someone answers.")


async def organiser_targets(ctx: Context) -> list[ChannelRef]:
    """A DM to every organiser (settings and ``copbot organisers add``) but the sender."""
    stored = [f"{o.platform}:{o.workspace}:{o.user_id}"
              for o in await OrganiserRepository(ctx.session).list()]
    me = ChannelRef.for_person(ctx.person).key
    targets: dict[str, ChannelRef] = {}
    for key in [*ctx.settings.organisers, *stored]:
        parts = split_person_key(key)
        if parts is not None:
            target = ChannelRef(platform=parts[0], workspace=parts[1], user_id=parts[2])
            if target.key != me:
                targets[target.key] = target
    return list(targets.values())


async def list_questions(ctx: Context, args: Args) -> Reply:
    raw, number = split_page(args.raw)
    wanted = (raw.split()[0] if raw.split() else "").lower()
    if wanted and wanted not in QUESTION_STATES:
        raise UsageError(f"Which questions? Say questions, or questions followed by one of "
                         f"{', '.join(QUESTION_STATES)}.")
    found = await recent_questions(ctx.session, states=(wanted,) if wanted else QUESTION_STATES,
                                   limit=None)
    if not found:
        return Reply(text=f"No {wanted + ' ' if wanted else ''}questions yet.")
    page = paginate(found, number, " ".join(["questions", *([wanted] if wanted else [])]))
    zone = ctx.settings.zone
    items = []
    for entry in page.entries:
        q = entry.question.public_id
        buttons: tuple[Button, ...] = ()
        if entry.state == "open":
            buttons = (Button("Put to the network", "escalate", q),)
        elif entry.state == "escalated":
            buttons = (Button("Answer", "answer", q, "primary"),)
        items.append(Item(title=f"{q} · {entry.state}", text=entry.question.text,
                          fields=(Field("Asked", format_datetime(entry.question.asked_at,
                                                                 zone)),),
                          buttons=buttons))
    title = f"{wanted.capitalize()} questions" if wanted else "Recent questions"
    more = f"{page.footer}. " if page.footer else ""
    return Reply(title=title, items=tuple(items), buttons=page.more_button,
                 footer=f"{more}Newest first. Filter with questions "
                        f"{'|'.join(QUESTION_STATES)}.")


def _about(result: Escalated) -> str:
    return f" about {result.community.name}" if result.community is not None else ""


async def answer(ctx: Context, args: Args) -> Reply:
    question_id = _question_id(args)
    # Typed: everything after the id, verbatim.  Form submission: the "answer" input.
    words = args.raw.split(None, 1)
    text = args.named.get("answer") or (words[1] if len(words) > 1 else "")
    if not text.strip():
        await NetworkService(ctx.session, ctx.settings).question(question_id)
        return Reply(form=Form(
            action_id="answer", title=f"Answer Q{question_id}", value=f"Q{question_id}",
            submit_label="Send answer",
            inputs=(FormInput("answer", "Your answer", "multiline", required=True),)))
    return await record_answer(ctx, question_id, text)


async def record_answer(ctx: Context, question_id: int, text: str) -> Reply:
    service = NetworkService(ctx.session, ctx.settings)
    result = await service.answer(question_id, ctx.person, ctx.person_id, text, ctx.now())
    q = f"Q{question_id}"
    author = ctx.person.name
    for thread in result.threads:
        ctx.notify(thread, Reply(title=f"Answer to {q}", text=result.answer.text,
                                 markdown=True, fields=(Field("From", author),), public=True))
    if result.asker is not None:
        ctx.notify(person_ref(result.asker), Reply(
            title=f"Your question {q} has an answer",
            text=f"You asked: {literal(result.question.text)}\n\n{result.answer.text}",
            markdown=True,
            fields=(Field("From", author),),
            buttons=(Button("This answered it", "accept", f"{q} {result.answer.id}",
                            "primary"),),
        ))
    where = " and posted it in the question's thread" if result.threads else ""
    return Reply(text=f"Thanks, {author}! I've sent your answer to the person who asked "
                      f"{q}{where}.")


async def decline(ctx: Context, args: Args) -> Reply:
    question_id = _question_id(args)
    await NetworkService(ctx.session, ctx.settings).decline(question_id, ctx.person_id,
                                                            ctx.now())
    return Reply(text=f"No problem — I won't suggest Q{question_id} to you again.")


async def accept(ctx: Context, args: Args) -> Reply:
    question_id = _question_id(args)
    answer_id = None
    if len(args.positional) > 1:
        answer_id = record_id(args.positional[1])
        if answer_id is None:
            raise UsageError("The answer is named by its number (the one on its button).")
    result = await NetworkService(ctx.session, ctx.settings).accept(
        question_id, ctx.person_id, organiser=ctx.is_organiser, answer_id=answer_id,
        now=ctx.now())
    if result.answer.person_id and result.answer.person_id != ctx.person_id:
        expert = await ctx.session.get(Person, result.answer.person_id)
        if expert is not None:
            ctx.notify(person_ref(expert), Reply(
                text=f"Your answer to Q{question_id} answered it. It will become FAQ entry "
                     f"F{result.draft.id} once an organiser approves it — thank you!"))
    return Reply(text=f"Thanks! The answer is now draft FAQ entry F{result.draft.id}, credited "
                      f"to {result.answer.author_name}; an organiser will review it.")


async def review(ctx: Context, args: Args) -> Reply:
    """``faq review [page N]``: draft FAQ entries a page at a time, oldest first."""
    _, number = split_page(args.raw)
    drafts = await NetworkService(ctx.session, ctx.settings).drafts()
    if not drafts:
        return Reply(text="No draft FAQ entries are waiting for review.", personal=True)
    page = paginate(drafts, number, "faq review", size=REVIEW_PAGE)
    items = tuple(
        Item(title=f"F{d.id}: {d.question}", text=d.answer, markdown=True,
             fields=(Field("Credit", d.credit or "—"),),
             buttons=(Button("Approve", "faq approve", f"F{d.id}", "primary"),
                      Button("Edit", "faq edit", f"F{d.id}"),
                      Button("Reject", "faq reject", f"F{d.id}", "danger")))
        for d in page.entries
    )
    return Reply(title=f"Draft FAQ entries to review ({len(drafts)})", items=items,
                 footer=page.footer and f"{page.footer}.", buttons=page.more_button,
                 personal=True)


async def approve(ctx: Context, args: Args) -> Reply:
    entry_id = _draft_id(args)
    service = NetworkService(ctx.session, ctx.settings)
    local_today = ctx.now().astimezone(ctx.settings.zone).date()
    entry = await service.approve(entry_id, local_today, ctx.now())
    for author in await service.answer_authors(entry_id):
        ctx.notify(person_ref(author), Reply(
            text=f"Your answer is now in the FAQ as F{entry.id}: “{entry.question}”. Thank you!"))
    return Reply(text=f"F{entry.id} is published. I'll answer “{entry.question}” (and questions "
                      "like it) directly from now on.")


async def reject(ctx: Context, args: Args) -> Reply:
    entry_id = _draft_id(args)
    entry = await NetworkService(ctx.session, ctx.settings).reject(entry_id)
    return Reply(text=f"Draft F{entry_id} (“{entry.question}”) was rejected and removed.")


async def answer_in_thread(ctx: Context, args: Args) -> Reply | None:
    """Free text that mentions the bot in the thread of an escalated question is an answer
    (a step of the question chain; None for any other free text)."""
    if ctx.incoming.surface == Surface.MENTION and ctx.incoming.thread_id:
        service = NetworkService(ctx.session, ctx.settings)
        question_id = await service.question_in_thread(ctx.incoming.channel_ref)
        if question_id is not None:
            return await record_answer(ctx, question_id, args.raw)
    return None


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        "escalate", "put a question I couldn't answer to the network's experts", escalate,
        usage="escalate <Q12> [anonymous]"))
    registry.add(Command(
        "answer", "answer a question someone put to the network", answer,
        usage="answer <Q12> <your answer>"))
    registry.add(Command(
        "accept", "say that an answer to your question answered it", accept,
        usage="accept <Q12>"))
    registry.add(Command("decline", "don't suggest a network question to me again", decline,
                         usage="decline <Q12>", hidden=True))
    registry.add(Command("questions", "recent questions and where each stands", list_questions,
                         usage=f"questions [{'|'.join(QUESTION_STATES)}] [page N]",
                         organiser_only=True))
    registry.add(Command("faq review", "review draft FAQ entries made from accepted answers",
                         review, usage="faq review [page N]", organiser_only=True))
    registry.add(Command("faq approve", "publish a draft FAQ entry", approve,
                         usage="faq approve <F20>", organiser_only=True))
    registry.add(Command("faq reject", "remove a draft FAQ entry", reject,
                         usage="faq reject <F20>", organiser_only=True))
