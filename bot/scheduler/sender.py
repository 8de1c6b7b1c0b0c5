"""Sending what is due: claim, compose, pace, post, record — exactly once per delivery.

Deliveries are grouped into lanes, one per channel, so pacing is per channel while channels
are served concurrently.  Each lane claims a few deliveries at a time (a claim is a lease:
if this process dies, another takes the delivery over once the lease expires), composes them
from the current rows, posts them, and records each result as soon as the platform answers.

Rate limits and server errors are retried here, honouring ``Retry-After``, while the wait is
short; a longer wait releases the delivery with a time for the next attempt.  After
``max_attempts`` tries a delivery is marked failed and the error logged.

Claiming and recording are exactly once; the post itself is at least once (a process that
dies after the platform accepted a post, before "sent" is committed, has it posted again
after the lease).  :mod:`bot.notices` spells this out.  Before each post to a paced platform
a slot in the channel is reserved in the database, so replicas together keep the pace: the
slots for a claim's posts are reserved with the claim, in its transaction (one slot for
each message to post, one ``interval`` apart); a post tried again reserves a slot of its own.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
)
from tenacity.stop import stop_base

from bot.clock import Clock
from bot.delivery import DeliveryError, Transports
from bot.notices import notice_content
from bot.scheduler.group_commit import GroupCommit
from bot.scheduler.pacing import ChannelPacer, Sleep, lane_of
from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.reminders import Skip
from bot.types import ChannelRef, Reply
from storage.db import Database
from storage.models.deliveries import FAILED, NOTICE, SENT, SKIPPED, Delivery
from storage.repositories.deliveries import DeliveryRepository, SentRecord, channel_ref
from storage.repositories.pacing import ChannelPaceRepository

log = logging.getLogger(__name__)

Compose = Callable[[AsyncSession, Sequence[Delivery], SchedulePolicy, datetime],
                   Awaitable[list[Reply | Skip]]]

CLAIM_BATCH = 10  # deliveries a lane claims at once (ten seconds of Slack pacing)
CLAIMS_PER_BATCH = 100  # lanes' claims handled in one transaction
READY_LIMIT = 50_000  # deliveries considered per tick
INLINE_TRIES = 3  # posts tried within one claim
INLINE_WAIT_LIMIT = 60.0  # seconds: a longer Retry-After releases the claim instead
RETRY = "retry"  # a result: released, to be tried again later


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What happened to one delivery in this tick."""

    id: int | None
    kind: str
    subject: str
    target: str
    scheduled_at: datetime
    outcome: str  # sent | skipped | failed | retry
    detail: str = ""


def backoff(attempt: int) -> float:
    """Seconds before try ``attempt + 1`` when the platform gave no Retry-After."""
    return float(min(2 ** attempt, 300))


# A claimed delivery, its message, and when its first try may be posted (seconds since the
# epoch: the channel slot reserved with the claim; None when the platform is not paced).
Claimed = list[tuple[Delivery, "Reply | Skip", "float | None"]]
Operation = Callable[[AsyncSession], Awaitable[object]]


