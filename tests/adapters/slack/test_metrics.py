"""``GET /metrics`` scraped over loopback from ``copbot serve``'s app with Slack mounted:
requests by outcome, handler latency, posts tried and refused, and the outbox as the
database has it at scrape time."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.clock import FixedClock
from bot.commands import Args, Command
from bot.context import Context
from bot.delivery import DeliveryError
from bot.settings import Settings
from bot.types import ChannelRef, Reply
from storage.db import Database
from storage.models.deliveries import FAILED, PENDING, SENT, Delivery
from tests.adapters.slack.driver import CHANNEL, TEAM, SlackDriver

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def slack_settings(slack_settings: Settings) -> Settings:
    return slack_settings.model_copy(update={"metrics": "on"})


async def _scrape(slack: SlackDriver) -> tuple[str, Samples]:
    base = slack.url.removesuffix("/slack/events")
    async with aiohttp.ClientSession() as http, http.get(f"{base}/metrics") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain; version=")
        text = await resp.text()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return text, samples


async def _delivery(database: Database, status: str, due: timedelta, clock: FixedClock,
                    subject: str) -> None:
    at = clock.now() - due
    async with database.session() as session:
        session.add(Delivery(
            kind="channel_reminder", subject=subject, target=f"slack:{TEAM}:{CHANNEL}",
            scheduled_at=at, platform="slack", workspace=TEAM, conversation_id=CHANNEL,
            status=status, attempts=0, next_attempt_at=at, last_error="",
            created_at=at - timedelta(minutes=1), updated_at=at))


async def test_metrics_count_requests_posts_and_the_outbox(
        slack: SlackDriver, database: Database, clock: FixedClock) -> None:
    async def broken(ctx: Context, args: Args) -> Reply:
        raise RuntimeError("a bug")

    slack.runtime.commands.add(Command(name="broken", summary="fails", handler=broken))
    assert (await slack.command("help")).status == 200
    assert (await slack.command("communities")).status == 200
    failed = await slack.command("broken")
    assert "error reference" in failed.text

    channel = ChannelRef(platform="slack", workspace=TEAM, conversation_id=CHANNEL)
    await slack.runtime.transports.send(channel, Reply(text="posted"))
    slack.fake.fail("chat.postMessage", "channel_not_found", times=1)
    with pytest.raises(DeliveryError):
        await slack.runtime.transports.send(channel, Reply(text="refused"))

    await _delivery(database, PENDING, timedelta(minutes=5), clock, "event:1")
    await _delivery(database, PENDING, timedelta(minutes=-30), clock, "event:2")  # not yet due
    await _delivery(database, SENT, timedelta(days=1), clock, "event:3")
    await _delivery(database, FAILED, timedelta(days=2), clock, "event:4")

    text, samples = await _scrape(slack)
    assert samples[("copbot_requests_total", (("outcome", "ok"), ("platform", "slack")))] == 2
    assert samples[("copbot_requests_total", (("outcome", "error"), ("platform", "slack")))] == 1
    assert samples[("copbot_handler_seconds_count", (("platform", "slack"),))] == 3
    assert "copbot_handler_seconds_bucket" in text
    assert samples[("copbot_delivery_attempts_total", (("platform", "slack"),))] == 2
    assert samples[("copbot_delivery_failures_total", (("platform", "slack"),))] == 1
    assert samples[("copbot_outbox_rows", (("status", "pending"),))] == 2
    assert samples[("copbot_outbox_rows", (("status", "sent"),))] == 1
    assert samples[("copbot_outbox_rows", (("status", "failed"),))] == 1
    assert samples[("copbot_outbox_rows", (("status", "skipped"),))] == 0
    # The oldest pending row was created 6 minutes ago and has been due for 5.
    assert samples[("copbot_outbox_oldest_pending_seconds", ())] == 360
    assert samples[("copbot_scheduler_lag_seconds", ())] == 300
    assert samples[("copbot_metrics_database_up", ())] == 1

    clock.advance(timedelta(minutes=1))  # read again at every scrape
    _, later = await _scrape(slack)
    assert later[("copbot_scheduler_lag_seconds", ())] == 360
