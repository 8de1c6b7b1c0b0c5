"""Scheduled posts: seminar reminders and weekly digests, exactly once, on time, in local time.

- :mod:`bot.scheduler.timing` — when things are due (pure functions, DST-aware)
- :mod:`bot.scheduler.due` — what is due, from our own tables
- :mod:`bot.scheduler.reminders`, :mod:`bot.scheduler.digest` — the messages
- :mod:`bot.scheduler.sender`, :mod:`bot.scheduler.pacing` — claiming, pacing, retrying
- :mod:`bot.scheduler.posts` — one tick; :mod:`bot.scheduler.wakeup` — APScheduler wakes it
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Loaded on first use: a process that only sends notices (``copbot chat``) imports
# :mod:`bot.scheduler.notices` without APScheduler.
if TYPE_CHECKING:
    from bot.scheduler.posts import ScheduledPosts, TickReport
    from bot.scheduler.wakeup import Wakeup

__all__ = ["ScheduledPosts", "TickReport", "Wakeup"]

_HOMES = {"ScheduledPosts": "bot.scheduler.posts", "TickReport": "bot.scheduler.posts",
          "Wakeup": "bot.scheduler.wakeup"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
