"""The bot's own credentials for calling the Bot Connector (replies and proactive posts).

Production uses the SDK's MSAL connection manager (client secret or certificate; tenant
``botframework.com`` for a multi-tenant app).  ``COPBOT_TEAMS_TOKEN_URL`` replaces MSAL with
a plain OAuth2 client-credentials call to that endpoint (MSAL only accepts https
authorities, so tests point this at a local fake token endpoint).  The dev mode sends no
token at all, like the local emulators expect.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ConnectionManager,
)
from microsoft_agents.hosting.core.authorization import AuthTypes, Connections

from adapters.teams.settings import TeamsSettings
from bot.settings import SettingsError

SERVICE_CONNECTION = "SERVICE_CONNECTION"
MULTI_TENANT_AUTHORITY_TENANT = "botframework.com"


class TeamsSettingsError(SettingsError):
    """The Teams settings are incomplete or contradictory (``copbot serve`` stops with it)."""


def auth_configuration(settings: TeamsSettings) -> AgentAuthConfiguration:
    if settings.app_type == "SingleTenant" and not settings.tenant_id:
        raise TeamsSettingsError(
            "COPBOT_TEAMS_TENANT_ID is required when COPBOT_TEAMS_APP_TYPE is SingleTenant")
    tenant = (settings.tenant_id if settings.app_type == "SingleTenant"
              else MULTI_TENANT_AUTHORITY_TENANT)
    if settings.certificate_path:
        return AgentAuthConfiguration(
            auth_type=AuthTypes.certificate, client_id=settings.app_id,
            tenant_id=tenant, cert_pfx_file=settings.certificate_path)
    if not settings.app_password.get_secret_value():
        raise TeamsSettingsError("set COPBOT_TEAMS_APP_PASSWORD or "
                                 "COPBOT_TEAMS_CERTIFICATE_PATH for the Teams app")
    return AgentAuthConfiguration(
        auth_type=AuthTypes.client_secret, client_id=settings.app_id,
        tenant_id=tenant, client_secret=settings.app_password.get_secret_value())


def connections(settings: TeamsSettings) -> Connections:
    """The token providers the SDK uses for outbound calls.  No I/O."""
    if not settings.app_id:
        anonymous = AgentAuthConfiguration(anonymous_allowed=True)
        return ConnectionManager(provider_factory=lambda _config: AnonymousTokenProvider(),
                                 connections_configurations={SERVICE_CONNECTION: anonymous})
    config = auth_configuration(settings)
    if settings.token_url:
        url = settings.token_url
        return ConnectionManager(
            provider_factory=lambda c: ClientCredentialsProvider(c, url),
            connections_configurations={SERVICE_CONNECTION: config})
    return MsalConnectionManager(connections_configurations={SERVICE_CONNECTION: config})


class ClientCredentialsProvider(AnonymousTokenProvider):  # type: ignore[misc]
    """OAuth2 client credentials against a fixed token endpoint, cached until near expiry.
    (Subclasses the anonymous provider only to inherit the SDK's unused extension points.)"""

    def __init__(self, configuration: AgentAuthConfiguration, token_url: str) -> None:
        self._configuration = configuration
        self.token_url = token_url
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = asyncio.Lock()

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    async def get_access_token(self, resource_url: str, scopes: list[str],
                               force_refresh: bool = False) -> str:
        scope = " ".join(scopes) or f"{resource_url}/.default"
        async with self._lock:
            cached = self._cache.get(scope)
            if cached and not force_refresh and cached[1] > time.monotonic():
                return cached[0]
            form = {"grant_type": "client_credentials",
                    "client_id": self._configuration.CLIENT_ID or "",
                    "client_secret": self._configuration.CLIENT_SECRET or "",
                    "scope": scope}
            timeout = aiohttp.ClientTimeout(total=10)
            async with aiohttp.ClientSession(timeout=timeout) as http, \
                    http.post(self.token_url, data=form) as resp:
                body: dict[str, Any] = await resp.json(content_type=None)
                if resp.status != 200 or "access_token" not in body:
                    raise ValueError(f"token endpoint refused ({resp.status})")
            token = str(body["access_token"])
            lifetime = float(body.get("expires_in", 3600))
            self._cache[scope] = (token, time.monotonic() + max(lifetime - 60, 0))
            return token
