"""Every feature, and the order free text goes through them.

Order matters only for ``help``: commands are listed in the order they are registered.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.commands import CommandRegistry, QuestionStep, question_chain
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

FEATURES: tuple[Callable[[CommandRegistry], None], ...] = (
    help.register,
    events.register,
    attendance.register,
    feedback.register,
    topics.register,
    questions.register,
    resources.register,
    expertise.register,
    network.register,
    subscriptions.register,
    learning.register,
    privacy.register,
    admin.register,
)

# Free text is a question: a reply in an escalated question's thread is an answer to it;
# anything else is answered from the library.
QUESTION_STEPS: tuple[QuestionStep, ...] = (network.answer_in_thread,)


def build_registry() -> CommandRegistry:
    registry = CommandRegistry()
    for register in FEATURES:
        register(registry)
    registry.question_handler = question_chain(QUESTION_STEPS, questions.answer_question)
    return registry
