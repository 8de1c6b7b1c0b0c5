"""The router's promises: clear replies for bad input, nothing changed, no stack traces."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from bot.commands import Args, Command
from bot.context import Context
from bot.errors import UsageError
from bot.types import Incoming, Reply, Surface
from storage.models import Community, Person
from storage.repositories.people import OrganiserRepository
from tests.testbot import TestBot


async def test_help_lists_every_command_with_a_description(bot: TestBot) -> None:
    member = await bot.say("help")
    organiser = await bot.say("help", as_="olive")
    theirs = (await bot.say("help organisers", as_="olive")).text
    for command in bot.runtime.commands:
        if command.hidden:
            continue
        text = theirs if command.organiser_only else member.text
        assert f"{command.usage_text} — {command.summary}" in text
        if command.organiser_only:
            assert command.summary not in member.text  # members see what they can use
    assert "help organisers" in organiser.footer and "help organisers" not in member.footer
    refused = await bot.say("help organisers")
    assert "for the network's organisers" in refused.text and not refused.title


async def test_help_for_one_command_shows_its_usage(bot: TestBot) -> None:
    reply = await bot.say("help communities")
    assert reply.title == "communities"
    assert any(f.label == "Usage" for f in reply.fields)


async def test_unknown_command_gets_a_friendly_reply(bot: TestBot) -> None:
    reply = await bot.say("frobnicate")
    assert "don't know the command" in reply.text and "help" in reply.text


async def test_typo_suggests_the_right_command(bot: TestBot) -> None:
    reply = await bot.say("comunities")
    assert "Did you mean communities" in reply.text


async def test_member_is_refused_an_organiser_command(bot: TestBot) -> None:
    reply = await bot.say("organisers", as_="alice")
    assert "Only organisers" in reply.text
    reply = await bot.say("organisers", as_="olive")
    assert "console::olive" in reply.text


async def _add_then_fail(ctx: Context, args: Args) -> Reply:
    ctx.session.add(Community(slug="doomed", name="Doomed", description=""))
    await ctx.session.flush()
    if args.raw == "usage":
        raise UsageError("that is not a number")
    raise RuntimeError("secret internal detail")


async def _count_doomed(bot: TestBot) -> int:
    async with bot.runtime.database.session() as session:
        result = await session.execute(
            select(func.count()).select_from(Community).where(Community.slug == "doomed"))
        return int(result.scalar_one())


async def test_bad_arguments_roll_back_and_show_usage(bot: TestBot) -> None:
    bot.runtime.commands.add(Command("boom", "fails", _add_then_fail, usage="boom <n>"))
    reply = await bot.say("boom usage")
    assert reply.text == "that is not a number\nUsage: boom <n>"
    assert await _count_doomed(bot) == 0


async def test_handler_crash_is_logged_and_user_gets_a_reference(
    bot: TestBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.runtime.commands.add(Command("boom", "fails", _add_then_fail))
    with caplog.at_level(logging.ERROR):
        reply = await bot.say("boom now")
    assert "secret internal detail" not in reply.text
    assert "Traceback" not in reply.text
    assert "error reference" in reply.text
    ref = reply.text.split("error reference ")[1][:8]
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)
    assert await _count_doomed(bot) == 0


async def test_duplicate_delivery_is_dropped(bot: TestBot) -> None:
    calls: list[str] = []

    async def count(ctx: Context, args: Args) -> Reply:
        calls.append(args.raw)
        return Reply(text="counted")

    bot.runtime.commands.add(Command("count", "counts", count))
    incoming = bot.incoming("count 1", event_id="Ev123")
    first = await bot.runtime.dispatch(incoming)
    second = await bot.runtime.dispatch(incoming)
    assert first.reply is not None and first.reply.text == "counted"
    assert second.duplicate and second.reply is None
    assert calls == ["1"]


async def test_button_press_reaches_the_typed_command(bot: TestBot) -> None:
    typed = await bot.say("help communities")
    pressed = await bot.press("help", "communities")
    assert typed == pressed


# ------------------------------------------------ commands that need no database
def _slash(bot: TestBot, text: str, *, as_: str = "alice", name: str = "") -> Incoming:
    """A slash command as Slack sends it: no event id to deduplicate."""
    incoming = replace(bot.incoming(text, as_=as_, surface=Surface.COMMAND), event_id=None)
    return replace(incoming, display_name=name) if name else incoming


async def _person_names(bot: TestBot) -> dict[str, str]:
    async with bot.runtime.database.session() as session:
        result = await session.execute(select(Person.user_id, Person.display_name))
        return {user: name for user, name in result.all()}


async def test_help_is_not_kept_waiting_by_a_long_write(bot: TestBot) -> None:
    await bot.send(_slash(bot, "communities"))  # alice is known from now on
    async with bot.runtime.database.session() as session:  # a slow write is under way
        session.add(Community(slug="slow", name="Slow", description=""))
        await session.flush()
        async with asyncio.timeout(2):
            reply = await bot.send(_slash(bot, "help"))
        assert "signup" in reply.text
        async with asyncio.timeout(2):
            unknown = await bot.send(_slash(bot, "frobnicate"))
        assert "don't know the command" in unknown.text


async def test_help_from_someone_new_or_renamed_is_recorded(bot: TestBot) -> None:
    await bot.send(_slash(bot, "help", as_="nadia", name="Nadia"))
    assert (await _person_names(bot))["nadia"] == "Nadia"
    await bot.send(_slash(bot, "help", as_="nadia", name="Nadia Khan"))
    assert (await _person_names(bot))["nadia"] == "Nadia Khan"


async def test_a_removed_organiser_is_refused_at_once(bot: TestBot) -> None:
    async with bot.runtime.database.session() as session:
        await OrganiserRepository(session).add("console", "", "oscar", bot.clock.now())
    assert "Organisers" == (await bot.send(_slash(bot, "organisers", as_="oscar"))).title
    await bot.send(_slash(bot, "help", as_="oscar"))
    async with bot.runtime.database.session() as session:
        await OrganiserRepository(session).remove("console", "", "oscar")
    reply = await bot.send(_slash(bot, "organisers", as_="oscar"))
    assert "Only organisers" in reply.text


# ------------------------------------------------ commands that only read
async def test_events_are_not_kept_waiting_by_a_long_write(bot: TestBot) -> None:
    await bot.send(_slash(bot, "communities"))  # alice is known from now on
    async with bot.runtime.database.session() as session:  # a slow write is under way
        session.add(Community(slug="slow", name="Slow", description=""))
        await session.flush()
        async with asyncio.timeout(2):
            listed = await bot.send(_slash(bot, "events"))
            mine = await bot.send(_slash(bot, "my events"))
        assert "No events" in listed.text
        assert "You have no upcoming events" in mine.text


async def test_a_repeated_delivery_of_a_read_is_answered_once(bot: TestBot) -> None:
    await bot.say("help")  # alice is known from now on
    incoming = bot.incoming("events", event_id="Ev-read-1")
    first = await bot.runtime.dispatch(incoming)
    second = await bot.runtime.dispatch(incoming)
    assert first.reply is not None and "No events" in first.reply.text
    assert second.duplicate and second.reply is None


async def test_a_read_refused_for_bad_input_runs_again_when_retried(bot: TestBot) -> None:
    await bot.say("help")
    incoming = bot.incoming("event 999", event_id="Ev-read-2")
    first = await bot.runtime.dispatch(incoming)
    again = await bot.runtime.dispatch(incoming)
    assert first.reply is not None and "no event #999" in first.reply.text
    assert again.reply == first.reply and not again.duplicate


async def test_a_handler_gets_only_the_network_settings(bot: TestBot) -> None:
    seen: list[Context] = []

    async def probe(ctx: Context, args: Args) -> Reply:
        seen.append(ctx)
        return Reply(text="ok")

    bot.runtime.commands.add(Command("probe", "records its context", probe))
    await bot.say("probe")
    [ctx] = seen
    assert ctx.settings.network_name == bot.runtime.settings.network_name
    assert ctx.settings.zone == bot.runtime.settings.zone
    assert ctx.settings.organisers == ("console::olive",)
    for hidden in ("database_url", "port", "scheduler", "log_format", "metrics"):
        assert not hasattr(ctx.settings, hidden)
    with pytest.raises(AttributeError):
        ctx.settings.network_name = "changed"  # type: ignore[misc]
