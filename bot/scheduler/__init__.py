"""Scheduled posts: seminar reminders and weekly digests, exactly once, on time, in local time.

- :mod:`bot.scheduler.timing` — when things are due (pure functions, DST-aware)
- :mod:`bot.scheduler.due` — what is due, from our own tables
- :mod:`bot.scheduler.reminders`, :mod:`bot.scheduler.digest` — the messages
- :mod:`bot.scheduler.sender`, :mod:`bot.scheduler.pacing` — claiming, pacing, retrying
- :mod:`bot.scheduler.posts` — one tick; :mod:`bot.scheduler.wakeup` — APScheduler wakes it

The package itself imports nothing, so a process that only sends notices (``copbot chat``)
imports :mod:`bot.scheduler.notices` without APScheduler.
"""
