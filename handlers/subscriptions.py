"""Subscriptions: commands arrive in a later issue."""

from __future__ import annotations

from bot.commands import CommandRegistry


def register(registry: CommandRegistry) -> None:
    """Adds this feature's commands (none yet)."""
