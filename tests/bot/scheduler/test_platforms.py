"""End to end through the real platform clients: slack_sdk against the fake Slack Web API and
the Teams adapter against the fake Bot Framework connector.  Three schedulers, each with its
own engine and its own transports (as three processes would have), deliver each reminder
once; a rate limit with a long Retry-After delays the post but does not double it."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapters.slack.settings import SlackSettings
from bot.app.platforms import PlatformSettings, create_transports
from bot.clock import FixedClock
from bot.delivery import Transports
from bot.scheduler.pacing import ChannelPacer
from bot.scheduler.posts import ScheduledPosts
from bot.settings import Settings
from bot.types import ChannelRef
from storage.db import Database
from tests.adapters.slack.conftest import fake_slack  # noqa: F401 (a fixture)
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.teams.conftest import (  # noqa: F401 (fixtures)
    OLIVE,
    Copbot,
    copbot,
    fake_teams,
)
from tests.adapters.teams.fake_connector import TENANT
from tests.adapters.teams.test_endpoint import TEAM
from tests.bot.scheduler.support import (
    FakeTime,
    add_event,
    channel,
    deliveries,
    register,
    subscribe,
)
from tests.conftest import platforms

SLACK_CHANNELS = [channel("C0001", workspace="T0001"), channel("C0002", workspace="T0001"),
                  channel("C0003", workspace="T0001")]


@pytest.fixture
async def opened() -> AsyncIterator[list[Transports]]:
    """Transports made by a test, closed after it (they keep HTTP sessions open)."""
    made: list[Transports] = []
    yield made
    for transports in made:
        await transports.close()


def _posts(database: Database, settings: Settings, platform_settings: PlatformSettings,
           clock: FixedClock, opened: list[Transports]) -> ScheduledPosts:
    transports = Transports()
    for transport in create_transports(platform_settings, database):
        transports.register(transport)
    opened.append(transports)
    time = FakeTime()  # pacing is tested elsewhere; here nothing waits
    return ScheduledPosts(database, transports, settings, clock,
                          pacer=ChannelPacer(monotonic=time.monotonic, sleep=time.sleep,
                                             wall=time.monotonic),
                          sleep=time.sleep)


async def _three_replicas_tick(database_url: str, settings: Settings,
                               platform_settings: PlatformSettings, clock: FixedClock,
                               opened: list[Transports]) -> None:
    replicas = [Database(database_url) for _ in range(3)]
    try:
        for _ in range(2):
            await asyncio.gather(*(_posts(replica, settings, platform_settings, clock,
                                          opened).tick()
                                   for replica in replicas))
            clock.advance(timedelta(seconds=30))
    finally:
        for replica in replicas:
            await replica.dispose()


def _slack_settings(fake: FakeSlack) -> PlatformSettings:
    return platforms(slack=SlackSettings(_env_file=None,  # type: ignore[call-arg]
                                         bot_token="xoxb-test-token", api_url=fake.api_url))


async def test_slack_three_schedulers_post_each_reminder_once(
        database: Database, database_url: str, settings: Settings, clock: FixedClock,
        fake_slack: FakeSlack, opened: list[Transports]) -> None:  # noqa: F811
    for target in SLACK_CHANNELS:
        await subscribe(database, target, "reminders")
    soon = await add_event(database, clock.now() + timedelta(hours=1), title="SPC in practice",
                           created_at=clock.now())
    tomorrow = await add_event(database, clock.now() + timedelta(days=1), title="Intro to R",
                               created_at=clock.now())
    await register(database, tomorrow, "U0ALICE", at=clock.now(), workspace="T0001")
    await _three_replicas_tick(database_url, settings, _slack_settings(fake_slack), clock,
                               opened)

    posts = fake_slack.calls_to("chat.postMessage", ok_only=True)
    seen = Counter((post.params["channel"], post.text) for post in posts)
    assert set(seen.values()) == {1}
    assert len(posts) == 3 * 2 + 1
    for target in SLACK_CHANNELS:
        texts = sorted(post.blocks[0]["text"]["text"] for post in posts
                       if post.params["channel"] == target.conversation_id)
        assert texts == [f"*Reminder: #{soon} SPC in practice*",
                         f"*Reminder: #{tomorrow} Intro to R*"]
    [dm] = [post for post in posts if post.params["channel"] == "U0ALICE"]
    assert "starts tomorrow at 10:00" in str(dm.blocks)


async def test_slack_rate_limit_with_a_long_retry_after_then_success_posts_once(
        database: Database, settings: Settings, clock: FixedClock,
        fake_slack: FakeSlack, opened: list[Transports]) -> None:  # noqa: F811
    await subscribe(database, SLACK_CHANNELS[0], "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    fake_slack.rate_limit("chat.postMessage", retry_after=90, times=1)
    posts = _posts(database, settings, _slack_settings(fake_slack), clock, opened)
    report = await posts.tick()
    assert [r.outcome for r in report.results] == ["retry"]
    clock.advance(timedelta(seconds=80))
    await posts.tick()
    clock.advance(timedelta(seconds=11))
    await posts.tick()
    await posts.tick()
    attempts = fake_slack.calls_to("chat.postMessage")
    assert [a.status for a in attempts] == [429, 200]


async def _install_in_team(copbot: Copbot) -> int:  # noqa: F811
    await copbot.send("team_install.json")
    return len(copbot.teams.posts)  # the welcome


async def test_teams_three_schedulers_post_each_reminder_once(
        copbot: Copbot, database_url: str, clock: FixedClock,  # noqa: F811
        opened: list[Transports]) -> None:
    welcome = await _install_in_team(copbot)
    database = copbot.runtime.database
    await subscribe(database, ChannelRef("teams", TENANT, TEAM), "reminders")
    event = await add_event(database, clock.now() + timedelta(hours=1), title="SPC in practice",
                            created_at=clock.now())
    await _three_replicas_tick(database_url, copbot.runtime.settings, copbot.runtime.platforms,
                               clock, opened)
    posts = copbot.teams.posts[welcome:]
    assert len(posts) == 1
    [post] = posts
    assert post.body["channelData"]["channel"]["id"] == TEAM
    assert post.card is not None and f"Reminder: #{event} SPC in practice" in str(post.card)


async def test_teams_429_then_success_posts_once(
        copbot: Copbot, clock: FixedClock, opened: list[Transports]) -> None:  # noqa: F811
    welcome = await _install_in_team(copbot)
    database = copbot.runtime.database
    await subscribe(database, ChannelRef("teams", TENANT, TEAM), "reminders")
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    copbot.teams.fail_next(429, "TooManyRequests", retry_after="90")
    posts = _posts(database, copbot.runtime.settings, copbot.runtime.platforms, clock, opened)
    report = await posts.tick()
    assert [r.outcome for r in report.results] == ["retry"]
    clock.advance(timedelta(seconds=91))
    await posts.tick()
    await posts.tick()
    refused, accepted = copbot.teams.posts[welcome:]  # the fake records refused posts too
    assert "starts in 1 hour" in str(refused.card)
    assert "starts in 59 minutes" in str(accepted.card)  # composed when it was sent
    [row] = await deliveries(database)
    assert (row.status, row.attempts) == ("sent", 2)


async def test_teams_an_organiser_subscribes_a_channel_by_mention_and_it_gets_reminders(
        copbot: Copbot, clock: FixedClock, opened: list[Transports]) -> None:  # noqa: F811
    seminars = "19:seminars-4f1e@thread.tacv2"
    answer = await copbot.send("channel_mention.json", text="<at>copbot</at> subscribe reminders\n",
                               **{"from": OLIVE})
    assert answer.status in (200, 202)
    reply = copbot.teams.posts[-1]
    assert "this channel now gets seminar reminders" in str(reply.activity)
    before = len(copbot.teams.posts)
    database = copbot.runtime.database
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    await _posts(database, copbot.runtime.settings, copbot.runtime.platforms, clock,
                 opened).tick()
    [post] = copbot.teams.posts[before:]
    assert post.path.endswith("/teams/v3/conversations")  # a new thread in the channel
    assert post.body["channelData"]["channel"]["id"] == seminars
    assert "starts in 1 hour" in str(post.card)
