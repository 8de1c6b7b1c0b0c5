"""Notices through the outbox, seen from Teams: a member promoted from the waitlist while
the connector is down is told once it is back, exactly once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from storage.models.deliveries import NOTICE, Delivery
from tests.adapters.teams.conftest import ALICE_CHAT, AS_OLIVE, Copbot


async def _notices(copbot: Copbot) -> list[Delivery]:
    async with copbot.runtime.database.session() as session:
        rows = await session.execute(select(Delivery).where(Delivery.kind == NOTICE))
        return list(rows.scalars())


async def test_a_promotion_while_teams_is_down_is_told_once_after_it_recovers(
        copbot: Copbot, clock: FixedClock) -> None:
    await copbot.send("team_install.json")
    await copbot.send("personal_message.json", text="help")  # Alice's chat is known
    await copbot.send("personal_message.json", **AS_OLIVE, text=(
        'event add title="Intro to SPC" start="2026-12-10 14:00" duration=90m capacity=1'))
    await copbot.send("personal_message.json", **AS_OLIVE, text="signup 1")
    await copbot.send("personal_message.json", text="signup 1")  # Alice: waitlisted

    before = len(copbot.teams.accepted(ALICE_CHAT))
    copbot.teams.outage()
    await copbot.send("personal_message.json", **AS_OLIVE, text="cancel 1")
    [notice] = await _notices(copbot)
    assert notice.status == "pending" and notice.attempts >= 3  # tried; will try again
    assert len(copbot.teams.accepted(ALICE_CHAT)) == before

    copbot.teams.recover()
    clock.advance(timedelta(minutes=1))  # the retry falls due
    told = (await copbot.teams.wait_for(ALICE_CHAT, before + 1))[-1]
    assert "Intro to SPC" in str(told.body) and "place" in str(told.body)
    await copbot.runtime.notices.send_now()
    assert len(copbot.teams.accepted(ALICE_CHAT)) == before + 1
    [notice] = await _notices(copbot)
    assert notice.status == "sent" and notice.attempts == 4
