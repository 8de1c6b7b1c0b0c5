"""What ``copbot check`` asks of Teams: the offline rules, and a Bot Connector token."""

from __future__ import annotations

from adapters.teams import configured
from adapters.teams.settings import TeamsSettings
from bot.checks import CheckResult, file_problem

NAME = "teams"
BOT_FRAMEWORK = "https://api.botframework.com"

__all__ = ["NAME", "check", "check_files", "check_settings"]

CERTIFICATE = "COPBOT_TEAMS_CERTIFICATE_PATH"


def check_files(settings: TeamsSettings) -> list[CheckResult]:
    """The certificate file, when one is named, exists and can be read (no network)."""
    if not settings.certificate_path:
        return []
    problem = file_problem(CERTIFICATE, settings.certificate_path,
                           "the app's PFX certificate (or use COPBOT_TEAMS_APP_PASSWORD)")
    if problem:
        return [CheckResult(CERTIFICATE, "fail", problem)]
    return [CheckResult(CERTIFICATE, "ok", settings.certificate_path)]


def check_settings(settings: TeamsSettings) -> None:
    """Raise SettingsError when the Teams settings cannot work (no I/O)."""
    if settings.app_id:
        from adapters.teams.credentials import auth_configuration

        auth_configuration(settings)


async def check(settings: TeamsSettings) -> CheckResult | None:
    """Fetch a token for calling the Bot Connector; None when Teams is not configured."""
    if not configured(settings):
        return None
    if not settings.app_id:
        return CheckResult(NAME, "ok", "dev mode: no app id, so no token to fetch")
    from adapters.teams.credentials import SERVICE_CONNECTION, connections

    provider = connections(settings).get_connection(SERVICE_CONNECTION)
    try:
        token = await provider.get_access_token(BOT_FRAMEWORK, [f"{BOT_FRAMEWORK}/.default"])
    except Exception as exc:  # MSAL and aiohttp raise many kinds; each is the finding
        return CheckResult(NAME, "fail", f"could not get a token ({exc}); check "
                           "COPBOT_TEAMS_APP_ID, COPBOT_TEAMS_APP_PASSWORD (or the "
                           "certificate) and COPBOT_TEAMS_TENANT_ID")
    if not token:
        return CheckResult(NAME, "fail", "the token endpoint gave an empty token")
    return CheckResult(NAME, "ok", f"got a Bot Connector token for app {settings.app_id}")
