"""Sending notices promptly: a sender loop that wakes on a commit, or once a second.

Notices (see :mod:`bot.notices`) are rows in the outbox like scheduled posts, so any process
that runs a sender may send them: claims make sure only one does.  Who runs one:

- every process that handles messages (``copbot serve``, ``copbot chat``) runs a
  :class:`NoticeSender`, whatever ``COPBOT_SCHEDULER`` says: a notice belongs to the
  conversation that caused it, not to the schedule, and ``COPBOT_SCHEDULER=off`` only stops
  reminders and digests being planned and sent here;
- ``copbot worker`` runs one too, and every scheduler tick also sends notices that are ready
  (a backstop, e.g. for notices queued by ``copbot import events``).

The router wakes the local loop right after a commit that queued notices, so they are on
their way at once.  Other replicas (and notices queued by the command line) are found by a
poll every :data:`POLL_SECONDS`: one indexed query, so the replica that handled a message
need not be the one that sends, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.clock import Clock
from bot.delivery import Transports
from bot.scheduler.pacing import ChannelPacer, Sleep
from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.posts import compose
from bot.scheduler.sender import DeliveryResult, Sender
from bot.settings import Settings
from storage.db import Database, is_unavailable
from storage.models.deliveries import NOTICE

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
STOP_TIMEOUT = 10.0  # seconds a pass in progress may take to finish when stopping


class NoticeSender:
    """Sends ready notices whenever woken and every ``poll`` seconds.  ``start``/``stop``
    need a running event loop; nothing happens on construction."""

    def __init__(self, database: Database, transports: Transports, settings: Settings,
                 clock: Clock, *, poll: float = POLL_SECONDS, pacer: ChannelPacer | None = None,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.transports = transports
        self.poll = poll
        self.sender = Sender(database, transports, compose, SchedulePolicy.from_settings(settings),
                             clock, pacer or ChannelPacer(sleep=sleep), sleep=sleep)
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        """Send what is ready now (called after a commit that queued notices)."""
        self._wake.set()

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="notice-sender")

    async def stop(self) -> None:
        """Stop; a pass in progress may finish (up to STOP_TIMEOUT), then is cancelled (its
        claims are taken over by another sender after their lease)."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        done, _ = await asyncio.wait({task}, timeout=STOP_TIMEOUT)
        if not done:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def send_now(self) -> list[DeliveryResult]:
        """One pass: send every notice that may be claimed now (after any pass running)."""
        async with self._lock:
            if not self.transports.platforms():
                return []
            return await self.sender.send_ready(kinds=(NOTICE,))

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll)
            self._wake.clear()
            if self._stopping:
                return
            try:
                await self.send_now()
            except Exception as exc:
                if is_unavailable(exc):
                    log.warning("notices not sent: database unavailable (%s)", exc)
                else:
                    log.exception("sending notices failed")