class Sender:
    def __init__(self, database: Database, transports: Transports, compose: Compose,
                 policy: SchedulePolicy, clock: Clock, pacer: ChannelPacer, *,
                 sleep: Sleep = asyncio.sleep, owner: str = "",
                 send_concurrency: int = 64) -> None:
        self.database = database
        self.transports = transports
        self.compose = compose
        self.policy = policy
        self.clock = clock
        self.pacer = pacer
        self.sleep = sleep
        # Claim tokens start with the process id, so operators can tell who holds a claim.
        self.owner = owner or f"{os.getpid()}.{uuid.uuid4().hex[:8]}"
        self._posts = asyncio.Semaphore(send_concurrency)

    async def send_ready(self, kinds: Sequence[str] | None = None) -> list[DeliveryResult]:
        """Send every delivery (of ``kinds``, if given) that may be claimed now."""
        async with self.database.read_session() as session:
            # Only what this process can post: another replica may hold other transports.
            ready = await DeliveryRepository(session).ready(
                self.clock.now(), READY_LIMIT, self.transports.platforms(), kinds)
        lanes: dict[str, list[int]] = defaultdict(list)
        for delivery_id, target in ready:
            lanes[lane_of(target)].append(delivery_id)
        results: list[DeliveryResult] = []
        tick = _Tick(claim=GroupCommit(self._claim, max_batch=CLAIMS_PER_BATCH),
                     record_sent=GroupCommit(self._record_sent),
                     write=GroupCommit(self._write))
        try:
            outcomes = await asyncio.gather(
                *(self._lane(ids, tick, results) for ids in lanes.values()),
                return_exceptions=True)
        finally:
            await tick.close()
        for outcome in outcomes:
            if isinstance(outcome, BaseException):  # e.g. the database went away mid-lane
                log.error("a delivery lane stopped: %r (its claims will be retried after "
                          "their lease)", outcome)
        return results

    async def _lane(self, ids: Sequence[int], tick: _Tick,
                    results: list[DeliveryResult]) -> None:
        # "Sent" is recorded in the background so the channel's next post need not wait for
        # the commit; the lane ends only when every record is committed.
        recording: list[asyncio.Future[None]] = []
        try:
            for start in range(0, len(ids), CLAIM_BATCH):
                claimed = await tick.claim(ids[start:start + CLAIM_BATCH])
                deferred = False
                for delivery, message, slot in claimed:
                    if deferred:  # the channel asked us to wait: leave the rest for later
                        await tick.write(partial(_release, delivery, self.clock.now()))
                        results.append(_result(delivery, RETRY,
                                               "waiting for the channel's rate limit"))
                        continue
                    result = await self._deliver(delivery, message, slot, tick, recording)
                    results.append(result)
                    deferred = result.outcome == RETRY
                if deferred:
                    return
        finally:
            if recording:
                await asyncio.gather(*recording)

    async def _claim(self, requests: Sequence[Sequence[int]]) -> list[Claimed]:
        """Claim what is still claimable of each request's ids, compose the messages and
        reserve the channel slots to post them in, for many lanes in one transaction (each
        request's ids are one lane's)."""
        token = f"{self.owner}-{uuid.uuid4().hex[:12]}"
        async with self.database.session() as session:
            now = self.clock.now()
            claimed = await DeliveryRepository(session).claim(
                [i for ids in requests for i in ids], token, now, self.policy.lease)
            try:
                messages = await self.compose(session, claimed, self.policy, now)
            except SQLAlchemyError:
                raise
            except Exception as exc:  # a bug in composing: retried, then failed
                log.exception("could not compose deliveries %s", [d.id for d in claimed])
                failed = _ComposeFailed(f"could not compose the message: {exc!r}")
                messages = [failed] * len(claimed)
            composed = {d.id: (d, m) for d, m in zip(claimed, messages, strict=True)}
            lanes = [[composed[i] for i in ids if i in composed] for ids in requests]
            slots = await self._reserve_slots(session, lanes)
        return [[(d, m, slots.get(d.id)) for d, m in lane] for lane in lanes]

    async def _reserve_slots(self, session: AsyncSession,
                             lanes: Sequence[Sequence[tuple[Delivery, Reply | Skip]]],
                             ) -> dict[int, float]:
        """The slot reserved for each claimed message to post on a paced platform (by
        delivery id), one statement per platform's interval for every lane claimed."""
        posting: dict[float, dict[str, list[Delivery]]] = defaultdict(dict)
        for claimed in lanes:
            posts = [d for d, m in claimed if not isinstance(m, Skip)]
            if not posts:
                continue
            target = channel_ref(posts[0])
            interval = self.pacer.interval(target)
            if interval > 0:
                posting[interval].setdefault(lane_of(target), []).extend(posts)
        slots: dict[int, float] = {}
        repository = ChannelPaceRepository(session)
        for interval, by_lane in posting.items():
            firsts = await repository.reserve_many(
                {lane: len(posts) for lane, posts in by_lane.items()}, self.pacer.wall(),
                interval)
            for lane, posts in by_lane.items():
                slots.update((d.id, firsts[lane] + n * interval) for n, d in enumerate(posts))
        return slots

    async def _record_sent(self, sent: Sequence[SentRecord]) -> list[None]:
        async with self.database.session() as session:
            await DeliveryRepository(session).mark_sent_many(sent, self.clock.now())
        return [None] * len(sent)

    async def _write(self, operations: Sequence[Operation]) -> list[object]:
        async with self.database.session() as session:
            return [await operation(session) for operation in operations]

    async def _deliver(self, delivery: Delivery, message: Reply | Skip, slot: float | None,
                       tick: _Tick, recording: list[asyncio.Future[None]]) -> DeliveryResult:
        token = delivery.claim_token or ""
        if isinstance(message, _ComposeFailed):
            return await self._failed_try(delivery, message.reason, 1, None, tick)
        if isinstance(message, Skip):
            now = self.clock.now()
            await tick.write(lambda session: DeliveryRepository(session).mark_skipped(
                delivery.id, token, message.reason, now))
            return _result(delivery, SKIPPED, message.reason)
        target = channel_ref(delivery)
        tries = 0

        async def post() -> str | None:
            nonlocal tries
            await self.pacer.wait(target)
            if tries == 0 and slot is not None:  # reserved with the claim
                await self._wait_until(slot)
                await _recorded_so_far(recording)
            else:
                await self._shared_slot(target, tick)
            async with self._posts:
                tries += 1
                try:
                    return await self.transports.send(target, message)
                finally:
                    self.pacer.posted(target)

        try:
            message_id = await self._with_retries(post)
        except DeliveryError as exc:
            if exc.permanent:
                return await self._fail(delivery, str(exc), tries, tick)
            return await self._failed_try(delivery, str(exc), tries, exc.retry_after, tick)
        except (SQLAlchemyError, _NoSlot):  # our database, not the platform: the lane stops
            raise
        except Exception as exc:
            log.exception("transport failed for delivery %s", delivery.id)
            return await self._failed_try(delivery, repr(exc), tries, None, tick)
        record = tick.record_sent.submit(SentRecord(
            delivery.id, token, message_id, tries - 1, _thread_subject(delivery), target))
        record.add_done_callback(partial(_check_recorded, delivery.id))
        recording.append(record)
        return _result(delivery, SENT, f"message {message_id}" if message_id else "")

    async def _shared_slot(self, target: ChannelRef, tick: _Tick) -> None:
        """Wait for a slot in ``target``'s channel reserved in the database, so that all
        replicas together keep the platform's pace (this process's pacer alone cannot)."""
        interval = self.pacer.interval(target)
        if interval <= 0:
            return
        now = self.pacer.wall()
        try:
            slot = await tick.write(partial(_reserve, lane_of(target), now, interval))
        except Exception as exc:
            raise _NoSlot(f"could not reserve a slot for {target.key}") from exc
        assert isinstance(slot, float)
        await self._wait_until(slot)

    async def _wait_until(self, slot: float) -> None:
        now = self.pacer.wall()
        if slot > now:
            await self.pacer.sleep(slot - now)

    async def _with_retries(self, post: Callable[[], Awaitable[str | None]]) -> str | None:
        try:  # most posts succeed at once: no retry machinery for them
            return await post()
        except Exception as exc:
            if not _is_transient(exc):
                raise
            failed: list[Exception] = [exc]

        async def again() -> str | None:  # the first try as it went, then new ones
            if failed:
                raise failed.pop()
            return await post()

        retrying = AsyncRetrying(
            retry=retry_if_exception(_is_transient),
            stop=stop_any(stop_after_attempt(INLINE_TRIES), _WaitTooLong()),
            wait=_retry_wait,
            sleep=self.sleep,
            reraise=True,
        )
        result: str | None = await retrying(again)
        return result

    async def _failed_try(self, delivery: Delivery, error: str, tries: int,
                          retry_after: float | None, tick: _Tick) -> DeliveryResult:
        """A transient failure: try again later, or give up after ``max_attempts``."""
        attempts = delivery.attempts - 1 + tries
        if attempts >= self.policy.max_attempts:
            return await self._fail(delivery, error, tries, tick)
        now = self.clock.now()
        wait = max(retry_after or 0.0, backoff(attempts))
        await tick.write(lambda session: DeliveryRepository(session).retry_later(
            delivery.id, delivery.claim_token or "", error, tries - 1,
            now + timedelta(seconds=wait), now))
        log.info("delivery %s to %s will be retried in %.0f s: %s", delivery.id,
                 delivery.target, wait, error)
        return _result(delivery, RETRY, f"{error} (next try in {wait:.0f} s)")

    async def _fail(self, delivery: Delivery, error: str, tries: int,
                    tick: _Tick) -> DeliveryResult:
        now = self.clock.now()
        await tick.write(lambda session: DeliveryRepository(session).mark_failed(
            delivery.id, delivery.claim_token or "", error, tries - 1, now))
        log.warning("delivery %s (%s %s to %s) failed after %d attempts: %s", delivery.id,
                    delivery.kind, delivery.subject, delivery.target,
                    delivery.attempts - 1 + tries, error)
        return _result(delivery, FAILED, error)


