"""Features, one module each.  Every module has ``register(registry)`` adding its commands.

Order matters only for ``help``: commands are listed in the order they are registered.
"""

from __future__ import annotations

from bot.commands import CommandRegistry
from handlers import (
    admin,
    events,
    expertise,
    help,
    network,
    privacy,
    questions,
    resources,
    subscriptions,
)

# ``network`` wraps the question handler, so it comes after ``questions``.
FEATURES = (
    help, events, questions, resources, expertise, network, subscriptions, privacy, admin,
)


def build_registry() -> CommandRegistry:
    registry = CommandRegistry()
    for feature in FEATURES:
        feature.register(registry)
    return registry
