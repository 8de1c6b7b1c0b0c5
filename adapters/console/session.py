"""The console conversation loop.

On a TTY: an interactive prompt; buttons are numbered and typing a number presses one.
Otherwise (scripted): each stdin line is one message; each reply is printed as plain text
followed by a line containing only ``---``.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from adapters.console.render import render_text
from bot.numbers import whole_number
from bot.types import Action, Button, ChannelRef, Incoming, Outcome, Reply, Surface

PLATFORM = "console"
SEPARATOR = "---"
FAREWELLS = frozenset({"quit", "exit"})


class ConsoleTransport:
    """Notifications and scheduled posts in the console are printed."""

    platform = PLATFORM

    def __init__(self, out: TextIO) -> None:
        self.out = out

    async def send(self, target: ChannelRef, reply: Reply) -> str | None:
        where = f"@{target.user_id}" if target.is_direct else f"#{target.conversation_id}"
        self.out.write(f"[message to {where}]\n{render_text(reply)}\n")
        self.out.flush()
        return None


class ConsoleSession:
    def __init__(
        self,
        dispatch: Callable[[Incoming], Awaitable[Outcome]],
        *,
        user_id: str,
        display_name: str,
        out: TextIO,
        files_dir: Path,
        channel: str = "console",
    ) -> None:
        self.dispatch = dispatch
        self.user_id = user_id
        self.display_name = display_name
        self.out = out
        self.files_dir = files_dir
        self.channel = channel
        self._buttons: list[Button] = []

    def incoming(self, line: str) -> Incoming:
        text = line.strip()
        number = whole_number(text)
        if number is not None and 0 < number <= len(self._buttons):
            button = self._buttons[number - 1]
            return Incoming(
                platform=PLATFORM, workspace="", channel=self.channel, user_id=self.user_id,
                display_name=self.display_name, surface=Surface.ACTION,
                action=Action(button.action_id, button.value), event_id=uuid.uuid4().hex,
            )
        return Incoming(
            platform=PLATFORM, workspace="", channel=self.channel, user_id=self.user_id,
            display_name=self.display_name, text=text, surface=Surface.DM,
            event_id=uuid.uuid4().hex,
        )

    async def say(self, line: str, *, numbered: bool) -> str:
        """Dispatch one line; returns the rendered reply (messages for others are sent from
        the outbox, through :class:`ConsoleTransport`)."""
        outcome = await self.dispatch(self.incoming(line))
        if outcome.reply is None:
            return ""
        self._buttons = []
        text = render_text(outcome.reply, numbered=self._buttons if numbered else None)
        if outcome.reply.file is not None:
            path = self._save(outcome.reply.file.filename, outcome.reply.file.content)
            text += f"\nSaved {outcome.reply.file.filename} to {path}"
        return text

    def _save(self, filename: str, content: bytes) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = (self.files_dir / Path(filename).name).resolve()
        path.write_bytes(content)
        return path

    async def run_script(self, stream: TextIO) -> None:
        for line in stream:
            if not line.strip():
                continue
            if is_farewell(line):
                return
            text = await self.say(line, numbered=False)
            self.out.write(f"{text}\n{SEPARATOR}\n")
            self.out.flush()

    async def run_interactive(self, network_name: str) -> None:
        self.out.write(f"copbot — {network_name}. Type help, or a question. "
                       "quit, exit or Ctrl-D to leave.\n")
        while True:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except (EOFError, KeyboardInterrupt):
                self.out.write("\n")
                return
            if not line.strip():
                continue
            if is_farewell(line):
                return
            text = await self.say(line, numbered=True)
            self.out.write(f"\n{text}\n\n")


def is_farewell(line: str) -> bool:
    """``quit`` and ``exit`` end the session, as in a shell."""
    return line.strip().lower() in FAREWELLS


def is_interactive(stream: TextIO) -> bool:
    return stream.isatty() and sys.stdout.isatty()
