"""``my data`` and ``forget me``."""

from __future__ import annotations

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.services.privacy import PrivacyService
from bot.timefmt import format_datetime
from bot.types import Button, Field, Reply
from bot.wording import plural


async def my_data(ctx: Context, args: Args) -> Reply:
    data = await PrivacyService(ctx.session, ctx.settings).data_of(ctx.person_id)
    zone = ctx.settings.zone
    person = data.person
    lines = [f"Who you are here: {person.display_name or person.user_id} "
             f"({person.platform} user {person.user_id})"]
    lines.append("")
    lines.append(f"Event registrations ({len(data.registrations)}):")
    lines += [f"• #{e.id} {e.title}, {format_datetime(e.starts_at, zone)} — {reg.status}"
              for e, reg in data.registrations] or ["• none"]
    lines.append(f"Questions you asked ({len(data.questions)}):")
    lines += [f"• Q{q.id} “{q.text}”" for q in data.questions] or ["• none"]
    lines.append(f"Answers you gave ({len(data.answers)}):")
    lines += [f"• “{a.text[:100]}”" for a in data.answers] or ["• none"]
    lines.append(f"Expertise: {', '.join(data.expertise) or 'none'}")
    fields = (Field("Organiser", "yes" if data.organiser or ctx.is_organiser else "no"),)
    return Reply(title="What I hold about you", text="\n".join(lines), fields=fields,
                 footer="forget me deletes all of it.")


async def forget_me(ctx: Context, args: Args) -> Reply:
    if args.raw.strip().lower() != "confirm":
        return Reply(
            text="This deletes everything I hold about you: your event places (the next "
                 "person on a waitlist gets yours), questions, answers and expertise. FAQ "
                 "entries already approved from your answers stay, without your name. It "
                 "cannot be undone.",
            buttons=(Button("Yes, forget me", "forget me", "confirm", "danger"),))
    result = await PrivacyService(ctx.session, ctx.settings).forget(ctx.person_id, ctx.now())
    for notification in result.notifications:
        ctx.notify(notification.target, notification.reply)
    return Reply(text=f"Done — I've forgotten you: "
                      f"{plural(result.registrations, 'event registration')}, "
                      f"{plural(result.questions, 'question')}, "
                      f"{plural(result.answers, 'answer')} and "
                      f"{plural(result.expertise, 'expertise topic')} deleted.")


def register(registry: CommandRegistry) -> None:
    registry.add(Command("my data", "see everything the bot holds about you", my_data))
    registry.add(Command("forget me", "delete everything the bot holds about you (asks first)",
                         forget_me, usage="forget me"))
