"""Scheduled posts: seminar reminders and weekly digests, exactly once, on time, in local time.

- :mod:`bot.scheduler.timing` — when things are due (pure functions, DST-aware)
- :mod:`bot.scheduler.due` — what is due, from our own tables
- :mod:`bot.scheduler.reminders`, :mod:`bot.scheduler.digest` — the messages
- :mod:`bot.scheduler.sender`, :mod:`bot.scheduler.pacing` — claiming, pacing, retrying
- :mod:`bot.scheduler.posts` — one tick; :mod:`bot.scheduler.wakeup` — APScheduler wakes it
"""

from __future__ import annotations

from bot.scheduler.posts import ScheduledPosts, TickReport
from bot.scheduler.wakeup import Wakeup

__all__ = ["ScheduledPosts", "TickReport", "Wakeup"]
