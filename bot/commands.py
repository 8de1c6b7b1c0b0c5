"""The one command grammar shared by every platform.

``signup 12`` typed in a DM, ``/copbot signup 12`` on Slack, ``@copbot signup 12`` on Teams,
a console line and a Sign up button (action ``signup``, value ``12``) all parse to the same
:class:`ParsedCommand`.  Arguments are shell-like words; ``name=value`` words are named
arguments, and quotes group words (``title="Intro to SPC"``).
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from bot.context import Context
from bot.errors import UsageError
from bot.types import Reply

_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
_APOSTROPHE_MARK = "\x00"


@dataclass(frozen=True, slots=True)
class Args:
    """A command's arguments: positional words, ``name=value`` pairs and the raw text."""

    raw: str = ""
    positional: tuple[str, ...] = ()
    named: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: str) -> Args:
        # Apostrophes inside words (England's, don't) are not quotes.
        protected = _APOSTROPHE.sub(_APOSTROPHE_MARK, raw)
        try:
            words = [w.replace(_APOSTROPHE_MARK, "'") for w in shlex.split(protected, posix=True)]
        except ValueError as exc:  # unbalanced quotes
            raise UsageError(f"I couldn't read that: {exc} (check your quotes).") from exc
        positional: list[str] = []
        named: dict[str, str] = {}
        for word in words:
            name, sep, value = word.partition("=")
            if sep and name and name.replace("_", "").replace("-", "").isalnum():
                named[name.lower().replace("-", "_")] = value
            else:
                positional.append(word)
        return cls(raw=raw.strip(), positional=tuple(positional), named=named)

    def first(self) -> str | None:
        return self.positional[0] if self.positional else None


Handler = Callable[[Context, Args], Awaitable[Reply]]
QuestionStep = Callable[[Context, Args], Awaitable[Reply | None]]
"""A step that free text (a question) passes through: a reply ends the chain, None passes on."""


def question_chain(steps: Sequence[QuestionStep], answer: Handler) -> Handler:
    """The handler for free text: each step in turn may take it; ``answer`` takes the rest."""
    chain = tuple(steps)

    async def handle(ctx: Context, args: Args) -> Reply:
        for step in chain:
            reply = await step(ctx, args)
            if reply is not None:
                return reply
        return await answer(ctx, args)

    return handle


@dataclass(frozen=True, slots=True)
class Command:
    """A command users can type.  ``summary`` is the one-line help; ``usage`` the full form."""

    name: str
    summary: str
    handler: Handler
    usage: str = ""
    organiser_only: bool = False
    aliases: tuple[str, ...] = ()
    # Hidden commands work (e.g. button targets) but are not listed by ``help``.
    hidden: bool = False
    details: str = ""
    # False for commands that never read or write the database (``help``): the router
    # answers them without a unit of work when it knows the speaker already.
    uses_database: bool = True
    # True for commands that only read (``events``, ``event <id>``): from a speaker seen in
    # the last minute the router runs them in a read-only unit of work, without writing
    # who spoke or the platform's event id (a repeat delivery is dropped from memory).
    read_only: bool = False

    @property
    def usage_text(self) -> str:
        return self.usage or self.name


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    command: Command
    args: Args


@dataclass(frozen=True, slots=True)
class Unknown:
    """Text that names no command: ``word`` is what was typed, ``suggestions`` close names."""

    word: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FreeText:
    """Text that is not a command: a question."""

    text: str


class CommandRegistry:
    """All commands, looked up by their (possibly multi-word) names, longest first."""

    def __init__(self, commands: Iterable[Command] = ()) -> None:
        self._by_name: dict[str, Command] = {}
        self._commands: list[Command] = []
        self.question_handler: Handler | None = None
        for command in commands:
            self.add(command)

    def add(self, command: Command) -> None:
        for name in (command.name, *command.aliases):
            key = _normalise(name)
            if key in self._by_name:
                raise ValueError(f"command {name!r} registered twice")
            self._by_name[key] = command
        self._commands.append(command)

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands)

    def get(self, name: str) -> Command | None:
        return self._by_name.get(_normalise(name))

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def parse(
        self, text: str, *, expect_command: bool = False
    ) -> ParsedCommand | Unknown | FreeText:
        """Split ``text`` into a command and its arguments.

        ``expect_command`` is set for slash commands and button presses, where the first word
        is meant as a command name.  Otherwise text that names no command is free text (a
        question) unless it is a single word or its first word is close to a command name.
        """
        text = text.strip()
        words = text.split()
        if not words:
            help_command = self.get("help")
            if help_command is None:
                return FreeText("")
            return ParsedCommand(help_command, Args())
        lowered = [w.lower() for w in words]
        for length in range(min(3, len(words)), 0, -1):
            command = self._by_name.get(" ".join(lowered[:length]))
            if command is not None:
                rest = _rest_after_words(text, length)
                return ParsedCommand(command, Args.parse(rest))
        first = lowered[0].lstrip("/!")
        suggestions = tuple(difflib.get_close_matches(first, self.names(), n=3, cutoff=0.75))
        looks_like_command = len(words) == 1 and not text.endswith("?")
        if expect_command and not (suggestions or len(words) == 1):
            return FreeText(text)  # "/copbot how do I get HES data?" is a question
        if expect_command or looks_like_command or (suggestions and "?" not in text):
            return Unknown(words[0], suggestions)
        return FreeText(text)


def _normalise(name: str) -> str:
    return " ".join(name.lower().split())


def _rest_after_words(text: str, count: int) -> str:
    rest = text
    for _ in range(count):
        rest = rest.lstrip()
        cut = len(rest.split(None, 1)[0])
        rest = rest[cut:]
    return rest.strip()
