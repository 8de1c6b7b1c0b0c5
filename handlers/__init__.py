"""Features, one module each.  Every module has ``register(registry)`` adding its commands.

Order matters only for ``help``: commands are listed in the order they are registered.
"""

from __future__ import annotations

from bot.commands import CommandRegistry
from handlers import (
    admin,
    attendance,
    events,
    expertise,
    feedback,
    help,
    learning,
    network,
    privacy,
    questions,
    resources,
    subscriptions,
    topics,
)

# ``network`` wraps the question handler, so it comes after ``questions``.
FEATURES = (
    help, events, attendance, feedback, topics, questions, resources, expertise, network,
    subscriptions, learning, privacy, admin,
)


def build_registry() -> CommandRegistry:
    registry = CommandRegistry()
    for feature in FEATURES:
        feature.register(registry)
    return registry
