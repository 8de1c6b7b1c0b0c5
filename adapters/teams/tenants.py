"""Which Microsoft 365 tenants the bot serves (``COPBOT_TEAMS_ALLOWED_TENANTS``).

Unset, a single-tenant app serves its own tenant (``COPBOT_TEAMS_TENANT_ID``) and a
multi-tenant app serves any tenant that installs it — said once, as a warning, at start-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TenantPolicy:
    allowed: frozenset[str] | None  # lower-case tenant ids (GUIDs); None: any tenant

    def allows(self, tenant: str) -> bool:
        return self.allowed is None or tenant.lower() in self.allowed

    @classmethod
    def from_settings(cls, settings: Settings) -> TenantPolicy:
        if settings.teams_allowed_tenants:
            return cls(frozenset(t.lower() for t in settings.teams_allowed_tenants))
        if settings.teams_app_type == "SingleTenant" and settings.teams_tenant_id:
            return cls(frozenset({settings.teams_tenant_id.lower()}))
        if settings.teams_app_id:
            log.warning("COPBOT_TEAMS_ALLOWED_TENANTS is not set: this multi-tenant Teams bot "
                        "serves any Microsoft 365 organisation that installs it. List your "
                        "tenant ids there to refuse the others.")
        return cls(None)