@dataclass
class _Tick:
    """The shared-transaction channels of one tick's lanes."""

    claim: GroupCommit[Sequence[int], Claimed]
    record_sent: GroupCommit[SentRecord, None]
    write: GroupCommit[Operation, object]

    async def close(self) -> None:
        for group in (self.claim, self.record_sent, self.write):
            await group.close()


async def _recorded_so_far(recording: Sequence[asyncio.Future[None]]) -> None:
    """Before a lane's next post: every post but its last must be on record as sent (the
    last may still be in a batch being committed).  If the database could not record one,
    nothing more is posted: a lane never has more than two posts unrecorded, and those are
    posted again after their lease."""
    try:
        for record in recording[-2:]:
            if record.done():
                record.result()
        if len(recording) >= 2:
            await recording[-2]
    except Exception as exc:
        raise _NoSlot("a post could not be recorded") from exc


def _check_recorded(delivery_id: int, record: asyncio.Future[None]) -> None:
    if not record.cancelled() and record.exception() is not None:
        log.error("delivery %s was sent but could not be recorded: %r (it may be sent again "
                  "after its lease)", delivery_id, record.exception())


async def _reserve(lane: str, now: float, interval: float, session: AsyncSession) -> float:
    return await ChannelPaceRepository(session).reserve(lane, now, interval)


