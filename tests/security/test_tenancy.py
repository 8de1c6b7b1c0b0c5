"""Requests from a workspace or tenant the bot does not serve: a polite refusal, nothing
stored.  Slack through Bolt and the fake Web API, Teams through the Agents SDK and the fake
connector with tokens signed here."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest

from adapters.slack.settings import SlackSettings
from bot.app.runtime import Runtime
from bot.clock import FixedClock
from bot.settings import Settings, load
from storage.db import Database
from tests.adapters.slack.driver import SIGNING_SECRET, SlackDriver, payload
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.teams.conftest import Copbot, running
from tests.adapters.teams.fake_connector import TENANT, FakeBotFramework
from tests.security.conftest import no_traceback, row_counts, warnings_from

OTHER_TEAM = "T0OTHER"
OTHER_TENANT = "99999999-8888-4777-8666-555555555555"


# ------------------------------------------------------------------ Slack
@pytest.fixture
def slack_own_settings(fake_slack: FakeSlack) -> SlackSettings:
    """The shared Slack settings, serving workspace T0001 only."""
    return load(SlackSettings, _env_file=None, bot_token="xoxb-test-token",
                signing_secret=SIGNING_SECRET, api_url=fake_slack.api_url,
                allowed_teams="T0001")


def from_other_team(body: dict[str, Any]) -> dict[str, Any]:
    body["team_id"] = OTHER_TEAM
    if isinstance(body.get("event"), dict):
        body["event"]["team"] = OTHER_TEAM
    if isinstance(body.get("team"), dict):
        body["team"]["id"] = OTHER_TEAM
    if isinstance(body.get("user"), dict):
        body["user"]["team_id"] = OTHER_TEAM
    return body


async def test_a_slash_command_from_another_workspace_is_refused(
        slack: SlackDriver, database: Database, caplog: pytest.LogCaptureFixture) -> None:
    before = await row_counts(database)
    answer = await slack.command("signup 1", team_id=OTHER_TEAM)
    assert answer.status == 200
    assert answer.json["response_type"] == "ephemeral"
    assert "I only serve the Midlands Decision Support Network's own Slack workspace" in \
        answer.text
    await slack.fake.settle()
    assert slack.fake.calls_to("users.info") == []
    assert await row_counts(database) == before
    assert len(warnings_from(caplog, "adapters.slack.listeners")) == 1
    no_traceback(caplog)


@pytest.mark.parametrize("kind", ["app_mention", "message_im"])
async def test_a_message_from_another_workspace_is_refused(
        slack: SlackDriver, database: Database, caplog: pytest.LogCaptureFixture,
        kind: str) -> None:
    before = await row_counts(database)
    body = from_other_team(payload(kind))
    body["event"]["text"] = "<@UBOT> my data" if kind == "app_mention" else "my data"
    assert (await slack.event(body)).status == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert "I only serve the Midlands Decision Support Network's own" in post.text
    assert await row_counts(database) == before
    no_traceback(caplog)


async def test_a_button_from_another_workspace_is_refused(
        slack: SlackDriver, database: Database, caplog: pytest.LogCaptureFixture) -> None:
    before = await row_counts(database)
    body = from_other_team(payload("block_actions"))
    body["actions"][0].update(action_id="signup", value="1")
    body["response_url"] = slack.fake.response_url("action")
    assert (await slack.interaction(body)).status == 200
    [response] = await slack.fake.wait_for("respond")
    assert "I only serve" in response.params["text"]
    assert await row_counts(database) == before
    no_traceback(caplog)


async def test_the_allowed_workspace_is_served(slack: SlackDriver, database: Database) -> None:
    answer = await slack.command("communities")
    assert "Analysis" in answer.text and "I only serve" not in answer.text


# ------------------------------------------------------------------ Teams
Serve = Callable[..., Awaitable[Copbot]]


@pytest.fixture
async def teams_with(fake_teams: FakeBotFramework, settings: Settings, database: Database,
                     clock: FixedClock) -> AsyncIterator[Serve]:
    """Start copbot with the fake Teams and extra settings (one server per call)."""
    async with AsyncExitStack() as started:
        async def start(**overrides: Any) -> Copbot:
            runtime = Runtime(settings, clock=clock, database=database,
                              platforms=fake_teams.platforms(**overrides))
            return await started.enter_async_context(running(runtime, fake_teams))

        yield start


def elsewhere(copbot: Copbot, fixture: str, **changes: Any) -> dict[str, Any]:
    """A fixture activity as if sent from another tenant."""
    activity = copbot.teams.activity(fixture, **changes)
    activity.setdefault("channelData", {})["tenant"] = {"id": OTHER_TENANT}
    if isinstance(activity.get("conversation"), dict):
        activity["conversation"]["tenantId"] = OTHER_TENANT
    return activity


TEAMS_ATTACKS = [
    ("a personal message", "personal_message.json", {"text": "my data"}, 202, True),
    ("a channel mention", "channel_mention.json", {}, 202, True),
    ("channel chatter", "channel_message_no_mention.json", {}, 202, False),
    ("a team install", "team_install.json", {}, 202, False),
    ("a personal install", "personal_install.json", {}, 202, False),
]


@pytest.mark.parametrize(("name", "fixture", "changes", "status", "answered"), TEAMS_ATTACKS,
                         ids=[row[0] for row in TEAMS_ATTACKS])
async def test_an_activity_from_another_tenant_is_refused(
        teams_with: Serve, database: Database, caplog: pytest.LogCaptureFixture, name: str,
        fixture: str, changes: dict[str, Any], status: int, answered: bool) -> None:
    copbot = await teams_with(allowed_tenants=[TENANT])
    before = await row_counts(database)
    answer = await copbot.post(elsewhere(copbot, fixture, **changes))
    assert answer.status == status
    if answered:
        [post] = copbot.teams.posts
        assert "I only serve the Midlands Decision Support Network's own organisation" in \
            post.text
    else:
        assert copbot.teams.posts == []
    assert await row_counts(database) == before
    assert len(warnings_from(caplog, "adapters.teams.endpoint")) == 1
    no_traceback(caplog)


async def test_a_card_button_from_another_tenant_is_refused(
        teams_with: Serve, database: Database, caplog: pytest.LogCaptureFixture) -> None:
    copbot = await teams_with(allowed_tenants=[TENANT])
    before = await row_counts(database)
    answer = await copbot.post(elsewhere(copbot, "card_invoke.json", value={"action": {
        "type": "Action.Execute", "verb": "signup", "data": {"action_id": "signup",
                                                            "value": "1"}}}))
    assert answer.status == 200
    assert "I only serve" in answer.body["value"]
    assert copbot.teams.posts == []
    assert await row_counts(database) == before
    no_traceback(caplog)


async def test_a_single_tenant_app_serves_only_its_tenant_by_default(
        teams_with: Serve, database: Database, fake_teams: FakeBotFramework,
        caplog: pytest.LogCaptureFixture) -> None:
    copbot = await teams_with(app_type="SingleTenant", tenant_id=TENANT,
                              tenant_openid_metadata_url=f"{fake_teams.url}/openid")
    before = await row_counts(database)
    await copbot.post(elsewhere(copbot, "personal_message.json", text="communities"))
    [refusal] = copbot.teams.posts
    assert "I only serve" in refusal.text
    assert await row_counts(database) == before
    await copbot.send("personal_message.json", text="communities")
    assert "I only serve" not in copbot.teams.posts[-1].text
    no_traceback(caplog)


async def test_a_multi_tenant_app_serves_any_tenant_and_says_so_at_start(
        teams_with: Serve, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        copbot = await teams_with()
    assert any("COPBOT_TEAMS_ALLOWED_TENANTS is not set" in m
               for m in warnings_from(caplog, "adapters.teams.tenants"))
    await copbot.post(elsewhere(copbot, "personal_message.json", text="communities"))
    [post] = copbot.teams.posts
    assert "I only serve" not in post.text
