"""The Slack Web API client: where it points, how it retries, what its errors mean.

Creating a client does no I/O.  Rate limits (HTTP 429) are retried after Slack's
``Retry-After`` by slack_sdk's own handler when the wait is short; a longer wait is handed
back to the caller as a :class:`DeliveryError` with ``retry_after`` so nothing sits inside
a request for minutes.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.settings import SlackSettings
from bot.delivery import DeliveryError

# Longest Retry-After we wait for inside one call; longer ones go back to the caller.
MAX_RETRY_WAIT = 5.0
RATE_LIMIT_RETRIES = 2
TIMEOUT = 10

# Slack errors worth trying again later; any other error will fail the same way again.
TRANSIENT_ERRORS = frozenset({
    "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
    "request_timeout", "team_added_to_org",
})


class ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, for waits of at most ``max_wait`` seconds."""

    def __init__(self, max_retry_count: int = RATE_LIMIT_RETRIES,
                 max_wait: float = MAX_RETRY_WAIT) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None,
                               error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is None or wait <= self.max_wait


def api_base_url(url: str) -> str:
    """slack_sdk joins method names with ``urljoin``: the base must end with a slash."""
    return url if url.endswith("/") else url + "/"


def web_client(settings: SlackSettings, *, token: str | None = None) -> AsyncWebClient:
    handlers: list[AsyncRetryHandler] = [AsyncConnectionErrorRetryHandler(),
                                         ShortRateLimitRetry()]
    return AsyncWebClient(
        token=token if token is not None else settings.bot_token.get_secret_value(),
        base_url=api_base_url(settings.api_url),
        timeout=TIMEOUT,
        retry_handlers=handlers,
    )


def retry_after(headers: Any) -> float | None:
    """Seconds from a ``Retry-After`` header (slack_sdk gives header values as lists)."""
    if not headers:
        return None
    for name, value in dict(headers).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
    return None


def error_code(exc: BaseException) -> str:
    """Slack's error code (``channel_not_found`` …) or a short description."""
    if isinstance(exc, SlackApiError):
        data = exc.response.data
        code = data.get("error") if isinstance(data, dict) else None
        return str(code or f"HTTP {exc.response.status_code}")
    return type(exc).__name__


def delivery_error(exc: BaseException, what: str) -> DeliveryError:
    """A Slack failure as the core's :class:`DeliveryError`."""
    if isinstance(exc, SlackApiError):
        code = error_code(exc)
        status = exc.response.status_code
        if status == 429:
            wait = retry_after(exc.response.headers)
            return DeliveryError(f"{what}: rate limited by Slack",
                                 retry_after=wait if wait is not None else 1.0)
        transient = code in TRANSIENT_ERRORS or status >= 500
        return DeliveryError(f"{what}: Slack said {code}", permanent=not transient)
    return DeliveryError(f"{what}: {type(exc).__name__}: {exc}")


# What a Slack call may raise besides our own bugs.
CALL_ERRORS: tuple[type[BaseException], ...] = (
    SlackClientError, aiohttp.ClientError, asyncio.TimeoutError, OSError,
)
