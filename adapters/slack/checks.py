"""What ``copbot check`` asks of Slack: the offline rules, and ``auth.test`` with the token."""

from __future__ import annotations

from adapters.slack import check_settings
from adapters.slack.settings import SlackSettings
from bot.checks import CheckResult

NAME = "slack"

__all__ = ["NAME", "check", "check_settings"]


async def check(settings: SlackSettings) -> CheckResult | None:
    """``auth.test`` with the bot token; None when Slack is not configured."""
    if not settings.configured:
        return None
    from adapters.slack.client import CALL_ERRORS, error_code, web_client

    try:
        answer = await web_client(settings).auth_test()
    except CALL_ERRORS as exc:
        return CheckResult(NAME, "fail", f"auth.test failed ({error_code(exc)}); check "
                           "COPBOT_SLACK_BOT_TOKEN (and COPBOT_SLACK_API_URL)")
    return CheckResult(NAME, "ok", f"auth.test: signed in as @{answer.get('user')} in "
                       f"{answer.get('team')} ({answer.get('team_id')})")
