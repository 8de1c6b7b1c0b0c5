"""A fake Slack Web API on loopback, for the real ``slack_sdk`` client to talk to.

It records every call (failed ones too), answers like Slack does, and can be told to fail:
``fake.fail("chat.postMessage", "channel_not_found")``, ``fake.rate_limit(...)``, or to be
down altogether: ``fake.outage()`` answers every Web API call with HTTP 500 until
``fake.recover()``.  ``fake.hold(method)`` keeps calls waiting until ``fake.release()``; a
held call whose caller has gone by then (a killed process) is never carried out.  It also
serves ``response_url`` endpoints, file uploads and a Socket Mode WebSocket.

    async with FakeSlack() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
        ...
        [post] = await fake.wait_for("chat.postMessage")
        assert post.params["channel"] == "U123"

Reusable by any test that needs Slack (the adapter's, the scheduler's delivery tests).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

JSON_PARAMS = ("blocks", "view", "files", "attachments", "metadata")


@dataclass
class Call:
    """One request the fake received: the API method and its decoded parameters."""

    method: str
    params: dict[str, Any]
    status: int = 200
    ok: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    answer: dict[str, Any] = field(default_factory=dict)  # what the fake replied

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return list(self.params.get("blocks") or [])


@dataclass
class _Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int | None  # None: every time


class FakeSlack:
    def __init__(self, *, team_id: str = "T0001", bot_user_id: str = "UBOT",
                 bot_id: str = "B0001") -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.users: dict[str, str] = {}  # user id -> display name for users.info
        self.emails: dict[str, str] = {}  # user id -> profile email (users:read.email)
        self.calls: list[Call] = []
        self.responses: list[Call] = []  # posts to response_url endpoints
        self.uploads: dict[str, bytes] = {}
        self.socket_replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._scripts: dict[str, list[_Scripted]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_open = asyncio.Event()
        self._down: int | None = None
        self._holding: set[str] = set()
        self._released = asyncio.Event()
        self.held: list[web.Request] = []  # calls waiting for release()
        self.url = ""

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """The Web API base, as ``COPBOT_SLACK_API_URL`` (with its trailing slash)."""
        return f"{self.url}/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"{self.url}/respond/{key}"

    # ------------------------------------------------------------------ scripting
    def fail(self, method: str, error: str, *, times: int | None = None,
             status: int = 200) -> None:
        """Answer ``method`` with ``{"ok": false, "error": error}`` (``times`` times)."""
        self._script(method, _Scripted(status, {"ok": False, "error": error}, {}, times))

    def rate_limit(self, method: str, *, retry_after: int = 0, times: int | None = 1) -> None:
        """Answer ``method`` with HTTP 429 and a ``Retry-After`` header."""
        self._script(method, _Scripted(429, {"ok": False, "error": "ratelimited"},
                                       {"Retry-After": str(retry_after)}, times))

    def outage(self, status: int = 500) -> None:
        """Slack is down: every Web API call answers ``status`` until :meth:`recover`."""
        self._down = status

    def recover(self) -> None:
        self._down = None

    def hold(self, method: str) -> None:
        """Keep calls to ``method`` waiting (unanswered) until :meth:`release`."""
        self._holding.add(method)
        self._released.clear()

    def release(self) -> None:
        self._holding.clear()
        self._released.set()

    async def wait_held(self, count: int, *, within: float = 30.0) -> None:
        """Until ``count`` calls are being held."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.held) >= count)

    async def wait_callers_gone(self, count: int, *, within: float = 10.0) -> None:
        """Until the callers of ``count`` held calls have hung up."""
        async with asyncio.timeout(within):
            # aiohttp signals no event when the peer of a waiting request goes away.
            while sum(1 for r in self.held if _hung_up(r)) < count:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

    def fail_response_url(self, key: str, status: int = 404) -> None:
        self._script(f"respond:{key}", _Scripted(status, {}, {}, None))

    def _script(self, method: str, scripted: _Scripted) -> None:
        self._scripts.setdefault(method, []).append(scripted)

    def _scripted(self, method: str) -> _Scripted | None:
        queue = self._scripts.get(method) or []
        if not queue:
            return None
        scripted = queue[0]
        if scripted.times is not None:
            scripted.times -= 1
            if scripted.times <= 0:
                queue.pop(0)
        return scripted

    # ------------------------------------------------------------------ inspection
    def calls_to(self, method: str, *, ok_only: bool = False) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.ok or not ok_only)]

    async def wait_for(self, method: str, count: int = 1, *, within: float = 5.0
                       ) -> list[Call]:
        """The first ``count`` successful calls to ``method`` (``respond`` for response_url
        posts), waiting for them to arrive."""
        def found() -> list[Call]:
            if method == "respond":
                return [c for c in self.responses if c.ok]
            return self.calls_to(method, ok_only=True)

        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(found()) >= count)
        return found()[:count]

    async def settle(self, quiet: float = 0.2) -> None:
        """Wait until no request has arrived for ``quiet`` seconds (for "nothing else
        happened" assertions)."""
        seen = -1
        while seen != len(self.calls) + len(self.responses):
            seen = len(self.calls) + len(self.responses)
            await asyncio.sleep(quiet)

    # ------------------------------------------------------------------ the Web API
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        if method in self._holding:
            self.held.append(request)
            async with self._changed:
                self._changed.notify_all()
            await self._released.wait()
            if _hung_up(request):  # the caller died waiting: Slack never saw the call
                await self._record(self.calls, Call(method, params, 0, False))
                return web.Response(status=499)
        scripted = self._scripted(method) if self._down is None else _Scripted(
            self._down, {"ok": False, "error": "fatal_error"}, {}, None)
        if scripted is not None:
            status, body, headers = scripted.status, scripted.body, scripted.headers
        else:
            status, body, headers = 200, self._answer(method, params), {}
        await self._record(self.calls, Call(method, params, status, bool(body.get("ok")),
                                            dict(request.headers), body))
        return web.json_response(body, status=status, headers=headers)

    def _answer(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": f"{self.url}/", "team": "Test", "user": "copbot",
                    "team_id": self.team_id, "user_id": self.bot_user_id,
                    "bot_id": self.bot_id}
        if method == "users.info":
            user = str(params.get("user", ""))
            if user not in self.users:
                return {"ok": False, "error": "user_not_found"}
            name = self.users[user]
            profile = {"display_name": name, "real_name": name}
            if user in self.emails:
                profile["email"] = self.emails[user]
            return {"ok": True, "user": {"id": user, "team_id": self.team_id,
                                         "name": name.lower().replace(" ", "."),
                                         "real_name": name, "profile": profile}}
        if method in ("chat.postMessage", "chat.update"):
            channel = str(params.get("channel", ""))
            if channel.startswith(("U", "W")):
                channel = "D" + channel[1:]  # Slack posts to the DM with that user
            ts = str(params.get("ts") or f"1700000000.{next(self._ts):06d}")
            return {"ok": True, "channel": channel, "ts": ts,
                    "message": {"text": params.get("text", ""), "ts": ts}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "conversations.open":
            user = str(params.get("users", "")).split(",")[0]
            return {"ok": True, "channel": {"id": "D" + user[1:]}}
        if method in ("views.open", "views.update", "views.push"):
            return {"ok": True, "view": {"id": f"V{next(self._ids):04d}",
                                         **(params.get("view") or {})}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):04d}"
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}",
                    "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")}
                                          for f in files]}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}
        return {"ok": True}

    async def _respond(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        body = await request.json()
        scripted = self._scripted(f"respond:{key}")
        status = scripted.status if scripted is not None else 200
        await self._record(self.responses, Call(f"respond:{key}", body, status, status == 200))
        if status != 200:
            return web.Response(status=status, text="expired_url")
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text=f"OK - {len(self.uploads[request.match_info['file_id']])}")

    async def _record(self, log: list[Call], call: Call) -> None:
        async with self._changed:
            log.append(call)
            self._changed.notify_all()

    # ------------------------------------------------------------------ Socket Mode
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1})
        self._socket_open.set()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await self.socket_replies.put(json.loads(message.data))
        self._sockets.remove(ws)
        return ws

    async def send_envelope(self, kind: str, payload: Mapping[str, Any], *,
                            envelope_id: str = "env-1", within: float = 5.0
                            ) -> dict[str, Any]:
        """Push a Socket Mode envelope to the connected app; returns its acknowledgement."""
        async with asyncio.timeout(within):
            await self._socket_open.wait()
            await self._sockets[-1].send_json({
                "envelope_id": envelope_id, "type": kind, "payload": dict(payload),
                "accepts_response_payload": kind != "events_api", "retry_attempt": 0,
                "retry_reason": ""})
            while True:
                reply = await self.socket_replies.get()
                if reply.get("envelope_id") == envelope_id:
                    return reply


def _hung_up(request: web.Request) -> bool:
    return request.transport is None or request.transport.is_closing()


async def _params(request: web.Request) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query)
    elif request.content_type == "application/json":
        data = await request.json()
        params = dict(data) if isinstance(data, dict) else {}
    else:
        params = dict(request.query)
        params.update((k, v) for k, v in (await request.post()).items() if isinstance(v, str))
    for name in JSON_PARAMS:
        value = params.get(name)
        if isinstance(value, str):
            try:
                params[name] = json.loads(value)
            except ValueError:
                pass
    return params
