"""``help`` and ``help <command>``: built from the other commands' own descriptions."""

from __future__ import annotations

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import UsageError
from bot.types import Field, Reply


async def show_help(ctx: Context, args: Args) -> Reply:
    if args.raw:
        command = ctx.commands.get(args.raw)
        if command is None:
            raise UsageError(f"There is no command called “{args.raw}”.")
        fields = [Field("Usage", command.usage_text)]
        if command.organiser_only:
            fields.append(Field("Who", "organisers only"))
        text = command.summary + (f"\n{command.details}" if command.details else "")
        return Reply(title=command.name, text=text, fields=tuple(fields))
    visible = [command for command in ctx.commands if not command.hidden]
    lines = [f"{c.usage_text} — {c.summary}" for c in visible if not c.organiser_only]
    organiser = [f"{c.usage_text} — {c.summary}" for c in visible if c.organiser_only]
    if organiser:
        lines += ["", "For organisers:", *organiser]
    title = f"{ctx.settings.bot_name} for the {ctx.settings.network_name}"
    footer = "Anything else you type is taken as a question. help <command> tells more."
    return Reply(title=title, text="\n".join(lines), footer=footer)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="help",
        summary="list what I can do, or explain one command",
        usage="help [command]",
        handler=show_help,
        uses_database=False,
    ))
