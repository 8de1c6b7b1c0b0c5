"""Which Microsoft 365 tenants the bot serves (``COPBOT_TEAMS_ALLOWED_TENANTS``).

Unset, a single-tenant app serves its own tenant (``COPBOT_TEAMS_TENANT_ID``) and a
multi-tenant app serves any tenant that installs it — said once, as a warning, at start-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from adapters.teams.settings import TeamsSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TenantPolicy:
    allowed: frozenset[str] | None  # lower-case tenant ids (GUIDs); None: any tenant

    def allows(self, tenant: str) -> bool:
        return self.allowed is None or tenant.lower() in self.allowed

    @classmethod
    def from_settings(cls, settings: TeamsSettings) -> TenantPolicy:
        if settings.allowed_tenants:
            return cls(frozenset(t.lower() for t in settings.allowed_tenants))
        if settings.app_type == "SingleTenant" and settings.tenant_id:
            return cls(frozenset({settings.tenant_id.lower()}))
        if settings.app_id:
            log.warning("COPBOT_TEAMS_ALLOWED_TENANTS is not set: this multi-tenant Teams bot "
                        "serves any Microsoft 365 organisation that installs it. List your "
                        "tenant ids there to refuse the others.")
        return cls(None)
