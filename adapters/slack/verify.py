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

    def body(self, raw: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        """The verified payload; raises :class:`RefusedRequest`."""
        timestamp = headers.get("X-Slack-Request-Timestamp")
        signature = headers.get("X-Slack-Signature")
        if not timestamp or not signature:
            raise RefusedRequest(401, "no Slack signature")
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
            raise RefusedRequest(401, "malformed signature timestamp")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # Slack signs UTF-8 text; this cannot be its signature
            raise RefusedRequest(401, "body is not UTF-8, so not signed by Slack") from None
        if not self.verifier.is_valid(text, timestamp, signature):
            raise RefusedRequest(401, "bad or expired Slack signature")
        try:
            return payload(text, headers.get("Content-Type"))
        except MalformedBody as exc:
            raise RefusedRequest(400, f"signed but malformed body: {exc}") from None


def payload(text: str, content_type: str | None) -> dict[str, Any]:
    """The payload in ``text``: JSON for events, a form for slash commands, a form's
    ``payload`` field for interactions; raises :class:`MalformedBody` for anything else.
    (Bolt's own parser takes any body that merely contains the word "payload" for an
    interaction, so ``/copbot what is a payload?`` reached no listener; this one looks at
    the form's fields.)"""
    if not text:
        raise MalformedBody("empty body")
    if content_type == "application/json" or text.startswith("{"):
        body = json_object(text)
    else:
        form = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" not in form:  # a slash command: every value is text
            if not form:
                raise MalformedBody("neither JSON nor a form")
            return form
        body = json_object(form["payload"])
    shape_problem(body)
    return body


# The fields Bolt and the listeners read, with the JSON types Slack documents for them
# (``user`` of an event is usually an id, an object in a few event types).  A signed payload
# that breaks these is refused rather than left to fail deep inside Bolt.
_OBJECT, _LIST, _TEXT = (dict,), (list,), (str,)
_TOP: dict[str, tuple[type, ...]] = {
    "type": _TEXT, "token": _TEXT, "team_id": _TEXT, "api_app_id": _TEXT, "event_id": _TEXT,
    "trigger_id": _TEXT, "response_url": _TEXT, "enterprise_id": (str, type(None)),
    "is_enterprise_install": (bool,), "enterprise": (dict, type(None)), "team": _OBJECT,
    "user": _OBJECT, "channel": _OBJECT, "container": _OBJECT, "message": _OBJECT,
    "view": _OBJECT, "event": _OBJECT, "actions": _LIST, "authorizations": _LIST,
}
_NESTED: dict[str, dict[str, tuple[type, ...]]] = {
    "event": {"type": _TEXT, "subtype": _TEXT, "user": (str, dict), "text": _TEXT,
              "channel": _TEXT, "channel_type": _TEXT, "ts": _TEXT, "thread_ts": _TEXT,
              "team": _TEXT, "bot_id": _TEXT},
    "team": {"id": _TEXT, "domain": _TEXT},
    "user": {"id": _TEXT, "team_id": _TEXT, "name": _TEXT, "username": _TEXT},
    "channel": {"id": _TEXT, "name": _TEXT},
    "container": {"channel_id": _TEXT, "message_ts": _TEXT, "is_ephemeral": (bool,)},
    "view": {"id": _TEXT, "type": _TEXT, "callback_id": _TEXT, "private_metadata": _TEXT,
             "state": _OBJECT, "blocks": _LIST},
}
_ACTION: dict[str, tuple[type, ...]] = {"action_id": _TEXT, "block_id": _TEXT,
                                         "value": _TEXT, "type": _TEXT}


def shape_problem(body: dict[str, Any]) -> None:
    """Raise :class:`MalformedBody` if a field copbot reads has the wrong JSON type."""
    _check(body, _TOP, "")
    for name, fields in _NESTED.items():
        if isinstance(body.get(name), dict):
            _check(body[name], fields, f"{name}.")
    for action in body.get("actions") or ():
        if not isinstance(action, dict):
            raise MalformedBody("an action that is not an object")
        _check(action, _ACTION, "actions[].")
    state = (body.get("view") or {}).get("state") or {}
    values = state.get("values", {})
    if not isinstance(values, dict) or not all(
            isinstance(block, dict) and all(isinstance(v, dict) for v in block.values())
            for block in values.values()):
        raise MalformedBody("view.state.values is not objects of objects")


def _check(data: dict[str, Any], fields: dict[str, tuple[type, ...]], prefix: str) -> None:
    for name, types in fields.items():
        if name in data and not isinstance(data[name], types):
            raise MalformedBody(f"{prefix}{name} is a JSON {type(data[name]).__name__}")
