"""``faq suggestions``: questions the FAQ failed, each one press from becoming another
phrasing of an entry (organisers)."""

from __future__ import annotations

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import UsageError
from bot.services.suggestions import NOT_HELPFUL_REASON, Suggestion, add_phrasing, dismiss
from bot.services.suggestions import suggestions as review_items
from bot.types import Button, Field, Item, Reply
from storage.repositories.knowledge import parse_public_id


def suggestion_item(item: Suggestion) -> Item:
    log = item.log
    if item.reason == NOT_HELPFUL_REASON:
        given = f"{item.given.public_id} “{item.given.question}”" if item.given else "an entry"
        text = f"Marked not helpful when answered with {given}."
    else:
        text = "Answered by the network: the FAQ could not answer it."
    buttons = tuple(Button(f"Add as a phrasing of {e.public_id}", "faq phrasing",
                           f"{log.public_id} {e.public_id}", "primary" if i == 0 else None)
                    for i, e in enumerate(item.targets))
    fields = tuple(Field(e.public_id, e.question) for e in item.targets)
    return Item(title=f"{log.public_id}: {log.text}", text=text, fields=fields,
                buttons=(*buttons, Button("Dismiss", "faq dismiss", log.public_id)))


async def list_suggestions(ctx: Context, args: Args) -> Reply:
    items = await review_items(ctx.session, ctx.settings)
    if not items:
        return Reply(text="No suggestions: no answer was marked unhelpful and no question "
                          "answered by the network is waiting for review.")
    return Reply(title="Questions the FAQ could answer better",
                 text="Add a question as another phrasing of an entry and I'll answer it "
                      "from that entry straight away.",
                 items=tuple(suggestion_item(item) for item in items))


async def phrasing(ctx: Context, args: Args) -> Reply:
    words = args.positional
    log_id = parse_public_id(words[0], "Q") if len(words) == 2 else None
    entry_id = parse_public_id(words[1], "F") if len(words) == 2 else None
    if log_id is None or entry_id is None:
        raise UsageError("Which question and which entry? For example: faq phrasing Q12 F3")
    log, entry = await add_phrasing(ctx.session, ctx.settings, log_id, entry_id, ctx.now())
    return Reply(text=f"Added “{log.text}” as another way of asking {entry.public_id} "
                      f"“{entry.question}”. I'll answer it from that entry from now on.")


async def dismiss_suggestion(ctx: Context, args: Args) -> Reply:
    log_id = parse_public_id(args.first() or "", "Q")
    if log_id is None or len(args.positional) != 1:
        raise UsageError("Which question? For example: faq dismiss Q12")
    log = await dismiss(ctx.session, log_id, ctx.now())
    return Reply(text=f"Dismissed {log.public_id}; it is off the suggestions list.")


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="faq suggestions",
        summary="questions the FAQ failed, to add as other phrasings of entries",
        usage="faq suggestions",
        handler=list_suggestions,
        organiser_only=True,
        details="Lists questions whose answer was marked unhelpful and questions the network "
                "answered; one press adds a question as another phrasing of an entry.",
    ))
    registry.add(Command(
        name="faq phrasing",
        summary="add a logged question as another phrasing of an entry",
        usage="faq phrasing <Q12> <F3>",
        handler=phrasing,
        organiser_only=True,
        hidden=True,
    ))
    registry.add(Command(
        name="faq dismiss",
        summary="take a question off the suggestions list",
        usage="faq dismiss <Q12>",
        handler=dismiss_suggestion,
        organiser_only=True,
        hidden=True,
    ))
