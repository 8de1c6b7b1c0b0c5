"""Hostile requests to ``POST /slack/events``, through the real Bolt app on loopback: each
row is one attack, refused with the right status, one WARNING line, no traceback, nothing
stored and nothing sent to Slack."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier

from storage.db import Database
from tests.adapters.slack.driver import SIGNING_SECRET, SlackDriver, payload
from tests.security.conftest import no_traceback, row_counts, warnings_from

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
DEEP = '{"type": "event_callback", "event": ' + '{"a": ' * 200 + "1" + "}" * 201
DEEPER = "[" * 100_000 + "]" * 100_000


def sign(body: bytes, *, secret: str = SIGNING_SECRET, stamp: str | None = None,
         ) -> dict[str, str]:
    stamp = stamp if stamp is not None else str(int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def command() -> bytes:
    return urlencode({**payload("slash_command"), "text": "signup 1"}).encode()


# (name, body, content type, headers given the body, expected status)
ATTACKS = [
    ("unsigned malformed JSON", b'{"type": "event_callback", "event": ', JSON,
     lambda body: {}, 401),
    ("unsigned command", command(), FORM, lambda body: {}, 401),
    ("signed with another secret", b'{"type": ', JSON,
     lambda body: sign(body, secret="not-the-secret"), 401),
    ("signature but no timestamp", command(), FORM,
     lambda body: {"X-Slack-Signature": sign(body)["X-Slack-Signature"]}, 401),
    ("timestamp that is not a number", command(), FORM,
     lambda body: sign(body, stamp="soon"), 401),
    ("huge timestamp", command(), FORM, lambda body: sign(body, stamp="9" * 400), 401),
    ("stale signature", command(), FORM,
     lambda body: sign(body, stamp=str(int(time.time()) - 3600)), 401),
    ("signed malformed JSON", b'{"type": "event_callback", "event": ', JSON, sign, 400),
    ("signed JSON list", b"[1, 2, 3]", JSON, sign, 400),
    ("signed JSON string", b'"event_callback"', JSON, sign, 400),
    ("signed JSON nested 200 deep", DEEP.encode(), JSON, sign, 400),
    ("signed JSON nested 100,000 deep", DEEPER.encode(), JSON, sign, 400),
    ("signature on a body that is not UTF-8", b'{"type": "\xff\xfe"}', JSON,
     lambda body: sign(b'{"type": "x"}'), 401),
    ("signed empty body", b"", FORM, sign, 400),
    ("signed interaction whose payload is not JSON",
     urlencode({"payload": "{not json"}).encode(), FORM, sign, 400),
    ("signed interaction whose payload is a list",
     urlencode({"payload": "[]"}).encode(), FORM, sign, 400),
]


@pytest.mark.parametrize(("name", "body", "content_type", "headers", "status"), ATTACKS,
                         ids=[row[0] for row in ATTACKS])
async def test_a_bad_request_is_refused_before_bolt(
        slack: SlackDriver, database: Database, caplog: pytest.LogCaptureFixture,
        name: str, body: bytes, content_type: str, headers: object, status: int) -> None:
    before = await row_counts(database)
    sent = {"Content-Type": content_type, **headers(body)}  # type: ignore[operator]
    async with aiohttp.ClientSession() as http, \
            http.post(slack.url, data=body, headers=sent) as response:
        assert response.status == status
        assert "Traceback" not in await response.text()
    await slack.fake.settle()
    assert slack.fake.calls == [] and slack.fake.responses == []
    assert await row_counts(database) == before
    [warning] = warnings_from(caplog, "adapters.slack.app")
    assert f"({status})" in warning
    no_traceback(caplog)


# Signed JSON objects whose fields have the wrong types: once these failed deep inside Bolt
# (500 and a traceback); now they are malformed requests like the ones above.
WRONG_TYPES = [
    {"type": "event_callback", "event": "app_mention"},
    {"type": "event_callback", "team_id": ["T1"], "event": {"type": "app_mention"}},
    {"type": "event_callback", "event": {"type": "app_mention", "text": 5}},
    {"type": "block_actions", "user": "U1", "actions": "signup"},
    {"type": "block_actions", "user": {"id": "U1"}, "team": "T1", "actions": []},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [1, None]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"value": ["12"]}]},
    {"type": "view_submission", "view": []},
    {"type": "view_submission", "view": {"state": {"values": {"b": "x"}}}},
    {"type": 7},
]


@pytest.mark.parametrize("shape", WRONG_TYPES, ids=[json.dumps(s)[:48] for s in WRONG_TYPES])
async def test_a_signed_payload_of_the_wrong_shape_is_refused(
        slack: SlackDriver, database: Database, caplog: pytest.LogCaptureFixture,
        shape: dict[str, object]) -> None:
    before = await row_counts(database)
    raw = json.dumps(shape)
    if shape.get("type") in ("block_actions", "view_submission"):
        answer = await slack.post(urlencode({"payload": raw}), FORM)
    else:
        answer = await slack.post(raw, JSON)
    assert answer.status == 400
    await slack.fake.settle()
    assert slack.fake.calls == [] and slack.fake.responses == []
    assert await row_counts(database) == before
    assert len(warnings_from(caplog, "adapters.slack.app")) == 1
    no_traceback(caplog)


async def test_a_signed_payload_for_nothing_copbot_handles_is_ignored(
        slack: SlackDriver, database: Database, caplog: pytest.LogCaptureFixture) -> None:
    before = await row_counts(database)
    answer = await slack.post(json.dumps({"type": "event_callback", "event": {
        "type": "reaction_added", "user": "U1"}}), JSON)
    assert answer.status in (200, 404)
    await slack.fake.settle()
    assert slack.fake.calls_to("chat.postMessage") == []
    assert await row_counts(database) == before
    no_traceback(caplog)


async def test_a_command_that_mentions_the_word_payload_is_still_a_command(
        slack: SlackDriver) -> None:
    """Bolt alone took any form containing "payload" for an interaction and dropped it."""
    answer = await slack.command("help payload")
    assert answer.status == 200
    assert "There is no command called “payload”" in answer.json["text"]
