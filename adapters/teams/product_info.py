"""The Agents SDK's ``User-Agent`` string, computed once.

The SDK builds a connector client and a user-token client for every turn, and each asks
``get_product_info()`` for its ``User-Agent`` header, which reads the installed package's
metadata from disk every time: about a tenth of a turn's CPU.  The answer cannot change
while the process runs, so the SDK's client modules are given a cached copy.
"""

from __future__ import annotations

from functools import cache


def cache_product_info() -> None:
    """Idempotent: the SDK modules then call a memoised ``get_product_info``."""
    from microsoft_agents.hosting.core.connector import get_product_info
    from microsoft_agents.hosting.core.connector.client import (
        connector_client,
        user_token_client,
    )

    cached = cache(get_product_info)
    for module in (connector_client, user_token_client):
        if getattr(module.get_product_info, "cache_info", None) is None:  # type: ignore[attr-defined]
            module.get_product_info = cached  # type: ignore[attr-defined]
