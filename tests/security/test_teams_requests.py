"""Hostile requests to ``POST /api/messages``, through the real Agents SDK with tokens signed
here: bodies that are not activities, tokens that do not fit, dev mode behind a proxy, and
activity ids that repeat across conversations.  Each row: the status, nothing stored,
nothing sent, and no traceback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from adapters.teams.settings import TeamsSettings
from bot.app.runtime import Runtime
from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import Database
from tests.adapters.teams.conftest import Copbot, running
from tests.adapters.teams.fake_connector import PAYLOADS, TENANT, FakeBotFramework
from tests.conftest import platforms
from tests.security.conftest import no_traceback, row_counts, warnings_from


async def post_raw(copbot: Copbot, body: bytes, *, headers: dict[str, str] | None = None,
                   token: bool = True) -> int:
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = "Bearer " + copbot.teams.token()
    async with aiohttp.ClientSession() as http, \
            http.post(f"{copbot.url}/api/messages", data=body, headers=sent) as response:
        assert "Traceback" not in await response.text()
        return response.status


def nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"deepest": True}
    for _ in range(levels):
        value = {"a": value}
    return value


def message_with(**changes: Any) -> bytes:
    body = json.loads((PAYLOADS / "personal_message.json").read_text())
    body.update(changes)
    return json.dumps(body).encode()


BODIES = [
    ("a JSON list", b"[]"),
    ("a JSON string", b'"message"'),
    ("a JSON number", b"42"),
    ("JSON null", b"null"),
    ("not JSON", b"{type: message"),
    ("not UTF-8", b'{"type": "\xff"}'),
    ("empty", b""),
    ("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000),
    ("an object nested 5,000 deep", (b'{"a":' * 5000) + b"1" + b"}" * 5000),
    ("an activity whose value nests 200 deep", b"VALUE"),
    ("an activity whose channelData nests 100 deep", b"CHANNEL_DATA"),
    ("an activity with no conversation", b'{"type": "message", "channelId": "msteams"}'),
    ("an activity whose conversation is a list", b"CONVERSATION_LIST"),
    ("an activity whose channel and product disagree", b"PRODUCT_CONFLICT"),
]


@pytest.mark.parametrize(("name", "body"), BODIES, ids=[row[0] for row in BODIES])
async def test_a_body_that_is_not_an_activity_gets_400(
        copbot: Copbot, database: Database, caplog: pytest.LogCaptureFixture,
        name: str, body: bytes) -> None:
    if body == b"VALUE":
        body = message_with(value=nested(200))
    elif body == b"CHANNEL_DATA":
        body = message_with(channelData=nested(100))
    elif body == b"CONVERSATION_LIST":
        body = message_with(conversation=[])
    elif body == b"PRODUCT_CONFLICT":  # the SDK raises a bare Exception for this one
        body = message_with(channelId="msteams:copilot",
                            entities=[{"type": "ProductInfo", "id": "other"}])
    before = await row_counts(database)
    assert await post_raw(copbot, body) == 400
    assert copbot.teams.posts == []
    assert await row_counts(database) == before
    [warning] = warnings_from(caplog, "adapters.teams.endpoint")
    assert "400" in warning
    no_traceback(caplog)


async def test_a_body_without_a_valid_token_gets_401_before_it_is_read(
        copbot: Copbot, database: Database, caplog: pytest.LogCaptureFixture) -> None:
    before = await row_counts(database)
    assert await post_raw(copbot, b"[" * 100_000, token=False) == 401
    assert await row_counts(database) == before
    no_traceback(caplog)


# ------------------------------------------------------------------ idempotency
async def test_the_same_activity_id_in_two_conversations_is_answered_in_both(
        copbot: Copbot, database: Database) -> None:
    first = copbot.teams.activity("personal_message.json", text="communities")
    second = copbot.teams.activity("channel_mention.json")
    second["id"] = first["id"]  # ids are millisecond timestamps: they collide
    assert (await copbot.post(first)).status == 202
    assert (await copbot.post(second)).status == 202
    assert len(copbot.teams.posts) == 2
    # A redelivery of either is still recognised.
    before = await row_counts(database)
    await copbot.post(second)
    assert len(copbot.teams.posts) == 2
    assert await row_counts(database) == before


# ------------------------------------------------------------------ tenant-issued tokens
TENANT_ISSUER = f"https://sts.windows.net/{TENANT}/"


@pytest.fixture
async def single_tenant(fake_teams: FakeBotFramework, settings: Settings, database: Database,
                        clock: FixedClock) -> AsyncIterator[Copbot]:
    """A single-tenant app whose own Entra ID tokens are signed by the fake's key."""
    single = fake_teams.platforms(app_type="SingleTenant", tenant_id=TENANT,
                                  tenant_openid_metadata_url=f"{fake_teams.url}/openid")
    async with running(Runtime(settings, clock=clock, database=database, platforms=single),
                       fake_teams) as copbot:
        yield copbot


# Microsoft hosts the SDK's validator allows, but no Bot Framework connector lives there.
NOT_CONNECTORS = ["https://graph.microsoft.com/teams/", "https://evil.sharepoint.com/",
                  "https://x.blob.core.windows.net/teams/", "https://teams.microsoft.com/x/",
                  "http://smba.trafficmanager.net/emea/"]


