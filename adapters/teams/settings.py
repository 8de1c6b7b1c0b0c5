"""Microsoft Teams' own settings, read from ``COPBOT_TEAMS_*`` variables (and ``.env``).

Only the Teams adapter receives them; the app password is a :class:`~pydantic.SecretStr`, so
``repr()`` and logs show ``**********``, and its value is taken out only where it is handed
to the Agents SDK (MSAL) or the token endpoint.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.settings import CommaList, web_address


class TeamsSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="COPBOT_TEAMS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    app_id: str = ""
    app_password: SecretStr = SecretStr("")
    certificate_path: str = ""
    certificate_thumbprint: str = ""
    tenant_id: str = ""
    app_type: Literal["SingleTenant", "MultiTenant"] = "MultiTenant"
    # No app id + dev mode: /api/messages without auth, loopback clients only.
    dev_mode: bool = False
    # Overrides for tests and sovereign clouds (defaults: the public Bot Framework).
    openid_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    token_url: str = ""  # a client-credentials endpoint used instead of MSAL
    trusted_service_urls: str = ""  # extra serviceUrl prefixes, comma separated
    # Entra ID metadata for a single-tenant app's own tokens (default: the public cloud's).
    tenant_openid_metadata_url: str = ""
    # Tenant ids served; empty: the app's own tenant (SingleTenant) or any (MultiTenant).
    allowed_tenants: CommaList = Field(default_factory=list)

    @field_validator("openid_metadata_url", "token_url")
    @classmethod
    def _valid_web_address(cls, value: str) -> str:
        return web_address(value)

    @property
    def configured(self) -> bool:
        """Teams is served with an app id, or in the dev mode without one."""
        return bool(self.app_id) or self.dev_mode
