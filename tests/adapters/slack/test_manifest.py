"""The shipped Slack app manifest matches what the adapter serves and calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

import adapters.slack
from adapters.slack.app import EVENTS_PATH
from adapters.slack.settings import SlackSettings

MANIFEST = Path(adapters.slack.__file__).parent / "manifest.yml"

# Web API methods the adapter calls, and the bot scope each needs.
SCOPES_FOR_CALLS = {
    "chat.postMessage": "chat:write",
    "conversations.open": "im:write",
    "users.info": "users:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANIFEST.read_text())
    return data


def test_the_slash_command_is_the_default_one() -> None:
    [command] = manifest()["features"]["slash_commands"]
    assert command["command"] == SlackSettings(_env_file=None).command  # type: ignore[call-arg]
    assert command["should_escape"] is False


def test_every_request_url_is_the_events_endpoint() -> None:
    data = manifest()
    urls = [data["features"]["slash_commands"][0]["url"],
            data["settings"]["event_subscriptions"]["request_url"],
            data["settings"]["interactivity"]["request_url"]]
    assert all(url.endswith(EVENTS_PATH) for url in urls)
    assert data["settings"]["interactivity"]["is_enabled"] is True


def test_events_and_scopes_are_those_used() -> None:
    data = manifest()
    assert set(data["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_mention", "message.im"}
    needed = {*SCOPES_FOR_CALLS.values(), "commands", "app_mentions:read", "im:history",
              "users:read.email"}  # the email field of users.info
    assert set(data["oauth_config"]["scopes"]["bot"]) == needed
