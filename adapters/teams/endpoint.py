"""``POST /api/messages``: authenticate, then hand the activity to the SDK's CloudAdapter.

Nothing reaches the SDK pipeline (and so no handler) unless the bearer token validates (see
:mod:`.auth`) — or, in the dev mode with no app id, unless the caller is on loopback and not
behind a proxy.  Bad tokens get 401, malformed bodies 400; the log says why, the response
does not.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import ClaimsIdentity
from pydantic import ValidationError

from adapters.teams.agent import CopbotAgent
from adapters.teams.auth import InvalidToken, TokenValidator, bearer_token, is_loopback

log = logging.getLogger(__name__)

UNAUTHORIZED = {"error": "Invalid token or authentication failed."}


class TeamsEndpoint:
    def __init__(self, adapter: CloudAdapter, agent: CopbotAgent,
                 validator: TokenValidator | None) -> None:
        self.adapter = adapter
        self.agent = agent
        self.validator = validator  # None: dev mode, loopback only

    async def handle(self, request: web.Request) -> web.StreamResponse:
        token = ""
        if self.validator is None:
            if not is_loopback(request.remote) or "X-Forwarded-For" in request.headers:
                log.warning("Teams dev mode: refused a request from %s", request.remote)
                return web.json_response({"error": "dev mode accepts local requests only"},
                                         status=403)
        else:
            try:
                token = bearer_token(request.headers.get("Authorization"))
                validated = await self.validator.validate(token)
            except InvalidToken as exc:
                log.warning("Teams request refused: %s", exc)
                return web.json_response(UNAUTHORIZED, status=401)
        body = await _json_body(request)
        if body is None:
            return web.json_response({"error": "the body is not an activity"}, status=400)
        identity = ClaimsIdentity()  # anonymous: dev mode
        if self.validator is not None:
            try:
                validated.check_channel(str(body.get("channelId") or ""))
                validated.check_service_url_claim()
            except InvalidToken as exc:
                log.warning("Teams request refused: %s", exc)
                return web.json_response(UNAUTHORIZED, status=401)
            identity = ClaimsIdentity(validated.claims, authentication_type="Bearer",
                                      security_token=token)
        answer = await self.adapter.process_request(
            _AuthenticatedRequest(request, identity), self.agent)
        if answer.body is not None:
            return web.json_response(answer.body, status=answer.status_code,
                                     headers=answer.headers)
        return web.Response(status=answer.status_code, headers=answer.headers,
                            content_type=answer.content_type)


class _AuthenticatedRequest:
    """The request as the SDK reads it (its ``HttpRequestProtocol``), carrying the identity
    this endpoint established.  (The SDK's own middleware keeps the identity under a string
    key in the aiohttp request, which aiohttp now warns about.)"""

    def __init__(self, request: web.Request, identity: ClaimsIdentity) -> None:
        self._request = request
        self._identity = identity

    @property
    def method(self) -> str:
        return self._request.method

    @property
    def headers(self) -> Mapping[str, str]:
        return self._request.headers

    async def json(self) -> Any:
        return await self._request.json()

    def get_claims_identity(self) -> ClaimsIdentity:
        return self._identity

    def get_path_param(self, name: str) -> str:
        return self._request.match_info[name]


async def _json_body(request: web.Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
        if not isinstance(body, dict):
            return None
        Activity.model_validate(body)
    except (ValueError, ValidationError):
        return None
    return body