def _thread_subject(delivery: Delivery) -> str | None:
    """What a posted notice is about, to be recorded with its message id."""
    return notice_content(delivery).subject if delivery.kind == NOTICE else None


async def _release(delivery: Delivery, now: datetime, session: AsyncSession) -> bool:
    return await DeliveryRepository(session).release(
        delivery.id, delivery.claim_token or "", now)


@dataclass(frozen=True, slots=True)
class _ComposeFailed(Skip):
    pass


class _NoSlot(Exception):
    """The database could not reserve a channel slot, or record the channel's last post:
    nothing was posted."""


def _is_transient(exc: BaseException) -> bool:
    # Not BaseException: a cancelled or exiting process must stop, not retry.
    return isinstance(exc, Exception) and not isinstance(exc, (SQLAlchemyError, _NoSlot)) and not (
        isinstance(exc, DeliveryError) and exc.permanent)


def _retry_after(state: RetryCallState) -> float | None:
    exc = state.outcome.exception() if state.outcome else None
    return exc.retry_after if isinstance(exc, DeliveryError) else None


def _retry_wait(state: RetryCallState) -> float:
    retry_after = _retry_after(state)
    return retry_after if retry_after is not None else backoff(state.attempt_number - 1)


class _WaitTooLong(stop_base):
    """Stop retrying here when the platform asks for a longer wait than a tick should hold."""

    def __call__(self, retry_state: RetryCallState) -> bool:
        return _retry_wait(retry_state) > INLINE_WAIT_LIMIT


def _result(delivery: Delivery, outcome: str, detail: str = "") -> DeliveryResult:
    return DeliveryResult(delivery.id, delivery.kind, delivery.subject, delivery.target,
                          delivery.scheduled_at, outcome, detail)

