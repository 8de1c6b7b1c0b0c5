"""The Slack adapter (slack-bolt): slash command, mentions, DMs, buttons and forms.

Found by :mod:`bot.app.platforms`; does nothing unless ``COPBOT_SLACK_BOT_TOKEN`` is set.

- ``mount(app, host, slack)`` adds ``POST /slack/events`` to the ``copbot serve`` app (HTTP mode,
  needs ``COPBOT_SLACK_SIGNING_SECRET``) and/or connects Socket Mode
  (``COPBOT_SLACK_APP_TOKEN``), and registers the Slack transport.
- ``create_transport(slack, database)`` gives the transport alone, for processes that
  only post.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from adapters.slack.settings import SlackSettings
from bot.settings import SettingsError

if TYPE_CHECKING:
    from aiohttp import web

    from adapters.slack.transport import SlackTransport
    from bot.host import AdapterHost
    from storage.db import Database

log = logging.getLogger(__name__)


def check_settings(settings: SlackSettings) -> None:
    """Refuse to run with settings that would leave Slack requests unverified or unserved."""
    if not settings.configured:
        if settings.app_token.get_secret_value():
            raise SettingsError("COPBOT_SLACK_APP_TOKEN is set but COPBOT_SLACK_BOT_TOKEN is "
                                "not: Socket Mode needs the bot token (xoxb-…) as well.")
        return
    if not settings.signing_secret.get_secret_value() and not settings.app_token.get_secret_value():
        raise SettingsError(
            "COPBOT_SLACK_BOT_TOKEN is set but COPBOT_SLACK_SIGNING_SECRET is not, so requests "
            "from Slack could not be verified and copbot will not start. Set the signing secret "
            "(Slack app settings → Basic Information → App Credentials), or set "
            "COPBOT_SLACK_APP_TOKEN to use Socket Mode instead of a public URL.")
    if not settings.command.startswith("/") or " " in settings.command:
        raise SettingsError(f"COPBOT_SLACK_COMMAND must be a slash command such as /copbot, "
                            f"not {settings.command!r}.")


async def mount(app: web.Application, host: AdapterHost, settings: SlackSettings) -> bool:
    """Serve Slack from the ``copbot serve`` app; False when Slack is not configured."""
    check_settings(settings)
    if not settings.configured:
        return False
    # Imported here so that a bot without Slack settings never loads slack_bolt.
    from adapters.slack.app import EVENTS_PATH, SlackApp

    slack = SlackApp(host, settings)
    host.register_transport(slack.transport)
    if settings.signing_secret.get_secret_value():
        app.router.add_post(EVENTS_PATH, slack.handle)
    app.on_startup.append(slack.start)
    app.on_cleanup.append(slack.stop)
    mode = "Socket Mode" if settings.app_token.get_secret_value() else "HTTP"
    log.info("Slack adapter mounted (%s, command %s)", mode, settings.command)
    return True


def create_transport(settings: SlackSettings, database: Database) -> SlackTransport | None:
    """A transport for posting only (no listeners, no signing secret needed)."""
    if not settings.configured:
        return None
    from adapters.slack.client import web_client
    from adapters.slack.transport import SlackTransport

    return SlackTransport(web_client(settings))


__all__ = ["check_settings", "create_transport", "mount"]
