"""``help`` and ``help <command>``: built from the other commands' own descriptions."""

from __future__ import annotations

from functools import partial

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import UsageError
from bot.types import Field, Reply

ORGANISERS = "organisers"


async def show_help(ctx: Context, args: Args, *, commands: CommandRegistry) -> Reply:
    """``help``: the commands this person can use (organisers get a pointer to theirs);
    ``help organisers``: organisers' commands; ``help <command>``: one command."""
    visible = [command for command in commands if not command.hidden]
    title = f"{ctx.settings.bot_name} for the {ctx.settings.network_name}"
    if args.raw.lower() in (ORGANISERS, "organiser", "organizers", "organizer"):
        if not ctx.is_organiser:
            return Reply(text="Those commands are for the network's organisers. "
                              "help lists the ones you can use.")
        lines = [f"{c.usage_text} — {c.summary}" for c in visible if c.organiser_only]
        return Reply(title=f"{title}: organisers' commands", text="\n".join(lines),
                     footer="help <command> tells more.")
    if args.raw:
        command = commands.get(args.raw)
        if command is None:
            raise UsageError(f"There is no command called “{args.raw}”.")
        fields = [Field("Usage", command.usage_text)]
        if command.organiser_only:
            fields.append(Field("Who", "organisers only"))
        text = command.summary + (f"\n{command.details}" if command.details else "")
        return Reply(title=command.name, text=text, fields=tuple(fields))
    lines = [f"{c.usage_text} — {c.summary}" for c in visible if not c.organiser_only]
    footer = "Anything else you type is taken as a question. help <command> tells more."
    if ctx.is_organiser and any(c.organiser_only for c in visible):
        footer += " You're an organiser: help organisers lists your commands."
    return Reply(title=title, text="\n".join(lines), footer=footer)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="help",
        summary="list what I can do, or explain one command",
        usage="help [command|organisers]",
        handler=partial(show_help, commands=registry),  # the commands registered by then, and after
        uses_database=False,
    ))
