"""``POST /slack/events`` checked before anything parses it.

Slack signs the raw body (``X-Slack-Signature``, ``X-Slack-Request-Timestamp``); the
signature is verified on the bytes as received, so an unsigned, forged or stale request is
refused with 401 before any JSON or form parsing.  A signed body that is still not a Slack
payload — not UTF-8, not JSON where JSON is due, not an object, nested absurdly deep — is
refused with 400.  Either way the log gets one WARNING line and nothing reaches Bolt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

from adapters.json_body import MalformedBody, json_object


class RefusedRequest(Exception):
    """A request that gets ``status`` without reaching Bolt (the message is for the log)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class SlackRequestCheck:
    def __init__(self, signing_secret: str) -> None:
        self.verifier = SignatureVerifier(signing_secret)

    def body(self, raw: bytes, headers: Mapping[str, str]) -> str:
        """The verified body as text; raises :class:`RefusedRequest`."""
        timestamp = headers.get("X-Slack-Request-Timestamp")
        signature = headers.get("X-Slack-Signature")
        if not timestamp or not signature:
            raise RefusedRequest(401, "no Slack signature")
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
            raise RefusedRequest(401, "malformed signature timestamp")
        if not self.verifier.is_valid(raw, timestamp, signature):
            raise RefusedRequest(401, "bad or expired Slack signature")
        try:
            text = raw.decode("utf-8")
            payload(text, headers.get("Content-Type"))
        except (MalformedBody, UnicodeDecodeError) as exc:
            raise RefusedRequest(400, f"signed but malformed body: {exc}") from None
        return text


def payload(text: str, content_type: str | None) -> dict[str, Any]:
    """The payload Bolt will read from ``text``, parsed the way Bolt parses it (JSON for
    events, a form for commands, a form's ``payload`` field for interactions); raises
    :class:`MalformedBody` where Bolt would fail or get something other than an object."""
    if not text:
        raise MalformedBody("empty body")
    if content_type == "application/json" or text.startswith("{"):
        return json_object(text)
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in text:
        if "payload" not in form:
            raise MalformedBody("a form without its payload field")
        return json_object(form["payload"])
    if not form:
        raise MalformedBody("neither JSON nor a form")
    return form
