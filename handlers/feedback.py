"""What they thought: ``rate`` (the buttons on the feedback card, and a form for one
sentence) and organisers' ``feedback <id>`` (registered with answers' ``feedback Q12 yes`` in
:mod:`handlers.questions`)."""

from __future__ import annotations

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import NotAllowed, UsageError
from bot.services.event_notices import event_label
from bot.services.feedback import FeedbackService, parse_rating
from bot.types import Field, Form, FormInput, Reply
from handlers.event_cards import event_id_from

YES = ("yes", "y", "true", "1", "on")


def comment_form(event_id: int, rating: int) -> Form:
    return Form(
        action_id="rate", title="One sentence (optional)", value=f"{event_id} {rating}",
        submit_label="Send",
        inputs=(
            FormInput("comment", "What was most useful, or what would make it better?",
                      placeholder="one sentence"),
            FormInput("sign", "Show my name to the organisers with this comment",
                      kind="choice", value="no", choices=(("no", "No"), ("yes", "Yes"))),
        ),
    )


async def rate(ctx: Context, args: Args) -> Reply:
    event_id = event_id_from(args, "rate")
    if len(args.positional) < 2:
        raise UsageError("Give the event and a rating from 1 to 5, e.g. rate 12 4 "
                         'comment="Clear and practical".')
    rating = parse_rating(args.positional[1])
    comment = args.named.get("comment")
    signed = args.named.get("sign", "no").strip().lower() in YES
    event = await FeedbackService(ctx.session, ctx.settings).give(
        event_id, ctx.person_id, rating, comment, signed, ctx.now())
    if comment is not None and comment.strip():
        named = " with your name" if signed else " without your name"
        return Reply(text=f"Thank you — your {rating}/5 and comment on {event_label(event)} "
                          f"are saved; organisers see the comment{named}.")
    return Reply(text=f"Thank you — you rated {event_label(event)} {rating}/5. Add one "
                      "sentence if you like (optional).",
                 form=comment_form(event.id, rating))


def names_a_seminar(args: Args) -> bool:
    """``feedback 12`` / ``feedback #12`` names a seminar (``feedback Q12 yes`` an answer)."""
    return (args.first() or "").lstrip("#").isdigit()


async def seminar_feedback(ctx: Context, args: Args) -> Reply:
    """Organisers only (the ``feedback`` command is shared with answers' feedback, which
    anyone may give, so the check is here)."""
    if not ctx.is_organiser:
        raise NotAllowed("Only organisers can see a seminar's feedback.")
    event_id = event_id_from(args, "feedback")
    summary = await FeedbackService(ctx.session, ctx.settings).summary(event_id)
    label = event_label(summary.event)
    if not summary.count:
        return Reply(title=f"Feedback on {label}",
                     text=f"No feedback yet ({summary.attended} recorded as attending).",
                     personal=True)
    bars = "\n".join(f"  {n}: {'█' * count} {count}"
                     for n, count in sorted(summary.distribution.items(), reverse=True))
    fields = (Field("Responses", f"{summary.count} of {summary.attended} who came"),
              Field("Average", f"{summary.average:.1f} / 5"))
    shown = summary.comments[:20]
    lines = [f"Ratings:\n{bars}"]
    if shown:
        lines.append("Comments:")
        lines += [f"  “{c.text}” ({c.rating}/5{', ' + c.author if c.author else ''})"
                  for c in shown]
    more = len(summary.comments) - len(shown)
    footer = f"…and {more} more comments — " if more > 0 else ""
    return Reply(title=f"Feedback on {label}", fields=fields, text="\n".join(lines),
                 footer=footer + f"For a spreadsheet: copbot export feedback {summary.event.id}",
                 personal=True)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="rate", usage='rate <id> <1-5> [comment="…"] [sign=yes]', handler=rate,
        summary="rate a seminar you came to (1 = poor, 5 = excellent), with one optional "
                "sentence",
    ))
