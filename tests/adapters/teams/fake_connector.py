"""A local stand-in for the Bot Framework, on loopback: what Teams' side of the wire does.

- an OpenID metadata document and JWKS with the test's own RSA key (``/openid``, ``/keys``),
  and :meth:`FakeBotFramework.token` to sign inbound tokens with it (or with another key);
- an OAuth2 token endpoint (``/token``) that hands the bot a static access token;
- the Bot Connector REST API (``/v3/conversations…``) that records every post and answers
  like the real one, or fails on request (:meth:`fail_next`).

Reusable: ``async with FakeBotFramework() as teams:`` then ``teams.settings(...)`` gives the
``COPBOT_TEAMS_*`` settings that point copbot at it.

    teams.posts            # every activity the bot sent, in order
    teams.posts[-1].card   # the Adaptive Card of the last one (or None)
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.teams.settings import TeamsSettings
from bot.app.platforms import PlatformSettings
from bot.settings import load
from tests.conftest import platforms

APP_ID = "00000000-0000-4000-8000-00000000b07a"
APP_PASSWORD = "test-secret"
STATIC_TOKEN = "static-outbound-test-token"
TENANT = "11111111-2222-4333-8444-555555555555"
BOT_ISSUER = "https://api.botframework.com"
KEY_ID = "copbot-test-key"
CARD = "application/vnd.microsoft.card.adaptive"
PAYLOADS = Path(__file__).parent / "payloads"


@cache
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def other_key() -> rsa.RSAPrivateKey:
    """A key nobody published: tokens signed with it must be refused."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Post:
    """One call the bot made to the Bot Connector."""

    method: str
    path: str
    conversation_id: str
    body: dict[str, Any]
    authorization: str
    reply_to: str | None = None
    status: int = 201  # what the fake answered

    @property
    def activity(self) -> dict[str, Any]:
        """The activity sent (for ``create conversation``, the one inside it)."""
        return self.body.get("activity") or self.body if self.path.endswith(
            "/v3/conversations") else self.body

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.activity.get("attachments") or []:
            if attachment.get("contentType") == CARD:
                content: dict[str, Any] = attachment["content"]
                return content
        return None

    @property
    def text(self) -> str:
        return str(self.activity.get("text") or "")


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeBotFramework:
    def __init__(self, key: rsa.RSAPrivateKey | None = None) -> None:
        self.key = key or signing_key()  # the key its JWKS publishes
        self.posts: list[Post] = []
        self.require_token = True  # False: like the local emulators, take anonymous posts
        self.token_requests: list[dict[str, str]] = []
        self._failures: list[Failure] = []
        self._down: int | None = None
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        # Member lookups: member id -> the TeamsChannelAccount Teams returns; others are 404.
        self.members: dict[str, dict[str, Any]] = {}
        self.member_lookups: list[str] = []

    # ------------------------------------------------------------------------ lifecycle
    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_get("/openid", self._openid)
        app.router.add_get("/keys", self._keys)
        app.router.add_post("/token", self._token)
        app.router.add_post("/teams/v3/conversations", self._create)
        app.router.add_post("/teams/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/teams/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/teams/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_get("/teams/v3/conversations/{cid}/members/{mid}", self._member)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeBotFramework:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def service_url(self) -> str:
        return f"{self.url}/teams/"

    def settings(self) -> dict[str, str]:
        """The ``COPBOT_TEAMS_*`` settings pointing at this fake, by field name."""
        return {
            "app_id": APP_ID,
            "app_password": APP_PASSWORD,
            "openid_metadata_url": f"{self.url}/openid",
            "token_url": f"{self.url}/token",
            "trusted_service_urls": self.service_url,
        }

    def platforms(self, **overrides: Any) -> PlatformSettings:
        """Platform settings with Teams pointed at this fake, validated as the environment
        would be (no .env read); ``overrides`` change or add Teams settings."""
        return platforms(teams=load(TeamsSettings, _env_file=None,
                                    **{**self.settings(), **overrides}))

    def fail_next(self, status: int, code: str = "", *, retry_after: str | None = None) -> None:
        """The next connector call answers ``status`` (with the connector's error shape)."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self._failures.append(Failure(status, {"error": {"code": code, "message": code}},
                                      headers))

    def outage(self, status: int = 500) -> None:
        """The connector is down: every call answers ``status`` until :meth:`recover`."""
        self._down = status

    def recover(self) -> None:
        self._down = None

    def accepted(self, conversation_id: str | None = None) -> list[Post]:
        """Posts the connector took (to ``conversation_id``, if given)."""
        return [p for p in self.posts if p.status < 300 and (
            conversation_id is None or p.conversation_id == conversation_id)]

    async def wait_for(self, conversation_id: str, count: int = 1, *,
                       within: float = 10.0) -> list[Post]:
        """The first ``count`` accepted posts to ``conversation_id``, waiting for them."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(
                lambda: len(self.accepted(conversation_id)) >= count)
        return self.accepted(conversation_id)[:count]

    def garble_next(self) -> None:
        """The next connector call succeeds (201) but its body is not JSON — as when a
        proxy or the connector itself mangles the answer after the post was made."""
        self._failures.append(Failure(201, {}))

    # ------------------------------------------------------------------------ tokens
    def token(self, *, key: rsa.RSAPrivateKey | None = None, **overrides: Any) -> str:
        """A Bot Framework channel token for the bot; ``overrides`` replace claims (None
        removes one), ``kid``/``alg`` the header."""
        now = int(time.time())
        claims: dict[str, Any] = {"serviceurl": self.service_url, "nbf": now - 5,
                                  "exp": now + 3600, "iss": BOT_ISSUER, "aud": APP_ID}
        headers = {"kid": overrides.pop("kid", KEY_ID)}
        algorithm = overrides.pop("alg", "RS256")
        for name, value in overrides.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        signer: Any = key or self.key
        if algorithm == "HS256":
            signer = "a-shared-secret-nobody-should-accept-0123456789"
        return jwt.encode(claims, signer, algorithm=algorithm, headers=headers)

    # ------------------------------------------------------------------------ activities
    def activity(self, name: str, **changes: Any) -> dict[str, Any]:
        """A payload fixture with its serviceUrl pointing here; ``changes`` are top-level
        replacements (``text=…``, ``value=…``)."""
        body: dict[str, Any] = json.loads((PAYLOADS / name).read_text())
        body["serviceUrl"] = self.service_url
        body["id"] = f"{body.get('id', 'a')}-{next(self._ids)}"
        body.update(copy.deepcopy(changes))
        return body

    # ------------------------------------------------------------------------ handlers
    async def _openid(self, request: web.Request) -> web.Response:
        return web.json_response({"issuer": BOT_ISSUER, "jwks_uri": f"{self.url}/keys",
                                  "id_token_signing_alg_values_supported": ["RS256"]})

    async def _keys(self, request: web.Request) -> web.Response:
        jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(
            self.key.public_key()))
        jwk.update({"kid": KEY_ID, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]})
        return web.json_response({"keys": [jwk]})

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_requests.append(form)
        if form.get("client_id") != APP_ID or form.get("client_secret") != APP_PASSWORD:
            return web.json_response({"error": "invalid_client"}, status=401)
        return web.json_response({"token_type": "Bearer", "expires_in": 3600,
                                  "access_token": STATIC_TOKEN})

    async def _record(self, request: web.Request, conversation_id: str) -> web.Response | None:
        body = await request.json()
        post = Post(request.method, request.path, conversation_id, body,
                    request.headers.get("Authorization", ""), request.match_info.get("aid"))
        self.posts.append(post)
        refused = self._refusal(request)
        if refused is not None:
            post.status = refused.status
        async with self._changed:
            self._changed.notify_all()
        return refused

    def _refusal(self, request: web.Request) -> web.Response | None:
        authorization = request.headers.get("Authorization")
        if self.require_token and authorization != f"Bearer {STATIC_TOKEN}":
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        if self._down is not None:
            return web.json_response({"error": {"code": "ServiceError", "message": "down"}},
                                     status=self._down)
        if self._failures:
            failure = self._failures.pop(0)
            if failure.status < 300:
                return web.Response(status=failure.status, text="posted",
                                    content_type="text/plain")
            return web.json_response(failure.body, status=failure.status,
                                     headers=failure.headers)
        return None

    async def _member(self, request: web.Request) -> web.Response:
        member = request.match_info["mid"]
        self.member_lookups.append(member)
        if request.headers.get("Authorization") != f"Bearer {STATIC_TOKEN}":
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        if member not in self.members:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}},
                                     status=404)
        return web.json_response(self.members[member])

    async def _send(self, request: web.Request) -> web.Response:
        refused = await self._record(request, request.match_info["cid"])
        if refused is not None:
            return refused
        return web.json_response({"id": f"m{next(self._ids)}"}, status=201)

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        refused = await self._record(request, channel or "")
        if refused is not None:
            return refused
        message_id = f"{next(self._ids)}"
        if channel:  # a new thread in a channel
            return web.json_response({"id": f"{channel};messageid={message_id}",
                                      "activityId": message_id}, status=201)
        member = body["members"][0]["id"]
        return web.json_response({"id": f"a:personal-{member}"}, status=201)
