"""The router: one :class:`Incoming` in, one :class:`Outcome` out, in one unit of work.

It drops duplicate platform deliveries, records who spoke, parses the command, checks
organiser-only commands on the server, calls the handler and turns every failure into a
friendly reply.  A refused or failed command rolls back, so it changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.commands import Args, CommandRegistry, FreeText, ParsedCommand, Unknown
from bot.context import Context
from bot.errors import InvalidFields, NotAllowed, UsageError, UserError
from bot.settings import Settings
from bot.types import Incoming, Outcome, Reply
from storage.db import Database, is_unavailable
from storage.repositories.idempotency import IdempotencyRepository
from storage.repositories.people import OrganiserRepository, PeopleRepository

log = logging.getLogger(__name__)

DATABASE_DOWN = (
    "I can't reach my database right now, so nothing was changed. Please try again in a few "
    "minutes."
)


class Router:
    def __init__(
        self,
        commands: CommandRegistry,
        database: Database,
        settings: Settings,
        clock: Clock,
        *,
        extra_organisers: Iterable[str] = (),
    ) -> None:
        self.commands = commands
        self.database = database
        self.settings = settings
        self.clock = clock
        self._organiser_keys = frozenset(settings.organisers) | frozenset(extra_organisers)

    async def dispatch(self, incoming: Incoming) -> Outcome:
        try:
            async with self.database.session() as session:
                return await self._handle(session, incoming)
        except UsageError as exc:
            return Outcome(Reply(text=exc.message))
        except UserError as exc:
            return Outcome(_user_error_reply(exc))
        except Exception as exc:
            if is_unavailable(exc):
                log.warning("database unavailable while handling %s: %s", incoming.event_id, exc)
                return Outcome(Reply(text=DATABASE_DOWN))
            ref = uuid.uuid4().hex[:8]
            log.exception("handler failed (ref %s) for %r", ref, incoming.text[:200])
            return Outcome(Reply(text=f"Sorry, something went wrong on my side (error reference "
                                      f"{ref}). Nothing was changed; the organisers can look it "
                                      f"up with that reference."))

    async def _handle(self, session: AsyncSession, incoming: Incoming) -> Outcome:
        now = self.clock.now()
        if incoming.event_id:
            key = f"{incoming.platform}:{incoming.workspace}:{incoming.event_id}"
            if not await IdempotencyRepository(session).claim(key, now):
                log.info("dropping duplicate delivery %s", key)
                return Outcome(None, duplicate=True)
        person = await PeopleRepository(session).touch(incoming.person, now)
        is_organiser = incoming.person.key in self._organiser_keys or await OrganiserRepository(
            session
        ).contains(incoming.person)
        ctx = Context(
            incoming=incoming,
            session=session,
            settings=self.settings,
            clock=self.clock,
            commands=self.commands,
            is_organiser=is_organiser,
            person_id=person.id,
        )
        reply = await self._run(ctx)
        return Outcome(reply, tuple(ctx.notifications))

    async def _run(self, ctx: Context) -> Reply:
        incoming = ctx.incoming
        if incoming.action is not None:
            text = f"{incoming.action.id} {incoming.action.value}"
            parsed = self.commands.parse(text, expect_command=True)
        else:
            parsed = self.commands.parse(incoming.text, expect_command=incoming.is_command)
        if isinstance(parsed, Unknown):
            return _unknown_reply(parsed)
        if isinstance(parsed, FreeText):
            if self.commands.question_handler is None:
                return Reply(text="I can't answer questions yet. Type help to see what I can do.")
            return await self.commands.question_handler(ctx, Args(raw=parsed.text))
        return await self._call(ctx, parsed)

    async def _call(self, ctx: Context, parsed: ParsedCommand) -> Reply:
        command = parsed.command
        if command.organiser_only and not ctx.is_organiser:
            raise NotAllowed(f"Only organisers can use {command.name}. Ask an organiser of the "
                             f"{self.settings.network_name} if you need this done.")
        args = parsed.args
        if ctx.incoming.form:
            named = {**args.named, **{k: v for k, v in ctx.incoming.form.items()}}
            args = replace(args, named=named)
        try:
            return await command.handler(ctx, args)
        except UsageError as exc:
            raise UsageError(f"{exc.message}\nUsage: {command.usage_text}") from exc


def _unknown_reply(unknown: Unknown) -> Reply:
    text = f"I don't know the command “{unknown.word}”."
    if unknown.suggestions:
        text += " Did you mean " + " or ".join(unknown.suggestions) + "?"
    text += " Type help to see what I can do."
    return Reply(text=text)


def _user_error_reply(exc: UserError) -> Reply:
    if isinstance(exc, InvalidFields):
        return Reply(text=exc.message, field_errors=exc.errors)
    return Reply(text=exc.message)
