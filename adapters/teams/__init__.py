"""The Microsoft Teams adapter, on the Microsoft 365 Agents SDK (kept inside this folder).

The two plugin functions of :mod:`bot.app.platforms`:

- :func:`mount` (given the host and :class:`~adapters.teams.settings.TeamsSettings`) adds
  ``POST /api/messages`` to the ``copbot serve`` app and registers the Teams transport —
  when ``COPBOT_TEAMS_APP_ID`` is set, or in the dev mode (``COPBOT_TEAMS_DEV_MODE=true``,
  no app id: no auth, loopback callers only);
- :func:`create_transport` gives processes that only post (scheduler, worker) the transport.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from adapters.teams.settings import TeamsSettings

# The Microsoft 365 Agents SDK is imported inside the functions below, so that commands
# which never talk to Teams (``copbot --help``, ``copbot chat``) do not pay for loading it.
if TYPE_CHECKING:
    from aiohttp import web
    from microsoft_agents.hosting.core import RestChannelServiceClientFactory

    from adapters.teams.references import ConversationBook
    from adapters.teams.service_urls import ServiceUrlPolicy
    from adapters.teams.transport import TeamsTransport
    from bot.clock import Clock
    from bot.delivery import Transport
    from bot.host import AdapterHost
    from storage.db import Database

__all__ = ["configured", "create_transport", "mount"]

log = logging.getLogger(__name__)

ROUTE = "/api/messages"


def configured(settings: TeamsSettings) -> bool:
    return settings.configured


@dataclass(frozen=True)
class _Parts:
    book: ConversationBook
    factory: RestChannelServiceClientFactory
    service_urls: ServiceUrlPolicy
    transport: TeamsTransport


def _parts(settings: TeamsSettings, database: Database, clock: Clock) -> _Parts:
    from microsoft_agents.hosting.core import RestChannelServiceClientFactory

    from adapters.teams.credentials import connections
    from adapters.teams.product_info import cache_product_info
    from adapters.teams.references import ConversationBook
    from adapters.teams.service_urls import ServiceUrlPolicy
    from adapters.teams.transport import TeamsTransport

    cache_product_info()
    dev = not settings.app_id
    book = ConversationBook(database, clock)
    factory = RestChannelServiceClientFactory(connections(settings))
    service_urls = ServiceUrlPolicy.from_setting(settings.trusted_service_urls,
                                                 loopback=dev)
    transport = TeamsTransport(app_id=settings.app_id, factory=factory, book=book,
                               service_urls=service_urls)
    return _Parts(book, factory, service_urls, transport)


async def mount(app: web.Application, host: AdapterHost, settings: TeamsSettings) -> bool:
    if not configured(settings):
        return False
    from microsoft_agents.hosting.aiohttp import CloudAdapter

    from adapters.teams.agent import CopbotAgent, RefusingAgent, on_turn_error
    from adapters.teams.auth import TokenValidator, trusted_issuers
    from adapters.teams.endpoint import TeamsEndpoint
    from adapters.teams.tenants import TenantPolicy

    parts = _parts(settings, host.database, host.clock)
    adapter = CloudAdapter(channel_service_client_factory=parts.factory,
                           host_validator=parts.service_urls)
    adapter.on_turn_error = on_turn_error
    validator = None
    if settings.app_id:
        validator = TokenValidator(settings.app_id, trusted_issuers(
            metadata_url=settings.openid_metadata_url,
            app_type=settings.app_type, tenant_id=settings.tenant_id,
            tenant_metadata_url=settings.tenant_openid_metadata_url))
    else:
        log.warning("Teams dev mode: %s accepts unauthenticated requests from this machine "
                    "only. Never use it in production.", ROUTE)
    agent = CopbotAgent(host.dispatch, parts.book, parts.transport.send)
    endpoint = TeamsEndpoint(adapter, agent, validator, service_urls=parts.service_urls,
                             tenants=TenantPolicy.from_settings(settings),
                             refusal=RefusingAgent(host.settings.network_name))
    app.router.add_post(ROUTE, endpoint.handle)
    host.register_transport(parts.transport)
    return True


def create_transport(settings: TeamsSettings, database: Database) -> Transport | None:
    if not configured(settings):
        return None
    from bot.clock import SystemClock

    return _parts(settings, database, SystemClock()).transport
