"""Notices: messages for someone other than the person who spoke, sent through the outbox.

A handler calls ``ctx.notify(...)``; a service returns :class:`bot.types.Notification`
values.  Either way :func:`queue_notices` writes each one to the delivery outbox as a
``notice`` row carrying its rendered :class:`Reply` (JSON), in the caller's unit of work: a
waitlist promotion and the message telling the member commit together or not at all.  The
sender that delivers scheduled posts (:mod:`bot.scheduler.sender`) sends them.

What is exactly once and what is at least once:

- **Queued exactly once.**  The notice row is written in the same transaction as the change,
  under the outbox's unique key; a platform retry of the same event is dropped by the
  idempotency record written in that transaction too, so a retried handler never queues a
  notice twice.
- **Recorded exactly once.**  A claim (token + lease) makes one sender at a time responsible
  for a row; "sent", "failed" and the posted message's id are written once, by the claim's
  holder only.
- **Posted at least once.**  If a sender dies (or loses its database) after the platform
  accepted a post but before "sent" is committed, another sender posts it again once the
  lease expires.  That window is one round trip to the database; nothing is ever lost, but a
  message can, rarely, arrive twice.  Transient platform errors (5xx, 429 with
  ``Retry-After``) are retried with backoff up to the policy's ``max_attempts``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from pydantic import ConfigDict, TypeAdapter
from pydantic.dataclasses import dataclass
from sqlalchemy.ext.asyncio import AsyncSession

from bot.types import Notification, Reply
from storage.models.deliveries import NOTICE, Delivery
from storage.repositories.deliveries import DeliveryRepository, PlannedDelivery


@dataclass(frozen=True, slots=True,
           config=ConfigDict(ser_json_bytes="base64", val_json_bytes="base64"))
class NoticeContent:
    """What a notice row carries: the message, and what the posted message is about (kept
    with the platform's message id so replies in its thread are recognised)."""

    reply: Reply
    subject: str | None = None


_CONTENT: TypeAdapter[NoticeContent] = TypeAdapter(NoticeContent)


def encode(notification: Notification) -> str:
    reply = replace(notification.reply, field_errors=dict(notification.reply.field_errors))
    return _CONTENT.dump_json(NoticeContent(reply, notification.subject)).decode()


def decode(content: str) -> NoticeContent:
    return _CONTENT.validate_json(content)


def notice_content(delivery: Delivery) -> NoticeContent:
    """The message a notice row carries (ValueError if it carries none)."""
    if delivery.kind != NOTICE or not delivery.content:
        raise ValueError(f"delivery {delivery.id} is not a notice with content")
    return decode(delivery.content)


def new_origin() -> str:
    """An origin for changes that cannot be repeated (a CLI import, a console line)."""
    return uuid.uuid4().hex


async def queue_notices(session: AsyncSession, notifications: Sequence[Notification], *,
                        origin: str, now: datetime) -> int:
    """Write ``notifications`` to the outbox in ``session``'s unit of work; returns how many.

    ``origin`` names the change that caused them (e.g. the platform event id): the n-th
    notice of one origin has one key, so queueing the same origin again adds nothing."""
    planned = [
        PlannedDelivery(kind=NOTICE, subject=_subject(origin, index), target=n.target,
                        scheduled_at=now, content=encode(n))
        for index, n in enumerate(notifications)
    ]
    await DeliveryRepository(session).add(planned, now)
    return len(planned)


def _subject(origin: str, index: int) -> str:
    digest = hashlib.blake2b(f"{origin}\n{index}".encode(), digest_size=16).hexdigest()
    return f"notice:{digest}"
