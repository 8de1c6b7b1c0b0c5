"""``my data`` and ``forget me``."""

from __future__ import annotations

from datetime import datetime

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.services.privacy import PrivacyService
from bot.timefmt import format_datetime
from bot.types import Button, Field, Reply
from bot.wording import plural
from storage.repositories.seminars import seminar_record_counts


async def my_data(ctx: Context, args: Args) -> Reply:
    data = await PrivacyService(ctx.session, ctx.settings).data_of(ctx.person_id)
    zone = ctx.settings.zone

    def at(moment: datetime) -> str:
        return format_datetime(moment, zone)

    def section(title: str, lines: list[str]) -> list[str]:
        return [f"{title} ({len(lines)}):", *(lines or ["• none"])]

    person = data.person
    lines = [f"Who you are here: {person.display_name or person.user_id} "
             f"({person.platform} user {person.user_id}), first seen {at(person.created_at)}, "
             f"last seen {at(person.last_seen_at)}", ""]
    if person.email:
        lines += [f"Email (from {person.platform}, to match attendance reports): "
                  f"{person.email}", ""]
    lines += section("Event registrations", [
        f"• #{e.id} {e.title}, {at(e.starts_at)} — {reg.status} (signed up "
        f"{at(reg.signed_up_at)})" for e, reg in data.registrations])
    lines += section("Questions you asked", [
        f"• Q{q.id} “{q.text}” (asked {at(q.asked_at)})" for q in data.questions])
    lines += section("Questions you put to the network", [
        f"• Q{e.question_id}{' anonymously' if e.anonymous else ''}, {e.status} "
        f"(since {at(e.escalated_at)})" for e in data.escalations])
    lines += section("Answers you gave", [
        f"• “{a.text[:100]}” (given {at(a.created_at)})" for a in data.answers])
    lines += section("Network questions you declined", [
        f"• on {at(d.dismissed_at)}" for d in data.dismissals])
    lines += section("FAQ entries you own, are credited on or added", [
        f"• F{f.id} “{f.question[:100]}” ({f.status}, recorded {at(f.created_at)})"
        for f in data.faq_entries])
    lines += section("Events you created", [
        f"• #{e.id} {e.title} (created {at(e.created_at)})" for e in data.events_created])
    lines += section("Library resources you added", [
        f"• R{r.id} {r.title} (added {at(r.created_at)})" for r in data.resources_added])
    lines += section("Expertise", [f"• {x.topic} (added {at(x.added_at)})"
                                   for x in data.expertise])
    lines += section("Chats with you I can post to", [
        f"• {c.platform} {c.kind} chat (stored {at(c.created_at)})"
        for c in data.conversations])
    attended, rated, votes = await seminar_record_counts(ctx.session, ctx.person_id)
    lines.append(f"Seminars attended: {attended} (my learning lists them); feedback given: "
                 f"{rated}; topic votes: {votes}")
    organiser = "no"
    if data.organiser_since is not None:
        organiser = f"yes (since {at(data.organiser_since)})"
    elif ctx.is_organiser:
        organiser = "yes (named in the bot's settings)"
    return Reply(title="What I hold about you", text="\n".join(lines),
                 fields=(Field("Organiser", organiser),),
                 footer="forget me deletes all of it.", personal=True)


async def forget_me(ctx: Context, args: Args) -> Reply:
    if args.raw.strip().lower() != "confirm":
        return Reply(
            text="This deletes everything I hold about you: your event places (the next "
                 "person on a waitlist gets yours), questions and what hangs off them, "
                 "answers, expertise, seminar attendance and learning record, feedback and "
                 "topic votes. FAQ entries already approved from your answers stay, without "
                 "your name. It cannot be undone.",
            buttons=(Button("Yes, forget me", "forget me", "confirm", "danger"),),
            personal=True)
    result = await PrivacyService(ctx.session, ctx.settings).forget(ctx.person_id, ctx.now())
    for notification in result.notifications:
        ctx.notify(notification.target, notification.reply)
    return Reply(text=f"Done — I've forgotten you: "
                      f"{plural(result.registrations, 'event registration')}, "
                      f"{plural(result.questions, 'question')}, "
                      f"{plural(result.answers, 'answer')}, "
                      f"{plural(result.expertise, 'expertise topic')} and "
                      f"{plural(result.seminar_records, 'seminar record')} (attendance, "
                      "feedback, votes) deleted.", personal=True)


def register(registry: CommandRegistry) -> None:
    registry.add(Command("my data", "see everything the bot holds about you", my_data))
    registry.add(Command("forget me", "delete everything the bot holds about you (asks first)",
                         forget_me, usage="forget me"))
