"""Real ``copbot`` processes against the fake Slack, killed with SIGKILL at the worst moment:
nothing is lost, and each post reaches Slack once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import make_url, select, update

from adapters.slack.settings import SlackSettings
from bot.app.platforms import create_transports
from bot.clock import FixedClock
from bot.delivery import Transports
from bot.scheduler.policy import LEASE
from bot.settings import Settings
from storage.db import Database
from storage.models.deliveries import NOTICE, PENDING, SENT, Delivery
from storage.models.events import WAITLISTED
from tests.adapters.slack.driver import SIGNING_SECRET, TEAM, USER, SlackDriver
from tests.adapters.slack.fake_slack import FakeSlack
from tests.bot.scheduler.support import add_event, channel, register, scheduler, subscribe
from tests.conftest import platforms
from tests.copbot_process import CopbotProcess
from tests.tcpproxy import TcpProxy

BOB = "UBOB"


def _env(database_url: str, fake: FakeSlack) -> dict[str, str]:
    return {"COPBOT_DATABASE_URL": database_url, "COPBOT_SLACK_BOT_TOKEN": "xoxb-test-token",
            "COPBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "COPBOT_SLACK_API_URL": fake.api_url}


async def _rows(database: Database, *, kind: str | None = None) -> list[Delivery]:
    async with database.session() as session:
        query = select(Delivery).order_by(Delivery.id)
        if kind is not None:
            query = query.where(Delivery.kind == kind)
        return list((await session.execute(query)).scalars())


async def _expire_leases(database: Database) -> None:
    """Time passes: every claim's lease runs out (the test does not wait ten minutes)."""
    async with database.session() as session:
        await session.execute(update(Delivery).where(Delivery.claim_token.is_not(None))
                              .values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1)))


def _posts_to(fake: FakeSlack) -> list[str]:
    return [str(c.params["channel"]) for c in fake.calls_to("chat.postMessage", ok_only=True)]


async def test_a_server_killed_between_commit_and_send_is_relieved_by_another_process(
        fake_slack: FakeSlack, database: Database, database_url: str, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    event_id = await add_event(database, now + timedelta(days=7), capacity=1,
                               title="Intro to SPC", created_at=now - timedelta(days=1))
    await register(database, event_id, USER, workspace=TEAM)
    await register(database, event_id, BOB, workspace=TEAM, status=WAITLISTED)
    env = _env(database_url, fake_slack)
    # Scheduled posts are off in the web process; notices are sent by it all the same.
    server = CopbotProcess(["serve", "--host", "127.0.0.1", "--port", "0"],
                           {**env, "COPBOT_SCHEDULER": "off"}, tmp_path, "serve")
    line = await server.start("copbot serving on")
    driver = SlackDriver(line.split()[-1].strip(), fake_slack, None)  # type: ignore[arg-type]
    try:
        fake_slack.hold("chat.postMessage")
        answer = await driver.command(f"cancel {event_id}")
        assert "given up your place" in answer.json["text"]
        await fake_slack.wait_held(1)  # the server claimed the notice and is posting it
        await server.kill()
    finally:
        await server.kill()
    [notice] = await _rows(database, kind=NOTICE)
    assert notice.status == PENDING and notice.claim_token is not None
    await fake_slack.wait_callers_gone(1)
    fake_slack.release()
    assert _posts_to(fake_slack) == []  # the dead server's post never reached Slack

    await _expire_leases(database)
    worker = CopbotProcess(["worker"], env, tmp_path, "worker")
    await worker.start("copbot worker running")
    try:
        await fake_slack.wait_for("chat.postMessage", within=30)
    finally:
        await worker.stop()
    assert _posts_to(fake_slack) == [BOB]
    [notice] = await _rows(database, kind=NOTICE)
    assert notice.status == SENT and notice.attempts == 2


async def test_three_workers_one_killed_mid_fan_out_post_each_reminder_once(
        fake_slack: FakeSlack, database: Database, database_url: str, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    # Starts in 15 minutes less a little: each member's 15-minute reminder is due.
    event_id = await add_event(database, now + timedelta(minutes=15, seconds=-5),
                               created_at=now - timedelta(days=3))
    members = [f"U{n:03d}" for n in range(20)]
    for member in members:
        await register(database, event_id, member, workspace=TEAM)
    env = _env(database_url, fake_slack)
    fake_slack.hold("chat.postMessage")
    workers = [CopbotProcess(["worker"], env, tmp_path, f"worker{n}") for n in range(3)]
    try:
        for worker in workers:
            await worker.start("copbot worker running")
        await fake_slack.wait_held(len(members))  # every reminder claimed, posts in flight
        claims: dict[int, int] = {}
        for row in await _rows(database):
            if row.claim_token:
                pid = int(row.claim_token.split(".")[0])
                claims[pid] = claims.get(pid, 0) + 1
        victim = next(w for w in workers if w.pid == max(claims, key=claims.__getitem__))
        await victim.kill()
        await fake_slack.wait_callers_gone(claims[victim.pid])
        fake_slack.release()
        await _expire_leases(database)  # the victim's claims, once their lease is over
        replacement = CopbotProcess(["worker"], env, tmp_path, "replacement")
        workers.append(replacement)  # as an orchestrator restarts a dead replica
        await replacement.start("copbot worker running")
        await fake_slack.wait_for("chat.postMessage", len(members), within=60)
    finally:
        for worker in workers:
            await worker.stop()
    await fake_slack.settle()
    assert sorted(_posts_to(fake_slack)) == sorted(members)  # each exactly once
    reminders = [row for row in await _rows(database) if row.status != "skipped"]
    assert len(reminders) == len(members) and {r.status for r in reminders} == {SENT}


async def test_the_database_cut_mid_fan_out_loses_nothing(
        fake_slack: FakeSlack, postgres_server_url: str) -> None:
    url = make_url(postgres_server_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    database = Database(proxied)
    clock = FixedClock(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    settings = Settings(database_url=proxied, _env_file=None)  # type: ignore[call-arg]
    slack = SlackSettings(_env_file=None, bot_token="xoxb-test-token",  # type: ignore[call-arg]
                          api_url=fake_slack.api_url)
    titles = [f"Seminar {n}" for n in range(8)]
    transports = create_transports(platforms(slack=slack), database)
    registry = Transports()  # to close the transports' HTTP sessions
    try:
        await subscribe(database, channel("C-analysts", workspace=TEAM), "reminders")
        for title in titles:  # one channel: its reminders go one after another
            await add_event(database, clock.now() + timedelta(hours=1), title=title,
                            created_at=clock.now())
        posts = scheduler(database, settings, clock, *transports)
        fan_out = asyncio.create_task(posts.tick())
        await fake_slack.wait_for("chat.postMessage", 3)
        await proxy.cut()  # mid-fan-out: some sent and recorded, some in hand, some not yet
        await fan_out
        assert len(_posts_to(fake_slack)) < len(titles)
        await proxy.start()  # the database is back
        clock.advance(LEASE + timedelta(seconds=1))
        for _ in range(3):  # the first attempt may meet a dead pooled connection
            await posts.tick()
            rows = await _rows(database)
            if {row.status for row in rows} == {SENT}:
                break
    finally:
        for transport in transports:
            registry.register(transport)
        await registry.close()
        await proxy.cut()
        await database.dispose()
    assert len(rows) == len(titles) and {row.status for row in rows} == {SENT}
    texts = [c.text for c in fake_slack.calls_to("chat.postMessage", ok_only=True)]
    # Nothing lost (a post made but not recorded before the cut may be made again).
    assert all(any(f"{title}\n" in text for text in texts) for title in titles)
