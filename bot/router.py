"""The router: one :class:`Incoming` in, one :class:`Outcome` out, in one unit of work.

It drops duplicate platform deliveries, records who spoke, parses the command, checks
organiser-only commands on the server, calls the handler and turns every failure into a
friendly reply.  A refused or failed command rolls back, so it changes nothing.  Messages the
handler sends to other people are queued in the outbox in the same unit of work
(:mod:`bot.notices`); after the commit ``on_notices`` wakes the sender.

Commands that need no database (``help``, an unknown command) from someone who spoke in the
last minute are answered without a unit of work: who they are and whether they organise is
remembered from their last message.  On SQLite, where units of work take turns, that keeps
``help`` from queueing behind a burst of sign-ups, and it answers while the database is down.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from cachetools import TTLCache
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.commands import Args, CommandRegistry, FreeText, ParsedCommand, Unknown
from bot.context import Context, HandlerSettings
from bot.errors import InvalidFields, NotAllowed, UsageError, UserError
from bot.notices import new_origin, queue_notices
from bot.settings import Settings
from bot.types import Incoming, Outcome, Person, Reply
from storage.db import Database, is_unavailable
from storage.repositories.idempotency import IdempotencyRepository
from storage.repositories.people import OrganiserRepository, PeopleRepository

log = logging.getLogger(__name__)

DATABASE_DOWN = (
    "I can't reach my database right now, so nothing was changed. Please try again in a few "
    "minutes."
)
# How long who someone is (their person id, organiser role and display name) is trusted
# without asking the database, for commands that need no database.
SPEAKER_MEMORY_SECONDS = 60.0
SPEAKER_MEMORY_SIZE = 10_000

Parsed = ParsedCommand | Unknown | FreeText


@dataclass(frozen=True, slots=True)
class _Speaker:
    person_id: int
    display_name: str
    is_organiser: bool


class RecentSpeakers:
    """People who spoke lately, as the database knew them then (an LRU with expiry).

    Only commands that cannot change anything run on what is remembered here, so a role
    removed in the last minute cannot be used to change data."""

    def __init__(self, seconds: float = SPEAKER_MEMORY_SECONDS,
                 size: int = SPEAKER_MEMORY_SIZE) -> None:
        self.seconds = seconds
        self.size = size
        self._people: TTLCache[str, _Speaker] = TTLCache(size, seconds, timer=time.monotonic)

    def get(self, person: Person) -> _Speaker | None:
        known = self._people.get(person.key)
        if known is None or (
                person.display_name and person.display_name != known.display_name):
            return None
        return known

    def remember(self, person: Person, person_id: int, is_organiser: bool) -> None:
        self._people[person.key] = _Speaker(person_id, person.display_name, is_organiser)


class Router:
    def __init__(
        self,
        commands: CommandRegistry,
        database: Database,
        settings: Settings,
        clock: Clock,
        *,
        extra_organisers: Iterable[str] = (),
        on_notices: Callable[[], None] = lambda: None,
    ) -> None:
        self.commands = commands
        self.on_notices = on_notices
        self.database = database
        self.settings = settings
        self.clock = clock
        self._organiser_keys = frozenset(settings.organisers) | frozenset(extra_organisers)
        self.speakers = RecentSpeakers()

    async def dispatch(self, incoming: Incoming) -> Outcome:
        try:
            parsed = self._parse(incoming)
            known = self._known_speaker(incoming, parsed)
            if known is not None:
                ctx = self._context(incoming, None, known.is_organiser, known.person_id)
                return Outcome(await self._run(ctx, parsed))
            async with self.database.session() as session:
                outcome, queued = await self._handle(session, incoming, parsed)
            if queued:
                self.on_notices()
            return outcome
        except UsageError as exc:
            return Outcome(Reply(text=exc.message))
        except UserError as exc:
            return Outcome(_user_error_reply(exc))
        except Exception as exc:
            if is_unavailable(exc):
                log.warning("database unavailable while handling %s: %s", incoming.event_id, exc)
                return Outcome(Reply(text=DATABASE_DOWN))
            ref = uuid.uuid4().hex[:8]
            log.exception("handler failed (ref %s) for %r", ref, incoming.text[:200],
                          extra={"error_ref": ref})
            return Outcome(Reply(text=f"Sorry, something went wrong on my side (error reference "
                                      f"{ref}). Nothing was changed; the organisers can look it "
                                      f"up with that reference."), error_ref=ref)

    def _parse(self, incoming: Incoming) -> Parsed:
        if incoming.action is not None:
            text = f"{incoming.action.id} {incoming.action.value}"
            return self.commands.parse(text, expect_command=True)
        return self.commands.parse(incoming.text, expect_command=incoming.is_command)

    def _known_speaker(self, incoming: Incoming, parsed: Parsed) -> _Speaker | None:
        """Who is speaking, when ``parsed`` can be answered without a unit of work: it needs
        no database, is no repeat delivery to drop, and the speaker was seen lately."""
        if incoming.event_id or incoming.form:
            return None
        if isinstance(parsed, FreeText) or (
                isinstance(parsed, ParsedCommand) and parsed.command.uses_database):
            return None
        return self.speakers.get(incoming.person)

    def _context(self, incoming: Incoming, session: AsyncSession | None, is_organiser: bool,
                 person_id: int) -> Context:
        # Built per message (a few attributes copied), so the handler sees only these.
        return Context(incoming=incoming, unit_of_work=session,
                       settings=HandlerSettings.of(self.settings),
                       clock=self.clock, is_organiser=is_organiser, person_id=person_id)

    async def _handle(self, session: AsyncSession, incoming: Incoming,
                      parsed: Parsed) -> tuple[Outcome, int]:
        """The outcome, and how many notices were queued in ``session``."""
        now = self.clock.now()
        origin = new_origin()
        if incoming.event_id:
            origin = key = f"{incoming.platform}:{incoming.workspace}:{incoming.event_id}"
            if not await IdempotencyRepository(session).claim(key, now):
                log.info("dropping duplicate delivery %s", key)
                return Outcome(None, duplicate=True), 0
        person = await PeopleRepository(session).touch(incoming.person, now,
                                                      email=incoming.email)
        is_organiser = incoming.person.key in self._organiser_keys or await OrganiserRepository(
            session
        ).contains(incoming.person)
        self.speakers.remember(incoming.person, person.id, is_organiser)
        ctx = self._context(incoming, session, is_organiser, person.id)
        reply = await self._run(ctx, parsed)
        queued = await queue_notices(session, ctx.notifications, origin=origin, now=now)
        return Outcome(reply), queued

    async def _run(self, ctx: Context, parsed: Parsed) -> Reply:
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
