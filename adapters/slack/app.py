"""The Slack side of ``copbot serve``: a slack-bolt ``AsyncApp`` behind ``POST /slack/events``
and/or a Socket Mode connection, both serving the same listeners.

Construction does no I/O (Bolt's ``auth.test`` happens on the first request, not at start),
so the server starts offline.  ``start``/``stop`` are the aiohttp app's startup and cleanup
hooks: they open and close the HTTP session and Socket Mode, and let running answers finish.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Sequence

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.client import CALL_ERRORS, TIMEOUT, error_code, web_client
from adapters.slack.listeners import SlackListeners
from adapters.slack.modal import CALLBACK_ID
from adapters.slack.names import DisplayNames
from adapters.slack.settings import SlackSettings
from adapters.slack.tasks import BackgroundTasks
from adapters.slack.transport import SlackTransport
from adapters.slack.verify import RefusedRequest, SlackRequestCheck
from bot.host import AdapterHost

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SHUTDOWN_GRACE = 10.0
SOCKET_RETRY_MAX = 60.0


class SlackApp:
    def __init__(self, host: AdapterHost, settings: SlackSettings) -> None:
        self.settings = settings
        self.client = web_client(settings)
        self.transport = SlackTransport(self.client)
        self.tasks = BackgroundTasks()
        self.listeners = SlackListeners(host, self.transport, DisplayNames(self.client),
                                        self.tasks, allowed_teams=settings.allowed_teams)
        self.bolt = bolt_app(settings, self.listeners)
        # Only HTTP mode has a signing secret (and the route that uses it); Socket Mode
        # requests come over a connection the app token opened.
        secret = settings.signing_secret.get_secret_value()
        self.check = SlackRequestCheck(secret) if secret else None
        self._socket: AsyncSocketModeHandler | None = None
        self._socket_task: asyncio.Task[None] | None = None

    async def handle(self, request: web.Request) -> web.Response:
        """``POST /slack/events``: the signature is verified on the raw body (401 if it is
        missing, wrong or over five minutes old), then the body is checked (400 if it is
        not a Slack payload), before Bolt parses it or any listener runs."""
        if self.check is None:
            raise web.HTTPNotFound()
        try:
            body = self.check.body(await request.read(), request.headers)
        except RefusedRequest as exc:
            log.warning("Slack request from %s refused (%d): %s", request.remote, exc.status,
                        exc.reason)
            return web.json_response({"error": "invalid request"}, status=exc.status)
        # Bolt gets the checked payload as JSON (it parses that exactly as we did); its own
        # signature check is off, having been done on the raw body above.
        headers: dict[str, str | Sequence[str]] = {
            name: value for name, value in request.headers.items()
            if name.lower() not in ("content-type", "content-length")}
        headers["Content-Type"] = "application/json"
        bolt_request = AsyncBoltRequest(body=json.dumps(body), query=request.query_string,
                                        headers=headers)
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))

    async def start(self, app: web.Application) -> None:
        self.client.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=TIMEOUT))
        if self.settings.app_token.get_secret_value():
            self._socket_task = asyncio.create_task(self._connect_socket_mode())

    async def stop(self, app: web.Application) -> None:
        if self._socket_task is not None:
            self._socket_task.cancel()
            await asyncio.gather(self._socket_task, return_exceptions=True)
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
        await self.tasks.drain(SHUTDOWN_GRACE)
        if self.client.session is not None:
            await self.client.session.close()

    async def _connect_socket_mode(self) -> None:
        """Connect, retrying with back-off while Slack cannot be reached; once connected,
        slack_sdk reconnects by itself."""
        delay = 1.0
        while True:
            handler = AsyncSocketModeHandler(self.bolt,
                                             app_token=self.settings.app_token.get_secret_value())
            try:
                await handler.connect_async()  # type: ignore[no-untyped-call]
            except CALL_ERRORS as exc:
                await handler.close_async()  # type: ignore[no-untyped-call]
                log.warning("Slack Socket Mode could not connect (%s); retrying in %.0f s",
                            error_code(exc), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, SOCKET_RETRY_MAX)
                continue
            self._socket = handler
            log.info("Slack Socket Mode connected")
            return


def bolt_app(settings: SlackSettings, listeners: SlackListeners) -> AsyncApp:
    """The Bolt app with copbot's listeners.  ``process_before_response`` makes Bolt send
    whatever a listener acknowledged as soon as the listener returns, instead of polling
    for it every 10 ms; listeners hand slow work to background tasks themselves."""
    secret = settings.signing_secret.get_secret_value()
    app = AsyncApp(
        name="copbot",
        client=listeners.client,
        signing_secret=secret,
        # SlackApp.handle verifies every HTTP request before Bolt sees it; Socket Mode
        # requests come over the connection the app token opened.
        request_verification_enabled=False,
        process_before_response=True,
        logger=logging.getLogger("adapters.slack.bolt"),
    )
    app.command(settings.command)(listeners.on_command)
    app.event("app_mention")(listeners.on_event)
    app.event("message")(listeners.on_event)
    app.block_action(re.compile(".*"))(listeners.on_action)
    app.view_submission(CALLBACK_ID)(listeners.on_view_submission)
    return app
