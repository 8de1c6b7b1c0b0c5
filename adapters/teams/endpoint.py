"""``POST /api/messages``: authenticate, then hand the activity to the SDK's CloudAdapter.

Nothing reaches the SDK pipeline (and so no handler) unless the bearer token validates (see
:mod:`.auth`) — or, in the dev mode with no app id, unless the caller is on loopback and the
request carries no proxy header.  Bad tokens get 401; a body that is not a JSON object, nests
too deep or is not an activity gets 400.  An activity from a tenant outside
``COPBOT_TEAMS_ALLOWED_TENANTS`` is answered with a polite refusal by an agent that stores
nothing.  The log says why (one WARNING line), the response does not.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import ActivityHandler, ClaimsIdentity

from adapters.json_body import MalformedBody, json_object
from adapters.teams.agent import CopbotAgent, RefusingAgent
from adapters.teams.auth import InvalidToken, TokenValidator, bearer_token, is_loopback
from adapters.teams.convert import tenant_of
from adapters.teams.service_urls import ServiceUrlPolicy
from adapters.teams.tenants import TenantPolicy

log = logging.getLogger(__name__)

UNAUTHORIZED = {"error": "Invalid token or authentication failed."}

# Headers a reverse proxy adds: behind one, the loopback peer says nothing about the caller.
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
                 "X-Real-IP", "X-Client-IP", "True-Client-IP", "CF-Connecting-IP",
                 "X-Cluster-Client-IP", "Fastly-Client-IP", "X-Original-Forwarded-For", "Via")


class TeamsEndpoint:
    def __init__(self, adapter: CloudAdapter, agent: CopbotAgent,
                 validator: TokenValidator | None, *, service_urls: ServiceUrlPolicy,
                 tenants: TenantPolicy, refusal: RefusingAgent) -> None:
        self.adapter = adapter
        self.agent = agent
        self.validator = validator  # None: dev mode, loopback only
        self.service_urls = service_urls
        self.tenants = tenants
        self.refusal = refusal
        quiet_sdk_validation_log()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        token = ""
        if self.validator is None:
            proxied = [h for h in PROXY_HEADERS if h in request.headers]
            if not is_loopback(request.remote) or proxied:
                log.warning("Teams dev mode: refused a request from %s%s", request.remote,
                            f" (through a proxy: {', '.join(proxied)})" if proxied else "")
                return web.json_response({"error": "dev mode accepts local requests only"},
                                         status=403)
        else:
            try:
                token = bearer_token(request.headers.get("Authorization"))
                validated = await self.validator.validate(token)
            except InvalidToken as exc:
                log.warning("Teams request refused: %s", exc)
                return web.json_response(UNAUTHORIZED, status=401)
        try:
            body, activity = await _activity_body(request)
        except MalformedBody as exc:
            log.warning("Teams request refused (400): %s", exc)
            return web.json_response({"error": "the body is not an activity"}, status=400)
        identity = ClaimsIdentity()  # anonymous: dev mode
        if self.validator is not None:
            try:
                validated.check_channel(str(body.get("channelId") or ""))
                validated.check_service_url_claim(str(body.get("serviceUrl") or ""),
                                                  self.service_urls.is_connector)
            except InvalidToken as exc:
                log.warning("Teams request refused: %s", exc)
                return web.json_response(UNAUTHORIZED, status=401)
            identity = ClaimsIdentity(validated.claims, authentication_type="Bearer",
                                      security_token=token)
        agent: ActivityHandler = self.agent
        tenant = tenant_of(activity)
        if not self.tenants.allows(tenant):
            log.warning("Teams activity from tenant %r refused: not in "
                        "COPBOT_TEAMS_ALLOWED_TENANTS", tenant)
            agent = self.refusal
        answer = await self.adapter.process_request(
            _AuthenticatedRequest(request, identity, body), agent)
        if answer.body is not None:
            return web.json_response(answer.body, status=answer.status_code,
                                     headers=answer.headers)
        return web.Response(status=answer.status_code, headers=answer.headers,
                            content_type=answer.content_type)


class _AuthenticatedRequest:
    """The request as the SDK reads it (its ``HttpRequestProtocol``), carrying the identity
    this endpoint established.  (The SDK's own middleware keeps the identity under a string
    key in the aiohttp request, which aiohttp now warns about.)"""

    def __init__(self, request: web.Request, identity: ClaimsIdentity,
                 body: dict[str, Any]) -> None:
        self._request = request
        self._identity = identity
        self._body = body

    @property
    def method(self) -> str:
        return self._request.method

    @property
    def headers(self) -> Mapping[str, str]:
        return self._request.headers

    async def json(self) -> Any:
        return self._body  # as checked by the endpoint

    def get_claims_identity(self) -> ClaimsIdentity:
        return self._identity

    def get_path_param(self, name: str) -> str:
        return self._request.match_info[name]


async def _activity_body(request: web.Request) -> tuple[dict[str, Any], Activity]:
    """The body as a JSON object, and the activity it is; raises :class:`MalformedBody`."""
    body = json_object(await request.read())
    try:
        activity = Activity.model_validate(body)
    except Exception as exc:  # the SDK's validator also raises a bare Exception
        raise MalformedBody(f"not an activity ({exc.__class__.__name__})") from None
    if not activity.type or activity.conversation is None or not activity.conversation.id:
        raise MalformedBody("an activity without a type or a conversation")
    return body, activity


class _NoValidationTraceback(logging.Filter):
    """The SDK logs every activity that fails validation as an ERROR with its traceback.
    Here that is someone's malformed request, which the endpoint answers with 400 and one
    WARNING line of its own, so the SDK's record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Validation error for Activity")


def quiet_sdk_validation_log() -> None:
    sdk = logging.getLogger("microsoft_agents.activity.activity")
    if not any(isinstance(f, _NoValidationTraceback) for f in sdk.filters):
        sdk.addFilter(_NoValidationTraceback())
