"""Notices through the outbox, seen from Slack: a member promoted from the waitlist while
Slack's API is down is told once Slack is back, exactly once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from storage.db import Database
from storage.models.deliveries import NOTICE, Delivery
from storage.models.events import WAITLISTED
from tests.adapters.slack.driver import TEAM, USER, SlackDriver
from tests.adapters.slack.fake_slack import FakeSlack
from tests.bot.scheduler.support import add_event, register

BOB = "UBOB"


async def notices(database: Database) -> list[Delivery]:
    async with database.session() as session:
        rows = await session.execute(select(Delivery).where(Delivery.kind == NOTICE))
        return list(rows.scalars())


async def test_a_promotion_while_slack_is_down_is_told_once_after_it_recovers(
        slack: SlackDriver, fake_slack: FakeSlack, database: Database,
        clock: FixedClock) -> None:
    event_id = await add_event(database, clock.now() + timedelta(days=7), capacity=1,
                               title="Intro to SPC")
    await register(database, event_id, USER, workspace=TEAM)
    await register(database, event_id, BOB, workspace=TEAM, status=WAITLISTED,
                   at=clock.now() - timedelta(days=1))

    await slack.command("help")  # the app has checked its token before Slack goes down
    fake_slack.outage()
    answer = await slack.command(f"cancel {event_id}")  # the answer rides on the ack
    assert "given up your place" in answer.json["text"]
    await slack.runtime.notices.send_now()  # (after the loop's own tries, if it was first)
    [notice] = await notices(database)
    assert notice.status == "pending" and notice.target == f"slack:{TEAM}:@{BOB}"
    assert notice.attempts >= 3 and "fatal_error" in notice.last_error  # will try again
    assert fake_slack.calls_to("chat.postMessage", ok_only=True) == []

    fake_slack.recover()
    clock.advance(timedelta(minutes=1))  # the retry falls due
    [told] = await fake_slack.wait_for("chat.postMessage")
    assert told.params["channel"] == BOB and "Intro to SPC" in told.text
    await slack.runtime.notices.send_now()
    await fake_slack.settle()
    assert len(fake_slack.calls_to("chat.postMessage", ok_only=True)) == 1
    [notice] = await notices(database)
    assert notice.status == "sent" and notice.message_id == told.answer["ts"]
