"""Work that carries on after Slack has been answered (the 3-second rule), kept track of so
that a shutdown waits for it instead of dropping a half-sent answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, T], *, report: bool = True) -> asyncio.Task[T]:
        """Run ``work`` now; with ``report``, a failure is logged (nobody else awaits it)."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if report:
            task.add_done_callback(_log_failure)
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    async def drain(self, grace: float) -> None:
        """Wait up to ``grace`` seconds for the running work, then cancel what is left."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("cancelled %d Slack answers still running at shutdown", len(pending))
            await asyncio.wait(pending)


def _log_failure(task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("Slack background work failed", exc_info=exc)
