"""Slack's own settings, read from ``COPBOT_SLACK_*`` variables (and ``.env``).

Only the Slack adapter receives them; the tokens and the signing secret are
:class:`~pydantic.SecretStr`, so ``repr()`` and logs show ``**********``, and their values
are taken out only where they are handed to slack_sdk or slack-bolt.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.settings import CommaList, web_address


class SlackSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="COPBOT_SLACK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr = SecretStr("")
    signing_secret: SecretStr = SecretStr("")
    app_token: SecretStr = SecretStr("")
    api_url: str = "https://slack.com/api/"
    command: str = "/copbot"
    # Workspace (team) ids served, e.g. "T0123,T0456"; empty: any workspace.
    allowed_teams: CommaList = Field(default_factory=list)

    @field_validator("api_url")
    @classmethod
    def _valid_web_address(cls, value: str) -> str:
        return web_address(value)

    @property
    def configured(self) -> bool:
        """Slack is served only when a bot token is set."""
        return bool(self.bot_token.get_secret_value())