@pytest.mark.parametrize("service_url", NOT_CONNECTORS)
async def test_a_tenant_token_without_a_serviceurl_claim_is_refused_for_other_hosts(
        single_tenant: Copbot, database: Database, caplog: pytest.LogCaptureFixture,
        service_url: str) -> None:
    before = await row_counts(database)
    token = single_tenant.teams.token(iss=TENANT_ISSUER, serviceurl=None)
    activity = single_tenant.teams.activity("personal_message.json", serviceUrl=service_url)
    answer = await single_tenant.post(activity, token=token)
    assert answer.status == 401
    assert single_tenant.teams.posts == []
    assert await row_counts(database) == before
    [warning] = warnings_from(caplog, "adapters.teams.endpoint")
    assert "not a Bot Framework connector" in warning
    no_traceback(caplog)


async def test_a_tenant_token_without_a_serviceurl_claim_works_for_the_connector(
        single_tenant: Copbot) -> None:
    token = single_tenant.teams.token(iss=TENANT_ISSUER, serviceurl=None)
    answer = await single_tenant.post(
        single_tenant.teams.activity("personal_message.json", text="communities"), token=token)
    assert answer.status == 202
    assert len(single_tenant.teams.posts) == 1


def test_connector_hosts() -> None:
    from adapters.teams.service_urls import ServiceUrlPolicy

    policy = ServiceUrlPolicy([])
    assert policy.is_connector("https://smba.trafficmanager.net/emea/")
    assert policy.is_connector("https://europe.webchat.botframework.com/")
    assert not policy.is_connector("https://smba.trafficmanager.net.evil.example/")
    assert not policy.is_connector("https://graph.microsoft.com/")


# ------------------------------------------------------------------ dev mode behind a proxy
PROXY_HEADERS = [
    {"Forwarded": "for=203.0.113.9"},
    {"X-Forwarded-For": "203.0.113.9"},
    {"X-Real-IP": "203.0.113.9"},
    {"X-Forwarded-Host": "copbot.example"},
    {"X-Forwarded-Proto": "https"},
    {"X-Client-IP": "203.0.113.9"},
    {"True-Client-IP": "203.0.113.9"},
    {"CF-Connecting-IP": "203.0.113.9"},
    {"Via": "1.1 proxy.example"},
]


@pytest.fixture
async def dev_mode(fake_teams: FakeBotFramework, settings: Settings, database: Database,
                   clock: FixedClock) -> AsyncIterator[Copbot]:
    fake_teams.require_token = False
    dev = platforms(teams=TeamsSettings(_env_file=None, dev_mode=True))  # type: ignore[call-arg]
    async with running(Runtime(settings, clock=clock, database=database, platforms=dev),
                       fake_teams) as copbot:
        yield copbot


@pytest.mark.parametrize("header", PROXY_HEADERS, ids=[next(iter(h)) for h in PROXY_HEADERS])
async def test_dev_mode_refuses_requests_through_a_proxy(
        dev_mode: Copbot, database: Database, caplog: pytest.LogCaptureFixture,
        header: dict[str, str]) -> None:
    before = await row_counts(database)
    body = json.dumps(dev_mode.teams.activity("personal_message.json")).encode()
    assert await post_raw(dev_mode, body, headers=header, token=False) == 403
    assert dev_mode.teams.posts == []
    assert await row_counts(database) == before
    assert len(warnings_from(caplog, "adapters.teams.endpoint")) == 1
    no_traceback(caplog)


async def test_dev_mode_still_serves_this_machine(dev_mode: Copbot) -> None:
    body = json.dumps(dev_mode.teams.activity("personal_message.json")).encode()
    assert await post_raw(dev_mode, body, token=False) == 202
    assert len(dev_mode.teams.posts) == 1



# ------------------------------------------------------------------ card data
# What a card button sends back is whatever the client puts there.
CARD_DATA = [
    {"action_id": ["signup"], "value": "1"},
    {"action_id": "signup", "value": {"id": 1}},
    {"action_id": "signup", "value": "99999999999999999999"},
    {"action_id": "signup", "value": "²"},
    {"action_id": "event add", "form": "not a form", "title": "x"},
    {"action_id": "event add", "form": {"inputs": [{"name": "title", "kind": ["text"],
                                                     "choices": 5}]}, "title": "x"},
    {"action_id": "event add", "form": {"inputs": 7}},
    {"action_id": "event capacity", "value": "1 999999999999"},
    {"action_id": "x" * 10_000},
]


@pytest.mark.parametrize("data", CARD_DATA, ids=[json.dumps(d)[:50] for d in CARD_DATA])
@pytest.mark.parametrize("button", ["Action.Submit", "Action.Execute"])
async def test_hostile_card_data_gets_an_answer_and_changes_nothing(
        copbot: Copbot, database: Database, caplog: pytest.LogCaptureFixture,
        data: dict[str, Any], button: str) -> None:
    before = await row_counts(database)
    if button == "Action.Submit":
        answer = await copbot.send("card_submit.json", value=data)
        assert answer.status == 202
        texts = [post.text or json.dumps(post.card) for post in copbot.teams.posts]
    else:
        answer = await copbot.send("card_invoke.json", value={"action": {
            "type": "Action.Execute", "verb": "x", "data": data}})
        assert answer.status == 200
        texts = [json.dumps(answer.body)]
    assert not any("error reference" in text for text in texts)
    after = await row_counts(database)
    # Pressing a button records who pressed it (people, a delivery key); nothing else moves.
    assert {k: v for k, v in after.items() if after[k] != before[k]}.keys() <= {
        "people", "processed_events", "conversations"}
    no_traceback(caplog)
