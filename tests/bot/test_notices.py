"""Notices go through the outbox: queued once with the change that causes them, and sent by
whichever process runs a sender, not only the one that handled the message."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy import select

from bot.app.runtime import Runtime
from bot.clock import FixedClock
from bot.notices import queue_notices
from bot.settings import Settings
from bot.types import ChannelRef, Incoming, Notification, Reply
from storage.db import Database
from storage.models.deliveries import NOTICE, Delivery
from tests.handlers.test_events import SPC, add_event
from tests.testbot import RecordingTransport, TestBot


async def _notices(database: Database) -> list[Delivery]:
    async with database.session() as session:
        rows = await session.execute(select(Delivery).where(Delivery.kind == NOTICE))
        return list(rows.scalars())


async def test_a_repeated_platform_delivery_queues_its_notice_once(bot: TestBot) -> None:
    event = await add_event(bot, capacity=1)
    await bot.say(f"signup {event}", as_="alice")
    await bot.say(f"signup {event}", as_="bob")
    cancel = bot.incoming(f"cancel {event}", as_="alice", event_id="Ev-cancel")
    first = await bot.runtime.dispatch(cancel)
    again = await bot.runtime.dispatch(replace(cancel))  # the platform retries the event
    await bot.runtime.notices.send_now()
    assert first.reply is not None and again.duplicate
    [notice] = await _notices(bot.runtime.database)
    assert notice.status == "sent" and notice.target == "console::@bob"
    assert [r.title for r in bot.notifications_to("bob")] == [
        "You're in: #1 Intro to SPC charts"]


async def test_the_same_origin_queued_again_adds_nothing(database: Database,
                                                         clock: FixedClock) -> None:
    told = [Notification(ChannelRef("slack", "T1", user_id=user), Reply(text="Hello"))
            for user in ("U1", "U2")]
    for _ in range(2):
        async with database.session() as session:
            await queue_notices(session, told, origin="slack:T1:Ev1", now=clock.now())
    assert sorted(n.target for n in await _notices(database)) == [
        "slack:T1:@U1", "slack:T1:@U2"]


class SignalingTransport(RecordingTransport):
    def __init__(self, platform: str) -> None:
        super().__init__(platform)
        self.arrived = asyncio.Event()

    async def send(self, target: ChannelRef, reply: Reply) -> str | None:
        self.arrived.set()
        return await super().send(target, reply)


async def test_another_replica_sends_what_this_one_queued(
        settings: Settings, clock: FixedClock, database: Database) -> None:
    # The replica that handles the messages cannot post to the console; the other one can,
    # and finds the notice by itself (nothing wakes it), even with its scheduler off.
    handling = Runtime(settings, clock=clock, database=database)
    sending = Runtime(settings.model_copy(update={"scheduler": "off"}), clock=clock,
                      database=database)
    console = SignalingTransport("console")
    sending.transports.register(console)
    await handling.start(migrate=False)
    await sending.start(migrate=False)
    try:
        for who, text in (("olive", SPC.format(capacity=1)), ("alice", "signup 1"),
                          ("bob", "signup 1"), ("alice", "cancel 1")):
            await handling.dispatch(Incoming("console", "", "general", who, who.title(), text))
        async with asyncio.timeout(10):
            await console.arrived.wait()
    finally:
        await handling.notices.stop()
        await sending.notices.stop()
    [told] = console.sent
    assert told.target.user_id == "bob"
    assert told.reply.title == "You're in: #1 Intro to SPC charts"
