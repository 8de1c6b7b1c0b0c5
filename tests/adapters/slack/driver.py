"""Slack as seen from copbot's side of the wire: signed requests to ``POST /slack/events``.

Bodies are built from the documented payloads in ``payloads/`` and signed the way Slack
signs them (``slack_sdk.signature.SignatureVerifier``).
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bot.app.runtime import Runtime
from tests.adapters.slack.fake_slack import FakeSlack

PAYLOADS = Path(__file__).parent / "payloads"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
USER = "U2147483697"
TEAM = "T0001"
CHANNEL = "C2147483705"

_triggers = itertools.count(1)


def payload(name: str) -> dict[str, Any]:
    """A fresh copy of a documented payload (``payloads/<name>.json``)."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return copy.deepcopy(data)


def signed_headers(body: str, *, secret: str = SIGNING_SECRET,
                   timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


@dataclass
class Answer:
    """Copbot's HTTP answer to one request (the acknowledgement Slack would see)."""

    status: int
    text: str

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.text)
        return data


class SlackDriver:
    def __init__(self, base_url: str, fake: FakeSlack, runtime: Runtime) -> None:
        self.url = f"{base_url}/slack/events"
        self.fake = fake
        self.runtime = runtime

    async def post(self, body: str, content_type: str, *,
                   headers: dict[str, str] | None = None) -> Answer:
        sent = {"Content-Type": content_type, **(headers if headers is not None
                                                 else signed_headers(body))}
        async with aiohttp.ClientSession() as http, \
                http.post(self.url, data=body.encode(), headers=sent) as response:
            return Answer(response.status, await response.text())

    def command_body(self, text: str, **fields: str) -> str:
        data = payload("slash_command")
        data.update(text=text, response_url=self.fake.response_url("command"),
                    trigger_id=f"trigger-{next(_triggers)}")
        data.update(fields)
        return urlencode(data)

    async def command(self, text: str, **fields: str) -> Answer:
        return await self.post(self.command_body(text, **fields),
                               "application/x-www-form-urlencoded")

    async def event(self, body: dict[str, Any], *, retry_num: int | None = None) -> Answer:
        raw = json.dumps(body)
        headers = signed_headers(raw)
        if retry_num is not None:
            headers.update({"X-Slack-Retry-Num": str(retry_num),
                            "X-Slack-Retry-Reason": "http_timeout"})
        return await self.post(raw, "application/json", headers=headers)

    async def interaction(self, body: dict[str, Any], *, replay: bool = False) -> Answer:
        """Post a ``block_actions``/``view_submission`` body.  Each is a new interaction
        with its own trigger id, unless ``replay`` sends the same one again."""
        if not replay:
            body["trigger_id"] = f"trigger-{next(_triggers)}"
        raw = urlencode({"payload": json.dumps(body)})
        return await self.post(raw, "application/x-www-form-urlencoded")
