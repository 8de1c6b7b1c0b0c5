"""Group commit: many coroutines' small database requests share one round trip.

A tick may post to a thousand channels at once, and each post needs a claim before and a
record after.  One transaction each would queue them all behind SQLite's single writer;
instead, the requests that arrive while a batch is being handled are handled together in
the next one — one statement for many claims, one for many records.  Each caller still
waits until its own request is committed, so nothing is reported done before it is durable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Request = TypeVar("Request")
Result = TypeVar("Result")

MAX_BATCH = 500  # requests per batch


class GroupCommit(Generic[Request, Result]):
    """Calls ``handle`` with every request that arrived while its previous call ran;
    ``handle`` returns one result per request, in order (or raises for them all)."""

    def __init__(self, handle: Callable[[Sequence[Request]], Awaitable[Sequence[Result]]], *,
                 max_batch: int = MAX_BATCH) -> None:
        self.handle = handle
        self.max_batch = max_batch
        self._queue: list[tuple[Request, asyncio.Future[Result]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def __call__(self, request: Request) -> Result:
        return await self.submit(request)

    def submit(self, request: Request) -> asyncio.Future[Result]:
        """Queue ``request``; the future is done once it is handled."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((request, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return future

    async def close(self) -> None:
        """Wait until the requests already made are handled."""
        if self._worker is not None:
            await asyncio.wait([self._worker])

    async def _drain(self) -> None:
        while self._queue:
            batch = self._queue[:self.max_batch]
            del self._queue[:self.max_batch]
            try:
                results = await self.handle([request for request, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
