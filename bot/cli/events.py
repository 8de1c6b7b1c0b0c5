"""CLI commands of the events feature (added by the issue that owns it)."""

from __future__ import annotations

from typing import Any


def add_parser(subparsers: Any) -> None:
    """Adds this feature's sub-commands (none yet)."""
