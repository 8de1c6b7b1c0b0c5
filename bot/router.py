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
Commands that only read (``events``, ``event <id>``, ``my events``) from such a speaker run in
a read-only unit of work: no write transaction, no "who spoke" row, no idempotency row.

Repeat deliveries of a platform event are dropped twice over: every event id this process
handled is remembered (:class:`RecentEvents`), and a unit of work that writes also claims
the id in the database, so a retry that reaches another replica never acts twice.  A
read-only command's retry that reaches another replica is answered again, which changes
nothing.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from cachetools import LRUCache, TTLCache
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
# How many platform event ids handled by this process are remembered, to drop repeats.
RECENT_EVENTS_SIZE = 10_000

Parsed = ParsedCommand | Unknown | FreeText


@dataclass(frozen=True, slots=True)
class _Speaker:
    person_id: int
    display_name: str
    email: str
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

    def remember(self, person: Person, person_id: int, is_organiser: bool,
                 email: str = "") -> None:
        self._people[person.key] = _Speaker(person_id, person.display_name, email,
                                            is_organiser)


class RecentEvents:
    """Platform event ids this process handled lately (an LRU of fixed size).  An id is
    claimed before it is handled and released if handling fails, so a retry then runs."""

    def __init__(self, size: int = RECENT_EVENTS_SIZE) -> None:
        self._keys: LRUCache[str, None] = LRUCache(size)

    def claim(self, key: str) -> bool:
        """True the first time ``key`` is claimed (since it was forgotten or released)."""
        if key in self._keys:
            self._keys[key]  # a read marks it recently used
            return False
        self._keys[key] = None
        return True

    def release(self, key: str) -> None:
        self._keys.pop(key, None)


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
        self.recent_events = RecentEvents()

    async def dispatch(self, incoming: Incoming) -> Outcome:
        key = _event_key(incoming)
        if key is not None and not self.recent_events.claim(key):
            log.info("dropping duplicate delivery %s", key)
            return Outcome(None, duplicate=True)
        outcome, done = await self._dispatch(incoming)
        if key is not None and not done:
            self.recent_events.release(key)  # nothing was changed: a retry runs afresh
        return outcome

    async def _dispatch(self, incoming: Incoming) -> tuple[Outcome, bool]:
        """The outcome, and False when it was refused or failed (so nothing changed)."""
        try:
            parsed = self._parse(incoming)
            known = self._known_speaker(incoming, parsed)
            if known is not None:
                if _reads(parsed):
                    return Outcome(await self._read(incoming, parsed, known)), True
                ctx = self._context(incoming, None, known.is_organiser, known.person_id)
                return Outcome(await self._run(ctx, parsed)), True
            async with self.database.session() as session:
                outcome, queued = await self._handle(session, incoming, parsed)
            if queued:
                self.on_notices()
            return outcome, True
        except UsageError as exc:
            return Outcome(Reply(text=exc.message)), False
        except UserError as exc:
            return Outcome(_user_error_reply(exc)), False
        except Exception as exc:
            if is_unavailable(exc):
                log.warning("database unavailable while handling %s: %s", incoming.event_id, exc)
                return Outcome(Reply(text=DATABASE_DOWN)), False
            ref = uuid.uuid4().hex[:8]
            log.exception("handler failed (ref %s) for %r", ref, incoming.text[:200],
                          extra={"error_ref": ref})
            return Outcome(Reply(text=f"Sorry, something went wrong on my side (error reference "
                                      f"{ref}). Nothing was changed; the organisers can look it "
                                      f"up with that reference."), error_ref=ref), False

    async def _read(self, incoming: Incoming, parsed: Parsed, known: _Speaker) -> Reply:
        """A read-only command from a speaker seen lately, in a unit of work that cannot
        write (on SQLite it does not wait for the writer)."""
        async with self.database.read_session() as session:
            ctx = self._context(incoming, session, known.is_organiser, known.person_id)
            reply = await self._run(ctx, parsed)
        if ctx.notifications:
            raise RuntimeError("a command declared read_only queued notices")
        return reply

    def _parse(self, incoming: Incoming) -> Parsed:
        if incoming.action is not None:
            text = f"{incoming.action.id} {incoming.action.value}"
            return self.commands.parse(text, expect_command=True)
        return self.commands.parse(incoming.text, expect_command=incoming.is_command)

    def _known_speaker(self, incoming: Incoming, parsed: Parsed) -> _Speaker | None:
        """Who is speaking, when ``parsed`` can be answered without a unit of work that
        writes: it needs no database or only reads, and the speaker was seen lately (with
        the same name and email)."""
        if incoming.form:
            return None
        if isinstance(parsed, FreeText) or (
                isinstance(parsed, ParsedCommand) and parsed.command.uses_database
                and not parsed.command.read_only):
            return None
        return self._recent(incoming)

    def _recent(self, incoming: Incoming) -> _Speaker | None:
        """The speaker as remembered from the last minute, unless their name or email
        changed since (then they are written again)."""
        known = self.speakers.get(incoming.person)
        if known is None or (incoming.email and incoming.email != known.email):
            return None
        return known

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
        key = _event_key(incoming)
        if key is not None:
            origin = key
            if not await IdempotencyRepository(session).claim(key, now):
                log.info("dropping duplicate delivery %s", key)
                return Outcome(None, duplicate=True), 0
        person = await PeopleRepository(session).touch(incoming.person, now,
                                                      email=incoming.email)
        is_organiser = incoming.person.key in self._organiser_keys or await OrganiserRepository(
            session
        ).contains(incoming.person)
        self.speakers.remember(incoming.person, person.id, is_organiser, incoming.email)
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


def _event_key(incoming: Incoming) -> str | None:
    """The idempotency key of a platform delivery (None when the platform gives no id)."""
    if not incoming.event_id:
        return None
    return f"{incoming.platform}:{incoming.workspace}:{incoming.event_id}"


def _reads(parsed: Parsed) -> bool:
    return isinstance(parsed, ParsedCommand) and parsed.command.uses_database


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
