"""An in-process test bot: push a message as someone, get the reply (and notifications).

    reply = await bot.say("signup 12", as_="alice")
    assert "confirmed" in reply.text

Messages for other people go the real way: queued in the outbox with the change, then sent
by the runtime's notice sender through :class:`RecordingTransport`.  ``send`` waits for the
sender's pass after each message, so they have arrived when it returns.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from adapters.console.render import render_text
from bot.app.runtime import Runtime
from bot.clock import FixedClock
from bot.settings import Settings
from bot.types import Action, ChannelRef, Incoming, Notification, Reply, Surface
from storage.db import Database


class RecordingTransport:
    """Records every post, as a platform would receive it."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.sent: list[Notification] = []

    async def send(self, target: ChannelRef, reply: Reply) -> str | None:
        self.sent.append(Notification(target, reply))
        return f"m{len(self.sent)}"


class TestBot:
    __test__ = False  # not a test class

    def __init__(self, settings: Settings, clock: FixedClock, database: Database) -> None:
        self.runtime = Runtime(settings, clock=clock, database=database)
        self.clock = clock
        self.transport = RecordingTransport("console")
        self.runtime.transports.register(self.transport)
        self.channel = "general"

    async def start(self) -> None:
        await self.runtime.start(migrate=False)

    async def stop(self) -> None:
        """Stop the notice sender; the database fixture owns the engine."""
        await self.runtime.notices.stop()

    def incoming(self, text: str = "", *, as_: str = "alice", action: Action | None = None,
                 form: Mapping[str, str] | None = None, surface: Surface = Surface.DM,
                 platform: str = "console", workspace: str = "",
                 event_id: str | None = None, channel: str | None = None) -> Incoming:
        return Incoming(
            platform=platform, workspace=workspace, channel=channel or self.channel,
            user_id=as_, display_name=as_.title(), text=text,
            surface=Surface.ACTION if action else surface, action=action,
            form=dict(form or {}), event_id=event_id or uuid.uuid4().hex,
        )

    async def send(self, incoming: Incoming) -> Reply:
        outcome = await self.runtime.dispatch(incoming)
        await self.runtime.notices.send_now()
        assert outcome.reply is not None, "expected a reply"
        return outcome.reply

    async def say(self, text: str, *, as_: str = "alice", **kwargs: object) -> Reply:
        return await self.send(self.incoming(text, as_=as_, **kwargs))  # type: ignore[arg-type]

    async def press(self, action_id: str, value: str = "", *, as_: str = "alice") -> Reply:
        return await self.send(self.incoming(as_=as_, action=Action(action_id, value)))

    async def text(self, text: str, *, as_: str = "alice") -> str:
        """The reply rendered as the console shows it (handy for ``in`` assertions)."""
        return render_text(await self.say(text, as_=as_))

    def notifications_to(self, user_id: str) -> list[Reply]:
        return [n.reply for n in self.transport.sent if n.target.user_id == user_id]
