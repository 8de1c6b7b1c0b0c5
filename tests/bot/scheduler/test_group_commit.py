"""Requests that arrive while a batch is handled share the next batch; failures reach every
request of their batch and no other."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.scheduler.group_commit import GroupCommit


async def test_concurrent_requests_share_batches_and_get_their_own_results() -> None:
    batches: list[list[int]] = []

    async def double(requests: Sequence[int]) -> list[int]:
        batches.append(list(requests))
        await asyncio.sleep(0)
        return [2 * r for r in requests]

    group = GroupCommit(double, max_batch=3)
    results = await asyncio.gather(*(group(n) for n in range(7)))
    await group.close()
    assert results == [0, 2, 4, 6, 8, 10, 12]
    assert batches == [[0, 1, 2], [3, 4, 5], [6]]


async def test_a_failed_batch_fails_its_requests_only() -> None:
    async def refuse_odd_batches(requests: Sequence[int]) -> list[int]:
        await asyncio.sleep(0)
        if requests[0] % 2:
            raise RuntimeError("database went away")
        return list(requests)

    group = GroupCommit(refuse_odd_batches, max_batch=1)
    results = await asyncio.gather(*(group(n) for n in range(3)), return_exceptions=True)
    assert results[0] == 0 and results[2] == 2
    assert isinstance(results[1], RuntimeError)
    with pytest.raises(RuntimeError):
        await group(5)
